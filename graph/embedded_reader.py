"""Whole types out of the embedded database as columns, in the process that owns it.

Reading a whole store over Bolt costs a Cypher row, a PackStream map and a driver ``Record`` per
node and edge (at 100k firms: 86 s for resolve's export, 45 s for scoring's tables, 54–60 s for
each governance snapshot). Here one ArcadeDB SQL scan per type (``arcadedb_sql.arcadedb_node_columns``,
``arcadedb_edge_columns``) comes back through arcadedb-embedded's columnar bridge
(``ResultSet.to_arrow``: packed columns, not a Java call per value) as Arrow tables: at 100k,
23 s for the export, 9 s for the tables, 15–19 s for a whole snapshot. The values are made what
the Bolt route hands out (``port.plain``: dates as ``YYYY-MM-DD`` text, lists as lists, a
property a record lacks as missing) so :class:`~creditgraph.graph.embedded_store.EmbeddedGraphStore`
gives the same ``export`` and ``export_tables`` as :class:`~creditgraph.graph.bolt_store.BoltGraphStore`:
``tests/graph/test_embedded_reader.py``. Our schema has no type inheritance, so a SQL scan of a type
reads the records a Cypher label match reads.
"""

from __future__ import annotations

from typing import Any, Iterator, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from creditgraph.errors import StoreError
from creditgraph.graph import arcadedb_sql as sql
from creditgraph.graph.schema import schema

__all__ = ["Ends", "node_table", "edge_table", "node_props", "edge_props", "frame"]

_ENDS = ("__start", "__end")
_RID = "__rid"


class Ends:
    """The record id → key map of the nodes read so far, so an edge scan reads its ends as record
    ids (a field of the edge) instead of loading both end records for their keys: at 100k firms,
    an edge type reads 5x faster. Record ids (``#bucket:position``) are held as integers, sorted once."""

    def __init__(self) -> None:
        self._rids: list[np.ndarray] = []
        self._keys: list[pa.Array] = []
        self._broken = False  # a node without a record id: its edges' ends are read by key
        self._sorted: tuple[np.ndarray, np.ndarray, pa.Array] | None = None

    def add(self, rids: pa.ChunkedArray, keys: pa.ChunkedArray) -> None:
        numbers = _rid_numbers(rids)
        if numbers is None:
            self._broken = True
            return
        self._rids.append(numbers)
        self._keys.append(keys.combine_chunks().cast(pa.string()))
        self._sorted = None

    def keys(self, rids: pa.ChunkedArray) -> pa.Array | None:
        """The keys of ``rids``, or None where one of them was not read (or is null)."""
        wanted = _rid_numbers(rids)
        if wanted is None or self._broken:
            return None
        if not len(wanted):
            return pa.array([], pa.string())
        if not self._rids:
            return None
        if self._sorted is None:
            every = np.concatenate(self._rids)
            order = np.argsort(every, kind="stable")
            self._sorted = (every[order], order, pa.concat_arrays(self._keys))
        every, order, keys = self._sorted
        at = np.minimum(np.searchsorted(every, wanted), max(len(every) - 1, 0))
        if not len(every) or not (every[at] == wanted).all():
            return None
        return keys.take(pa.array(order[at]))


def _rid_numbers(rids: pa.ChunkedArray) -> np.ndarray | None:
    """``#bucket:position`` record ids as ``bucket << 40 | position``; None where one is null."""
    if rids.null_count:
        return None
    parts = pc.split_pattern(pc.utf8_ltrim(rids.cast(pa.string()), "#"), ":")
    bucket = pc.cast(pc.list_element(parts, 0), pa.int64()).to_numpy()
    position = pc.cast(pc.list_element(parts, 1), pa.int64()).to_numpy()
    return np.left_shift(bucket, 40) | position


def node_table(db: Any, label: str, props: Sequence[str] | None, *, ends: Ends | None = None) -> pa.Table:
    """Every ``label`` record: ``key`` then ``props`` (None: every stored property), dates as text;
    its record ids go to ``ends`` for the edges read after it."""
    columns = None if props is None else ["key", *props]
    if ends is not None and columns is not None:
        columns = [_RID, *columns]
    t = _plain(_scan(db, schema().node(label).label, sql.arcadedb_node_columns(label, props, rid=ends is not None),
                     columns, ["key"] if ends is None else [_RID, "key"]))
    if ends is None:
        return t
    ends.add(t.column(_RID), t.column("key"))
    return t.drop_columns([_RID])


def edge_table(db: Any, type_: str, props: Sequence[str] | None, *, ends: Ends | None = None) -> pa.Table:
    """Every ``type_`` edge: ``start`` and ``end`` (its ends' keys) then ``props`` (None: every
    stored property), dates as text. With ``ends`` holding every end's record, the ends are read as
    record ids and mapped to keys; otherwise (or where one is missing) by loading each end."""
    columns = None if props is None else [*_ENDS, *props]
    name = schema().rel(type_).type
    t = None
    if ends is not None:
        t = _scan(db, name, sql.arcadedb_edge_columns(type_, props, ends="rid"), columns, list(_ENDS))
        start, end = ends.keys(t.column("__start")), ends.keys(t.column("__end"))
        if start is None or end is None:
            t = None
        else:
            for col, keys in zip(_ENDS, (start, end)):
                t = t.set_column(t.column_names.index(col), col, keys)
    if t is None:
        t = _scan(db, name, sql.arcadedb_edge_columns(type_, props), columns, list(_ENDS))
    t = _plain(t)
    names = ["start", "end", *(c for c in t.column_names if c not in _ENDS)]
    return t.select([*_ENDS, *names[2:]]).rename_columns(names)


def frame(table: pa.Table) -> pd.DataFrame:
    """``table`` as ``port.export_table`` makes an exported table of Python values, unsorted:
    text (every value a string or missing, or no rows at all) as Arrow strings, taken over
    without a Python ``str`` per value; anything else as Python values."""
    out: dict[str, Any] = {}
    for name, col in zip(table.column_names, table.columns):
        kind = col.type
        if not len(col) or pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind):
            out[name] = pd.arrays.ArrowExtensionArray(col.cast(pa.large_string()).combine_chunks())
        else:
            out[name] = pd.Series(col.to_pylist(), dtype=object)
    return pd.DataFrame(out)


def node_props(table: pa.Table) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(key, properties)`` per row of a :func:`node_table` of every property: what a record
    holds, as ``properties(n)`` over Bolt gives it (missing values left out, ``key`` too)."""
    for row in table.to_pylist():
        key = row.pop("key")
        yield key, {k: v for k, v in row.items() if v is not None}


def edge_props(table: pa.Table) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(start, end, properties)`` per row of an :func:`edge_table` of every property."""
    for row in table.to_pylist():
        start, end = row.pop("start"), row.pop("end")
        yield start, end, {k: v for k, v in row.items() if v is not None}


def _scan(db: Any, type_name: str, sql: str, columns: list[str] | None, always: list[str]) -> pa.Table:
    """One SQL scan of ``type_name`` as an Arrow table; ``columns`` fixes them (a property no record
    holds reads null), else the union of what the records hold, less ArcadeDB's ``@rid`` and
    ``@type``. A type not made yet (an edge type before its first edge) reads as no rows, as a
    Cypher match does; ``always`` are there even with no rows."""
    if not db.schema.exists_type(type_name):
        t = pa.table({})
    else:
        with db.query("sql", sql) as rs:
            t = rs.to_arrow(columns=columns)
        if t is None:  # no pyarrow or no bridge jar: the package is broken, not the data
            raise StoreError("arcadedb-embedded cannot read columns: its bridge jar or pyarrow is missing")
    t = t.select([c for c in t.column_names if not c.startswith("@")])
    for c in columns or always:  # no rows: the bridge gives no columns
        if c not in t.column_names:
            t = t.append_column(c, pa.nulls(t.num_rows))
    return t


def _plain(t: pa.Table) -> pa.Table:
    """Dates (ArcadeDB DATE reads as a midnight timestamp) as ``YYYY-MM-DD`` text, as ``port.plain``."""
    for i, field in enumerate(t.schema):
        if pa.types.is_timestamp(field.type):
            col = t.column(i)
            days = pc.cast(col, pa.date32())
            if pc.all(pc.equal(pc.cast(days, field.type), col)).as_py() not in (True, None):
                raise StoreError(f"{field.name} holds a time of day; only dates are declared")
            t = t.set_column(i, field.name, pc.cast(days, pa.string()))
    return t
