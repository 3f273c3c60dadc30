"""``load --bulk``: the first load of an empty store, folded in memory and written in one pass.

The embedded store takes the fold through ArcadeDB's GraphBatch in this process; a Neo4j store
through ``neo4j-admin database import full``, which replaces a stopped database, so only the
project's own local server (``creditgraph neo4j start``) can take it: it is stopped, imported
into and started again as it ran. Either way the load is a run record
(:mod:`creditgraph.graph.runs`), and the indexes are built after the records.
"""

from __future__ import annotations

import shutil
import time

from creditgraph.cli.common import log
from creditgraph.errors import CreditGraphError
from creditgraph.settings import Settings

__all__ = ["bulk_first_load"]


def bulk_first_load(settings: Settings, load, *, paths=()):
    """Map everything into a fold, then write it in one pass (empty store only); the load report.

    The load is a run record: one stopped half-way (32,063 of 33,580 edges written, and nothing
    said so) stays visible as unfinished, resolve and score refuse to run over it, and the next
    ``load --bulk`` starts over: it deletes what the stopped load left (keeping the run records)
    and loads again. That is safe because a bulk load needs an empty store, and while its run is
    unfinished nothing else writes data (MERGE loads, resolve and score refuse) — only a
    reviewer's judgements could be there, and with any the wipe is left to the user."""
    if settings.use_neo4j:
        return _bulk_neo4j(settings, load, paths)
    return _bulk_embedded(settings, load, paths)


def _bulk_embedded(settings: Settings, load, paths):
    from creditgraph import collector
    from creditgraph.graph import runs
    from creditgraph.graph.arcadedb_bulk import write_arcadedb
    from creditgraph.graph.connect import open_embedded
    from creditgraph.graph.packed import PackedFold

    with open_embedded(settings) as (server, store):
        database = server.database()  # refused here, before anything is wiped, unless this process owns the store
        stopped = _stopped_bulk_loads(store)
        present = sum(store.counts().nodes.values())
        if stopped:
            log.warning("%s; starting over: deleting the %s nodes (and the edges, linked or not) it left",
                        stopped[-1].describe(), f"{present:,}")
            server.empty_data()
        elif present:
            _refuse_present(present)
        options = {"paths": [str(p) for p in paths]}
        with runs.recorded(store, runs.BULK_LOAD, user=settings.user, options=options) as run:
            run.stage("mapping the files")
            fold = PackedFold()
            # No cyclic collections while the fold grows and is written: with the JVM in this
            # process each one calls JPype's hooks, which ask glibc for its heap size (mallinfo,
            # a walk of every free chunk); at 1M firms that was most of the mapping's time.
            with collector.paused():
                report = load(fold)
                log.info("mapped %d rows into %d nodes and %d edges; writing them", report.rows_read,
                         len(fold.nodes), len(fold.edges))
                run.stage("writing nodes and edges", writes=True)
                write_arcadedb(database, fold)
            run.stage("building indexes")
            store.ensure_schema()  # the bulk path builds the indexes after the records
            run.counts = {"rows_read": report.rows_read, **fold.counts().as_dict()}
    return report


def _bulk_neo4j(settings: Settings, load, paths):
    """Fold, write the importer's CSV files, replace the local server's database with them.

    The import replaces the database, run records included, so the run is recorded after it
    (building the indexes). A load stopped before the import left the store as it was; one
    stopped in the import leaves the server stopped and the database as the importer left it
    (``creditgraph neo4j start``, then ``load --bulk`` again); one stopped while indexing is an
    unfinished run, and the next ``load --bulk`` imports over it."""
    from creditgraph import collector, neo4j_local
    from creditgraph.graph import runs
    from creditgraph.graph.bulk import write_neo4j_csv
    from creditgraph.graph.connect import open_store
    from creditgraph.graph.neo4j_import import import_into_local
    from creditgraph.graph.packed import PackedFold

    home = settings.neo4j_home
    local = neo4j_local.status(home)
    if local is None or local.uri != settings.neo4j_uri:
        raise CreditGraphError(
            f"--bulk on Neo4j replaces the database with neo4j-admin import, which needs the stopped database of "
            f"the project's local server; {settings.neo4j_uri} is not the one running in {home}: use "
            "`creditgraph neo4j start` and --neo4j alone, or load without --bulk (MERGE over Bolt)")
    with open_store(settings) as store:
        stopped = _stopped_bulk_loads(store)
        present = sum(store.counts().nodes.values())
    if stopped:
        log.warning("%s; starting over: the import replaces the %s nodes it left", stopped[-1].describe(),
                    f"{present:,}")
    elif present:
        _refuse_present(present)
    fold = PackedFold()
    with collector.paused():  # as on the embedded store: the fold's millions of objects are no cycles
        report = load(fold)
    log.info("mapped %d rows into %d nodes and %d edges; writing the import files", report.rows_read,
             len(fold.nodes), len(fold.edges))
    folder = settings.data_dir / "import" / f"bulk-{time.strftime('%Y%m%d-%H%M%S')}"
    try:
        files = write_neo4j_csv(fold, folder)
        counts = {"rows_read": report.rows_read, **fold.counts().as_dict()}
        del fold  # before the importer's JVM starts beside this process
        import_into_local(home, files, cache_dir=settings.data_dir / "cache", database=settings.neo4j_database
                          or "neo4j", jvm_options=settings.jvm_option_list)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    with open_store(settings) as store:
        with runs.recorded(store, runs.BULK_LOAD, user=settings.user,
                           options={"paths": [str(p) for p in paths]}) as run:
            run.stage("building indexes")
            store.ensure_schema()  # the importer writes no indexes: without them every lookup scans
            store.await_indexes()
            run.counts = counts
    return report


def _stopped_bulk_loads(store) -> list:
    """Bulk loads that stopped half-way, unless one still runs or a reviewer has judged since
    (then starting over would lose the judgements: refused)."""
    from creditgraph.graph import runs

    stopped = [r for r in runs.unfinished_runs(store) if r.command == runs.BULK_LOAD]
    for r in stopped:
        if r.state == "running":
            raise CreditGraphError(f"refused: {r.describe()}")
    judged = store.counts().relationships.get("JUDGED", 0) if stopped else 0
    if judged:
        raise CreditGraphError(f"{stopped[-1].describe()}; the store also holds {judged} reviewer judgements, which "
                               "starting over would wipe: note them elsewhere, then `creditgraph wipe --yes` and "
                               "load --bulk again")
    return stopped


def _refuse_present(present: int) -> None:
    raise CreditGraphError(f"--bulk is for the first load of an empty store; this one holds {present:,} "
                           "nodes: load without --bulk (MERGE keeps loads idempotent)")
