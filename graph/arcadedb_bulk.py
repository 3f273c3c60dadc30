"""Write a :class:`~creditgraph.graph.bulk.Fold` into an empty embedded ArcadeDB database.

ArcadeDB's ``GraphBatch`` in-process: vertices label by label, then edges in batches, then the
key indexes; ``ensure_schema`` builds the rest afterwards. Everything here that is a constant is
about ArcadeDB's internals at city scale (heap, pages, transactions), measured at 100k and 1M
firms (``bench/results/load_*_embedded*.txt``, ``bench/graphbatch_heap.py``, ``bench/key_index.py``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import logging
import time
from typing import Any, Callable, Iterable, Iterator

from creditgraph.errors import StoreError
from creditgraph.graph import arcadedb_sql as sql
from creditgraph.graph.bulk import Fold
from creditgraph.graph.records import Counts
from creditgraph.graph.schema import schema

__all__ = ["write_arcadedb"]

log = logging.getLogger(__name__)


def write_arcadedb(database: Any, fold: Fold, *, on_step: Callable[[str, int, float], None] | None = None) -> Counts:
    """Write a fold into an empty embedded ArcadeDB database (an ``arcadedb_embedded`` Database).

    Indexes slow vertex creation about twofold and GraphBatch needs none (edges name their ends
    by record id), so the types are created bare, or stripped of their indexes when a schema is
    already there: run ``ensure_schema`` afterwards to build them over the loaded records. Dates
    cross as ``java.time.LocalDate`` and lists as lists, as the Bolt path stores them.
    ``on_step(label or type, rows, seconds)`` hears of each label and type as it is written.
    """
    from arcadedb_embedded.exceptions import ArcadeDBError

    step = on_step or (lambda name, rows, seconds: None)
    sch = schema()
    unique = _bare_types(database)
    rids: dict[str, str] = {}
    try:
        with _batch(database) as batch:
            for label, keys in fold.by_label().items():
                _no_open_transaction(database, f"before {label}")
                t0 = time.perf_counter()
                name = sch.node(label).label
                _declare_dates(database, name, (fold.nodes[k] for k in keys))
                rows = (_json_ready({"key": k, **fold.nodes[k]}) for k in keys)  # a chunk at a time, never a label
                made: list[str] = []
                while chunk := list(itertools.islice(rows, _CHUNK)):
                    made += _create_vertices(batch, name, chunk)
                rids.update(zip(keys, made))
                _settle_batch_transaction(database, f"after {label}")
                step(label, len(keys), time.perf_counter() - t0)
        with contextlib.ExitStack() as open_batch:
            batch, room = None, 0
            for type_, idents in fold.by_type().items():
                t0 = time.perf_counter()
                _declare_dates(database, sch.rel(type_).type, (fold.edges[i] for i in idents))
                props = (_json_ready(fold.edges[i]) for i in idents)
                start = 0
                while start < len(idents):
                    if not room:  # close the full batch (it connects its incoming edges), open the next
                        open_batch.close()
                        _no_open_transaction(database, f"before {type_} from edge {start:,}")
                        batch, room = open_batch.enter_context(_batch(database)), _EDGES_PER_BATCH
                    end = min(len(idents), start + room)
                    _new_edges(batch, sch.rel(type_).type, [rids[i[1]] for i in idents[start:end]],
                               [rids[i[2]] for i in idents[start:end]], list(itertools.islice(props, end - start)))
                    batch.flush()
                    _settle_batch_transaction(database, f"after {type_} edge {end:,}")
                    room -= end - start
                    start = end
                step(type_, len(idents), time.perf_counter() - t0)
            t0 = time.perf_counter()
        step("(close: connect incoming edges)", 0, time.perf_counter() - t0)
        t0 = time.perf_counter()
        key_indexes = {(sch.node(label).label, "key") for label in sch.nodes}
        for name, prop in sorted(key_indexes | set(unique)):  # ensure_schema's CREATE CONSTRAINT then skips these
            _unique_index(database, name, prop)
        step("(build key constraints)", 0, time.perf_counter() - t0)
    except ArcadeDBError as e:
        raise StoreError(f"bulk load into the embedded store failed after {len(rids)} vertices: {e}") from e
    return fold.counts()


@contextlib.contextmanager
def _batch(database: Any) -> Iterator[Any]:
    """One GraphBatch, closed (it connects the incoming edges) when the block ends."""
    batch = database.graph_batch(batch_size=_EDGE_BUFFER, max_deferred_incoming_edges=_DEFERRED_IN,
                                 parallel_flush=_PARALLEL_FLUSH, commit_every=_COMMIT_EVERY)
    try:
        yield batch
    except BaseException:
        with contextlib.suppress(Exception):  # release the batch guard; the first error is the one raised
            batch.close()
        raise
    _close(database, batch)


def _no_open_transaction(database: Any, where: str) -> None:
    """GraphBatch refuses to close inside a transaction the caller opened (arcadedb-embedded
    26.10.1+), and then names none. Checked before each step: one open here was opened by code
    outside the batch (an ``on_step`` listener), so it is rolled back and the step named."""
    if database.is_transaction_active():
        database.rollback()  # so the batch can close and this error, not its refusal, is what is seen
        raise StoreError(f"bulk load into the embedded store: a transaction was open on this thread {where} "
                         "(rolled back; GraphBatch refuses to close inside one)")


def _close(database: Any, batch: Any) -> None:
    """Close the batch (it connects the incoming edges), once more after committing if refused.

    At 1M firms, with the whole city in one batch, close() was refused twice, "inside a
    transaction the caller opened", though no step had left one open; the next two runs ran
    out of heap in flush() and in close(), and the OutOfMemoryError in close() left a
    transaction active, which is what the refusal checks: heap exhaustion inside the batch
    is the likely cause (not proven). A refused close keeps its work, and committing is what
    close() itself did before arcadedb-embedded 26.10.1, so that is what is done, loudly; the
    caller checks the loaded counts.
    """
    from arcadedb_embedded.exceptions import ArcadeDBError

    try:
        batch.close()
    except ArcadeDBError as e:
        if "own transactions" not in str(e) or not database.is_transaction_active():
            raise  # not the refusal (at 1M, once: the heap ran out inside close)
        log.warning("GraphBatch refused to close inside a transaction nobody here opened (%s); "
                    "committing it and closing again", e)
        database.commit()
        batch.close()


def _settle_batch_transaction(database: Any, where: str) -> None:
    """Commit a transaction the batch itself left open on this thread, so that close() can run.

    At 1M firms (7.2M vertices, 8.3M edges) a close was refused after every record was
    written, though nothing but the batch had touched the database: a transaction it begins
    for its own work was still open, and the engine's guard cannot tell it from the caller's.
    Committing it here is what close() did before 26.10.1; the loaded counts are checked after.
    """
    if database.is_transaction_active():
        log.warning("GraphBatch left a transaction open on this thread %s; committing it so the batch "
                    "can close", where)
        database.commit()


_CHUNK = 100_000

# GraphBatch holds this many edges, properties and all, on the Java heap before a flush. Left
# to tune itself from the expected edge count it takes a fifth of them (1.65M at 1M firms) and
# the 4 GB heap ran out mid-flush; the 100k city loaded with 165k, so that is the size kept,
# whatever the city.
_EDGE_BUFFER = 200_000
# Incoming edges waiting to be connected before a flush connects them early (default 5M).
_DEFERRED_IN = 2_000_000
# Connect edges on this thread, committing every this many: the parallel flush connects each
# bucket's edges in one transaction, and a transaction holds every page it touched (64 KB each).
# Edges between random vertices of the 1M city touch nearly every vertex page (~2 GB of
# vertices), so the 4 GB heap ran out in the first flush; serially, with this cadence, the probe
# wrote all 8.3M edges with the live heap under 1.2 GB (bench/results/load_1m_embedded_attempt.txt).
_COMMIT_EVERY = 20_000
# Pages of the key indexes a bulk load builds (ArcadeDB's default is 256 KB): see _unique_index.
_KEY_INDEX_PAGE_SIZE = 4 * 1024 * 1024
_PARALLEL_FLUSH = False
# Edges given to one GraphBatch, across types: bounds what one close() holds on the heap (it
# rewrites the head chunk of every vertex the batch touched). Alone it did not make the 1M city
# fit a 4 GB heap (the parallel flush above did that); kept, since it costs nothing measurable:
# under this many edges a city gets one batch, as before (100k: 88.4 s for the bulk stage against
# 84.3 s for the old one-batch writer, within run-to-run noise).
_EDGES_PER_BATCH = 1_000_000


def _bridge(name: str) -> Any:
    """arcadedb-embedded's Java-side batchers: one JSON text per chunk of records.

    Its Python ``GraphBatch`` only takes that route for records of scalars; ours all carry
    lists (``sources``), which it sends value by value through JPype. In isolation the JSON
    route was ~3x faster (300k vertices); on the 100k city the whole write was not (188 s
    against 174-184 s, ``bench/results/load_100k.txt``): ArcadeDB's vertex creation is the
    limit there. The JSON route stores lists as lists (``tests/graph/test_bulk.py``).
    """
    try:
        import jpype

        return jpype.JClass(f"com.arcadedb.python.{name}")
    except Exception:  # an engine without the bridge: the public, slower path
        log.warning("arcadedb-embedded has no %s; bulk writes go value by value", name)
        return None


def _create_vertices(batch: Any, type_name: str, rows: list[dict[str, Any]]) -> list[str]:
    batcher = _bridge("VertexBatcher")
    if batcher is None:
        return batch.create_vertices(type_name, rows)
    rids: list[str] = []
    for start in range(0, len(rows), _CHUNK):
        text = json.dumps(rows[start:start + _CHUNK], ensure_ascii=False)
        rids += str(batcher.createVerticesJson(batch._java_graph_batch, type_name, text)).split(";")
    if len(rids) != len(rows):
        raise StoreError(f"created {len(rids)} {type_name} vertices for {len(rows)} records")
    return rids


def _new_edges(batch: Any, type_name: str, starts: list[str], ends: list[str], props: list[dict[str, Any]]) -> None:
    batcher = _bridge("EdgeBatcher")
    if batcher is None:
        batch.new_edges(starts, type_name, ends, props)
        return
    rows = [{"_src": a, "_dst": b, **p} for a, b, p in zip(starts, ends, props)]
    for start in range(0, len(rows), _CHUNK):
        batcher.newEdgesJson(batch._java_graph_batch, type_name,
                             json.dumps(rows[start:start + _CHUNK], ensure_ascii=False))


_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def _declare_dates(database: Any, type_name: str, records: Iterable[dict[str, Any]]) -> None:
    """Declare DATE on the type each property that holds a date in any of ``records``, in one
    pass before any is written. Records cross into Java as JSON with dates as days since 1970
    (:func:`_json_ready`); the declared type makes ArcadeDB store the number as
    ``LocalDate.ofEpochDay``, as the Bolt path stores a Cypher date. Not as ISO text: ArcadeDB
    parses that by trying formats and catching each one's exception, which was most of the
    Java time of the vertex phase at 1M (6 of 8 jstack samples).
    """
    dates = {k for rec in records for k, v in rec.items() if isinstance(v, dt.date)}
    for prop in sorted(dates):
        database.command("sql", sql.arcadedb_date_property(type_name, prop))


def _json_ready(rec: dict[str, Any]) -> dict[str, Any]:
    """A record with its dates as days since 1970 (a datetime as ISO text), as :func:`_declare_dates` declares them."""
    row = dict(rec)
    for k, v in rec.items():
        if isinstance(v, dt.date):
            row[k] = v.isoformat() if isinstance(v, dt.datetime) else v.toordinal() - _EPOCH_ORDINAL
    return row


def _unique_index(database: Any, type_name: str, prop: str) -> None:
    """The unique index ``constraint`` makes, built with pages of ``_KEY_INDEX_PAGE_SIZE``.

    ArcadeDB checks each key of a unique index it builds against every page built so far, so the
    build slows with keys times pages: at 1M firms the Person key index (4.24M keys of 69
    characters) took most of the 1,392 s of index building (bench/results/load_1m_embedded.txt).
    Pages 16 times the default: 3.3x at 1M keys, 146 s for 4.24M (bench/results/key_index.txt).
    """
    import jpype

    database.command("sql", sql.arcadedb_string_property(type_name, prop))
    jschema, props = database.get_java_database().getSchema(), jpype.JArray(jpype.JString)([prop])
    if jschema.getType(type_name).getIndexByProperties(props) is None:
        lsm = jpype.JClass("com.arcadedb.schema.Schema$INDEX_TYPE").LSM_TREE
        builder = jschema.buildTypeIndex(type_name, props).withType(lsm).withUnique(True)
        builder.withPageSize(_KEY_INDEX_PAGE_SIZE).create()


def _bare_types(database: Any) -> list[tuple[str, str]]:
    """Every vertex and edge type present, empty and without indexes; refuse a non-empty one.

    Returns the unique indexes dropped, as (type, property).
    """
    dropped: list[tuple[str, str]] = []
    sch = schema()
    jschema = database.get_java_database().getSchema()
    for label in sch.nodes:
        database.command("sql", sql.arcadedb_vertex_type(label))
    for type_ in sch.relationships:
        database.command("sql", sql.arcadedb_edge_type(type_))
    for name in [sch.node(n).label for n in sch.nodes] + [sch.rel(t).type for t in sch.relationships]:
        if database.count_type(name):
            raise StoreError(f"bulk load needs an empty store; {name} already holds "
                             f"{database.count_type(name):,} records")
        for index in list(jschema.getType(name).getAllIndexes(False)):
            if index.isUnique():
                dropped.extend((name, str(p)) for p in index.getPropertyNames())
            jschema.dropIndex(index.getName())
    return dropped
