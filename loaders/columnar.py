"""The columnar mapping engine's rows: a file read by pyarrow, cleaned and transformed a column
at a time, then handed to the same row assembly as the row engine.

For each chunk of ``chunk_rows`` rows, every column is cleaned once per distinct value
(:func:`~.arrow_source.clean_column`), and every property a mapping reads from a plain column
is transformed once per distinct value into a :class:`~.mapping.cells.CellMemo` (USCCs, ID
numbers and their keyed hashes, dates, amounts, names, ratios); the rows are then assembled
by :meth:`SourceMapping.apply` with that memo, so the nodes, edges and quarantine reasons are
the row engine's by construction. Python still runs once per row for what depends on the
whole row (``when``, keys, record ids) and once per distinct value for each transform.

A file the fast reader does not take (see :mod:`.arrow_source`) is read row by row and still
mapped with a memo. Memory: the file's Arrow columns plus one chunk as Python values.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Iterator

from creditgraph.loaders.arrow_source import ArrowTable, arrow_table, clean_column
from creditgraph.loaders.mapping import PropSpec, SourceMapping
from creditgraph.loaders.mapping.cells import CellMemo
from creditgraph.loaders.readers import BadRow, read_rows

__all__ = ["ENGINES", "CHUNK_ROWS", "ArrowTable", "mapped_rows", "prefill"]

log = logging.getLogger(__name__)

#: ``rows``: read and transform cell by cell (the reference); ``columnar``: this module.
ENGINES = ("columnar", "rows")
CHUNK_ROWS = 50_000


def mapped_rows(path: Path, m: SourceMapping, cells: CellMemo, hash_key: str, *, chunk_rows: int | None = None,
                table: ArrowTable | None = None) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
    """``(line, row)`` as ``read_rows`` yields them, with ``cells`` filled for each chunk's rows
    before they are yielded (and cleared between chunks, so memory stays one chunk's).
    ``table``: the file as :func:`~.arrow_source.arrow_table` already read it."""
    chunk_rows = chunk_rows or CHUNK_ROWS
    if table is None and not m.expand:
        table = arrow_table(path, m.format, delimiter=m.delimiter, encoding=m.encoding)
    if table is None:
        yield from _row_by_row(path, m, cells, chunk_rows)
        return
    log.debug("%s: %d rows read by pyarrow", path, len(table))
    header = table.header
    for start in range(0, len(table), chunk_rows):
        stop = min(start + chunk_rows, len(table))
        cols = [clean_column(c.slice(start, stop - start)) for c in table.columns]
        cells.clear()
        prefill(m, cells, dict(zip(header, cols)), hash_key)
        for line, values in zip(table.lines[start:stop].tolist(), zip(*cols)):
            yield line, dict(zip(header, values))


def _row_by_row(path: Path, m: SourceMapping, cells: CellMemo,
                chunk_rows: int) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
    for n, item in enumerate(read_rows(path, m.format, delimiter=m.delimiter, encoding=m.encoding), 1):
        if n % chunk_rows == 0:
            cells.clear()
        yield item


def _distinct(values: list[str | None], nulls: frozenset[str]) -> set[str]:
    return {v for v in set(values) if v is not None and v not in nulls}


def prefill(m: SourceMapping, cells: CellMemo, columns: dict[str, list[str | None]], hash_key: str) -> None:
    """Transform each plain column's distinct values once, for every spec that reads it."""
    if m.derive:
        return  # derived columns are made per row; the memo fills as rows ask
    for ent in m.entities:
        if not ent.label:
            continue  # the label is chosen per row
        for spec in ent.props:
            col = _plain(spec, columns)
            if col is not None:
                cells.fill_node(spec, _distinct(col, spec.nulls), ent.label, ent.name, hash_key)
    for rel in m.relationships:
        for spec in rel.props:
            col = _plain(spec, columns)
            if col is not None:
                cells.fill_edge(spec, _distinct(col, spec.nulls), rel.type)
    if isinstance(m.seen, PropSpec):
        col = _plain(m.seen, columns)
        if col is not None:
            cells.fill_seen(m.seen, _distinct(col, m.seen.nulls))


def _plain(spec: PropSpec, columns: dict[str, list[str | None]]) -> list[str | None] | None:
    if spec.const is not None or spec.lookup or spec.split or spec.column is None:
        return None
    return columns.get(spec.column)
