"""Rows to outcomes — a row's nodes and edges, or the reason it is quarantined — by either
engine, in this process or in worker processes by chunk.

``load_paths`` consumes :func:`file_outcomes` in file order whatever made them, so the store
sees the same records in the same order, and the report and quarantine are the same, with one
process or several. Workers (``workers > 1``) take chunks of a file the columnar reader read:
each chunk's raw Arrow columns go to a worker, which cleans, transforms and assembles them and
sends back the outcomes; at most ``2 × workers`` chunks are in flight, so memory stays a few
chunks beyond the file's columns. Workers start from a fresh interpreter (``forkserver``):
forking a process that holds the embedded store's JVM hangs; a script that loads with workers
needs the ``if __name__ == "__main__":`` guard.

Workers are experimental and off by default: measured, they are slower, not faster
(``bench/results/city_map_100k.txt``: 0.67x the row engine's speed at 100k firms on 2 shared
cores, 0.35x in a busier run). This process still unpickles every node and edge row they send
and folds it, which costs as much CPU as mapping the rows here. They pay only once workers hand
back columnar record tables that the fold merges without a Python object per record (issue 23,
stage tables).
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import Counter, deque
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

import pyarrow as pa

from creditgraph.graph.records import EdgeRow, NodeRow
from creditgraph.loaders import columnar
from creditgraph.loaders.arrow_source import arrow_table, clean_column
from creditgraph.loaders.mapping import RowError, SourceMapping
from creditgraph.loaders.mapping.cells import CellMemo
from creditgraph.loaders.readers import BadRow, read_rows

__all__ = ["Outcome", "map_rows", "file_outcomes", "worker_pool", "PARALLEL_MIN_ROWS"]

log = logging.getLogger(__name__)

#: ``(line, reason or None, raw text of a rejected row, nodes, edges, risks)``.
Outcome = tuple[int, "str | None", str, list[NodeRow], list[EdgeRow], "Counter | None"]
#: Files with fewer rows are mapped in this process: starting workers costs more than it saves.
PARALLEL_MIN_ROWS = 20_000
Lookups = Mapping[str, Mapping[str, Mapping[str, str]]]


def map_rows(rows: Iterable[tuple[int, dict[str, Any] | BadRow]], m: SourceMapping, file_name: str,
             hash_key: str, lookups: Lookups, expand: Callable | None, cells: CellMemo | None) -> Iterator[Outcome]:
    """Each ``(line, row)`` as its :data:`Outcome`: what ``SourceMapping.apply`` makes of it (each
    sub-row of an expander's), or why it is quarantined."""
    for line, row in rows:
        if isinstance(row, BadRow):
            yield line, row.reason, row.raw, [], [], None
            continue
        record_id = m.record_id_for(row, f"{file_name}:{line}")
        risks: Counter = Counter()
        try:
            nodes: list[NodeRow] = []
            edges: list[EdgeRow] = []
            for sub in (expand(row) if expand else [row]):
                n, e = m.apply(sub, record_id=record_id, hash_key=hash_key, lookups=lookups, risks=risks,
                               cells=cells)
                nodes += n
                edges += e
        except RowError as e:
            yield line, str(e), _raw(row), [], [], None
            continue
        yield line, None, "", nodes, edges, risks


def _raw(row: dict) -> str:
    return "\t".join("" if v is None else str(v) for v in row.values())[:2000]


def worker_pool(workers: int) -> Executor:
    """``workers`` processes for :func:`file_outcomes`, started fresh (never forked from this one)."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver"))


def file_outcomes(path: Path, m: SourceMapping, hash_key: str, lookups: Lookups, expand: Callable | None,
                  engine: str, pool: Executor | None = None, workers: int = 1,
                  cells: CellMemo | None = None) -> Iterator[Outcome]:
    """The outcomes of every row of ``path`` in file order, by ``engine`` (``rows`` or ``columnar``);
    with a ``pool`` of ``workers``, a columnar file of ``PARALLEL_MIN_ROWS`` rows or more is
    mapped by chunk in the pool. ``cells``: the memo of a whole load (name keys carry over
    from file to file: a firm's name is met in every registry table), else one for this file."""
    if engine == "rows":
        rows = read_rows(path, m.format, delimiter=m.delimiter, encoding=m.encoding)
        yield from map_rows(rows, m, path.name, hash_key, lookups, expand, None)
        return
    table = None
    if pool is not None and not m.expand:
        table = arrow_table(path, m.format, delimiter=m.delimiter, encoding=m.encoding)
    if table is None or len(table) < PARALLEL_MIN_ROWS:
        cells = cells if cells is not None else CellMemo()
        rows = columnar.mapped_rows(path, m, cells, hash_key, table=table)
        yield from map_rows(rows, m, path.name, hash_key, lookups, expand, cells)
        return
    assert pool is not None
    step = columnar.CHUNK_ROWS
    pending: deque[Future] = deque()
    starts = iter(range(0, len(table), step))
    for start in starts:
        pending.append(_submit(pool, table, start, step, m, path.name, hash_key, lookups))
        if len(pending) >= 2 * workers:
            break
    while pending:
        done = pending.popleft().result()
        nxt = next(starts, None)
        if nxt is not None:
            pending.append(_submit(pool, table, nxt, step, m, path.name, hash_key, lookups))
        yield from done


def _submit(pool: Executor, table: columnar.ArrowTable, start: int, step: int, m: SourceMapping,
            file_name: str, hash_key: str, lookups: Lookups) -> Future:
    stop = min(start + step, len(table))
    cols = [c.slice(start, stop - start).combine_chunks() for c in table.columns]
    return pool.submit(_work, m, file_name, hash_key, lookups, table.header,
                       table.lines[start:stop].tolist(), cols)


def _work(m: SourceMapping, file_name: str, hash_key: str, lookups: Lookups, header: list[str],
          lines: list[int], cols: list[pa.Array]) -> list[Outcome]:
    """In a worker: one chunk's outcomes (cleaned, transformed once per distinct value, assembled)."""
    cleaned = [clean_column(c) for c in cols]
    cells = CellMemo()
    columnar.prefill(m, cells, dict(zip(header, cleaned)), hash_key)
    rows = ((line, dict(zip(header, values))) for line, values in zip(lines, zip(*cleaned)))
    return list(map_rows(rows, m, file_name, hash_key, lookups, None, cells))
