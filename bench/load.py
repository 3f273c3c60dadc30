"""Load speed: a generated city into the embedded store and into Neo4j, every route, one process.

    python -m bench.load [--companies 100000] [--seed 5] [--cache .creditgraph/bench]
                         [--merge-limit 0] [--skip-neo4j]

Stages, each timed with the process's peak RSS (Neo4j's own JVM is another process):

1. map: the real loaders read, normalise and map every file into a ``Fold`` (no store).
   Source rows/s here bound every route's end-to-end speed.
2. embedded bulk: the fold through ArcadeDB's ``GraphBatch`` into an empty embedded store.
3. embedded MERGE: the same records through ``upsert_nodes``/``upsert_edges`` (Cypher
   ``UNWIND … MERGE`` over Bolt), the path every incremental load takes.
4. Neo4j UNWIND: the same records through the same adapter into a local Neo4j 5.26.
5. Neo4j admin import: CSV files written from the fold, then ``neo4j-admin database import
   full`` into a stopped, empty home; then the server starts and the counts are checked.

"Rows" in stages 2-5 are stored records (one per node, one per relationship), the same set
for every route, so rows/s compare like with like. ``--merge-limit N`` sends only the first N
records of each label/type through the MERGE routes (labelled) when they are too slow to run
whole. Prints one table and the ratio lines. Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import gc
import logging
import shutil
import tempfile
import time
from dataclasses import replace
from itertools import islice
from pathlib import Path

from bench._measure import Table, machine
from creditgraph import neo4j_local
from creditgraph.graph.arcadedb_bulk import write_arcadedb
from creditgraph.graph.bulk import Fold, write_neo4j_csv
from creditgraph.graph.connect import connect_bolt
from creditgraph.graph.embedded import EmbeddedServer
from creditgraph.graph.neo4j_import import import_full
from creditgraph.graph.records import EdgeRow, NodeRow
from creditgraph.loaders.pipeline import load_paths

log = logging.getLogger("bench.load")

_PROVENANCE = ("sources", "source_ids", "first_seen", "last_seen")
NEO4J_CACHE = Path(__file__).resolve().parents[1] / ".cache" / "neo4j"


def _city(companies: int, seed: int, cache: Path) -> Path:
    from creditgraph.synth.generate import generate

    city = cache / f"city-{companies}-s{seed}"
    if not (city / "data").is_dir():
        generate(companies, seed=seed, out=city, progress=True)
    return city / "data"


def _merge_rows(fold: Fold, limit: int) -> tuple[dict[str, list[NodeRow]], dict[str, list[EdgeRow]]]:
    """The fold's records as MERGE rows (one per stored record; provenance from its first source)."""
    def row_of(rec: dict) -> dict:
        return {"props": {k: v for k, v in rec.items() if k not in _PROVENANCE and k != "key"},
                "source": rec["sources"][0], "source_id": rec["source_ids"][0].split(":", 1)[1],
                "seen": rec.get("first_seen")}

    cap = (lambda xs: xs[:limit]) if limit else (lambda xs: xs)
    nodes = {label: [NodeRow(label, k, **row_of(fold.nodes[k])) for k in cap(keys)]
             for label, keys in fold.by_label().items()}
    keep = {r.key for rows in nodes.values() for r in rows}
    edges = {}
    for type_, idents in fold.by_type().items():
        ok = (i for i in idents if i[1] in keep and i[2] in keep)
        edges[type_] = [EdgeRow(type_, i[1], i[2], **row_of(fold.edges[i]))
                        for i in (islice(ok, limit) if limit else ok)]
    return nodes, edges


def _merge(store, nodes, edges, out: list[tuple], route: str) -> None:
    for label, rows in nodes.items():
        t0 = time.perf_counter()
        store.upsert_nodes(rows)
        out.append((route, label, len(rows), time.perf_counter() - t0))
    for type_, rows in edges.items():
        t0 = time.perf_counter()
        store.upsert_edges(rows)
        out.append((route, type_, len(rows), time.perf_counter() - t0))


def _connect(ep, database: str, **kw):
    """Connect, waiting up to a minute: at 1M the fresh JVM beside the 14.8 GB fold once missed
    the driver's 10 s handshake (the only failure in that run)."""
    from creditgraph.errors import StoreUnavailable

    for attempt in range(6):
        try:
            return connect_bolt(ep.uri, ep.user, ep.password, database=database, backend="arcadedb", **kw)
        except StoreUnavailable as e:
            if attempt == 5:
                raise
            log.warning("embedded store not answering yet (%s); retrying", e)
            time.sleep(5)


def _step(steps: list, route: str, name: str, rows: int, seconds: float) -> None:
    """Keep a step for the table, and log it now: a run that fails later still tells how far it got."""
    steps.append((route, name, rows, seconds))
    log.warning("%s: %s %s records in %.1f s", route, name, f"{rows:,}", seconds)


def _embedded_routes(work: Path, heap: str, fold: Fold, nodes: dict, edges: dict, table: Table, steps: list,
                     records: int, merged: int, sample: str) -> None:
    """Stages 2 and 3: the fold through GraphBatch, and the MERGE rows over Bolt, into one embedded server."""
    # Half the heap would go to ArcadeDB's page cache; at 1M GraphBatch ran out of the rest.
    server = EmbeddedServer(work / "embedded", heap=heap, page_ram_mb=1024)
    ep = server.start()
    try:
        bulk_db = server.database()
        server.database("merge", create=True)
        bulk = _connect(ep, ep.database)
        with table.stage("embedded bulk: GraphBatch, then the schema's indexes", kind="embedded") as row:
            write_arcadedb(bulk_db, fold, on_step=lambda n, r, s: _step(steps, "embedded bulk", n, r, s))
            t0 = time.perf_counter()
            bulk.ensure_schema()
            steps.append(("embedded bulk", "(build indexes)", 0, time.perf_counter() - t0))
            got = bulk.counts().as_dict()
            assert got == fold.counts().as_dict(), f"bulk-loaded counts differ: {got}"
            row["rows"] = records
        bulk.close()
        store = _connect(ep, "merge", batch_size=5000)
        store.ensure_schema()
        with table.stage(f"embedded MERGE: UNWIND over Bolt{sample}", kind="embedded") as row:
            _merge(store, nodes, edges, steps, "embedded MERGE")
            row["rows"] = merged
        store.close()
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--companies", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--cache", type=Path, default=Path(".creditgraph/bench"))
    ap.add_argument("--merge-limit", type=int, default=0, help="records per label/type for the MERGE routes (0: all)")
    ap.add_argument("--skip-neo4j", action="store_true")
    ap.add_argument("--skip-embedded", action="store_true",
                    help="leave out both embedded routes (at 1M the fold alone is ~16 GB by the 100k figure; "
                         "the JVM beside it may not fit)")
    ap.add_argument("--admin-baseline", action="store_true",
                    help="also time the admin import with multi-line parsing on (how it always ran before)")
    ap.add_argument("--keep", type=Path, default=None,
                    help="keep the embedded store as DIR/embedded (a --data-dir for creditgraph resolve/score "
                         "and bench.serve, with CREDITGRAPH_ID_HASH_KEY=bench) and the admin-imported Neo4j "
                         "home as DIR/neo4j (start it with creditgraph neo4j start --data-dir DIR) instead of "
                         "deleting them")
    ap.add_argument("--heap", default="4g", help="heap of the embedded store and of the Neo4j server")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    table, steps = Table(), []
    data = _city(args.companies, args.seed, args.cache)
    work = Path(tempfile.mkdtemp(prefix="bench-load-", dir=args.cache))
    try:
        fold = Fold()
        with table.stage("map: read + normalise + fold (no store)", kind="map") as row:
            report = load_paths(fold, [data], hash_key="bench", report_dir=work / "report", progress=False)
            records = len(fold.nodes) + len(fold.edges)
            row["rows"] = report.rows_read
            row["note"] = (f"{report.rows_read:,} source rows -> {records:,} records "
                           f"({len(fold.nodes):,} nodes, {len(fold.edges):,} edges); "
                           f"{report.rows_quarantined} quarantined")
        # At 1M firms the fold is tens of millions of long-lived dicts and lists: a full
        # collection over them stalls the process ~4 s. Frozen objects are left out. (The 1M
        # embedded run once failed its Bolt handshake right after the fold; cause not known.)
        gc.freeze()
        nodes, edges = _merge_rows(fold, args.merge_limit)
        merged = sum(map(len, nodes.values())) + sum(map(len, edges.values()))
        sample = f" (first {args.merge_limit:,} per label/type: {merged:,} records)" if args.merge_limit else ""

        if not args.skip_embedded:
            _embedded_routes(work, args.heap, fold, nodes, edges, table, steps, records, merged, sample)

        if not args.skip_neo4j:
            # The CSV files are the last use of the fold: write them first and let the fold go,
            # so the Neo4j server (another process) is not squeezed beside it at 1M.
            with table.stage("Neo4j admin import: write CSV files", kind="neo4j") as row:
                files = write_neo4j_csv(fold, work / "import")
                row["rows"] = records
            expected = fold.counts().as_dict()
            del fold
            gc.collect()
            home = work / "neo4j"
            inst = neo4j_local.start(home, cache_dir=NEO4J_CACHE, auth=False, heap=args.heap, pagecache="2g",
                                     timeout=300)
            store = connect_bolt(inst.uri, None, None, database=None, backend="neo4j", batch_size=5000)
            try:
                store.ensure_schema()
                with table.stage(f"Neo4j UNWIND: MERGE over Bolt{sample}", kind="neo4j") as row:
                    _merge(store, nodes, edges, steps, "Neo4j UNWIND")
                    row["rows"] = merged
            finally:
                store.close()
                neo4j_local.stop(home)
            shutil.rmtree(home)
            if args.admin_baseline:
                every = replace(files, multiline=[paths[-1] for paths in [*files.nodes.values(),
                                                                           *files.relationships.values()]])
                with table.stage("Neo4j admin import, baseline: multi-line parsing on", kind="neo4j") as row:
                    import_full(home, every, cache_dir=NEO4J_CACHE, heap=args.heap)
                    row["rows"] = records
                shutil.rmtree(home)
            with table.stage("Neo4j admin import: neo4j-admin database import full", kind="neo4j") as row:
                import_full(home, files, cache_dir=NEO4J_CACHE, heap=args.heap)
                row["rows"] = records
            inst = neo4j_local.start(home, cache_dir=NEO4J_CACHE, auth=False, heap=args.heap, pagecache="2g",
                                     timeout=300)
            store = connect_bolt(inst.uri, None, None, database=None, backend="neo4j")
            try:
                got = store.counts().as_dict()
                assert got == expected, f"imported counts differ: {got}"
                if args.keep:  # the import writes no indexes: a kept home without them scans per lookup
                    t0 = time.perf_counter()
                    store.ensure_schema()
                    store.await_indexes()
                    log.warning("kept Neo4j home: schema indexes built in %.1f s", time.perf_counter() - t0)
            finally:
                store.close()
                neo4j_local.stop(home)
    finally:
        for kept in ("embedded", "neo4j"):
            if args.keep and (work / kept).is_dir():
                args.keep.mkdir(parents=True, exist_ok=True)
                shutil.move(work / kept, args.keep / kept)
        shutil.rmtree(work, ignore_errors=True)

    _print(args, table, steps)


def _print(args, table: Table, steps: list[tuple]) -> None:
    print(f"# python -m bench.load --companies {args.companies} --seed {args.seed}"
          + (f" --merge-limit {args.merge_limit}" if args.merge_limit else "")
          + (" --skip-embedded" if args.skip_embedded else "") + (" --skip-neo4j" if args.skip_neo4j else "")
          + (f" --heap {args.heap}" if args.heap != "4g" else "") + (" --admin-baseline" if args.admin_baseline else "")
          + f"   ({time.strftime('%Y-%m-%d')})")
    print(f"# machine: {machine()}")
    print(f"{'stage':<66} {'rows':>11} {'seconds':>9} {'rows/s':>9} {'peak RSS GB':>12}  note")
    rate = {}
    for r in table.rows:
        rate[r["stage"]] = r["rows"] / r["seconds"] if r["seconds"] else 0.0
        print(f"{r['stage']:<66} {r['rows']:>11,} {r['seconds']:>9.1f} {rate[r['stage']]:>9,.0f} "
              f"{r['peak_gb']:>12.2f}  {r['note']}")
    print("\nper label / type (records, seconds, records/s)")
    for route, name, rows, seconds in steps:
        print(f"  {route:<16} {name:<18} {rows:>10,} {seconds:>8.1f} {rows / seconds if seconds else 0:>9,.0f}")

    def r(prefix: str) -> float:
        return next((v for k, v in rate.items() if k.startswith(prefix)), 0.0)

    bulk, merge, unwind, admin = (r("embedded bulk"), r("embedded MERGE"), r("Neo4j UNWIND"),
                                  r("Neo4j admin import: neo4j-admin"))
    if bulk:
        print(f"ratio embedded bulk / embedded MERGE = {bulk / merge if merge else 0:.1f}x")
    if unwind and bulk:
        print(f"ratio Neo4j UNWIND / embedded bulk = {unwind / bulk:.2f}x")
    if unwind:
        print(f"ratio neo4j-admin import / Neo4j UNWIND = {admin / unwind:.1f}x")
    if r("Neo4j admin import, baseline"):
        print(f"ratio neo4j-admin import, multi-line parsing off (no value spans lines) / on = "
              f"{admin / r('Neo4j admin import, baseline'):.2f}x")


if __name__ == "__main__":
    main()
