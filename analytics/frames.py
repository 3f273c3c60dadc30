"""The exported graph as columns: node and edge tables in, NumPy/pandas columns out.

Every scorer needs the same few things from the graph — node labels, resolved entities,
a handful of properties per label, and edges by type with their role / ratio / since /
match. :func:`frames_from_tables` builds them from a :class:`~creditgraph.graph.records.GraphTables`
(what ``GraphStore.export_tables`` returns: one table per label and per type, only the
properties asked for), so scoring a city never holds a NetworkX graph of it — at 1M firms
that graph alone is ~12.7 GB. :func:`graph_frames` does the same for a NetworkX graph (tests,
small exports) through :func:`graph_tables`, so both routes give the same frames.

Positions are ``int64`` indexes into :attr:`GraphFrames.keys`, label by label in table order;
entities (``resolved`` or the node's own key) are indexes into :attr:`GraphFrames.entities`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable, cast

import networkx as nx
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from creditgraph.graph.records import GraphTables, text_columns

__all__ = ["GraphFrames", "frames_from_tables", "graph_frames", "graph_tables", "active_tables",
           "SCORING_NODE_PROPERTIES", "SCORING_EDGE_PROPERTIES", "NO_DAY", "days"]

#: Day number standing for "no date" in the int64 day columns (far below any real date).
NO_DAY = np.iinfo(np.int64).min // 2

#: The node and edge properties the scorers read (``GraphFrames.attr`` / ``edge_prop``): what
#: ``run_scoring`` asks the store's table export for. A scorer reading another property must add it here.
SCORING_NODE_PROPERTIES = ("resolved", "name", "name_key", "text", "id_masked", "founded", "dissolved",
                           "registered_capital", "paid_in_capital", "status", "case_no", "unperformed_amount", "court",
                           "filed", "published", "judgment_date", "basis_doc_no", "active")
SCORING_EDGE_PROPERTIES = ("role", "match", "since", "ratio")


def days(values) -> np.ndarray:
    """ISO dates (or datetimes, or ``None``) → days since 1970 as int64, :data:`NO_DAY` where missing.
    Reads the first ten characters, like ``date.fromisoformat(str(v)[:10])``."""
    text = [str(v)[:10] if v else "NaT" for v in values]
    try:
        d = np.array(text, dtype="datetime64[D]")  # NumPy's own ISO parser
    except ValueError:  # something that is not a date: missing, as pandas reads it
        d = pd.to_datetime(pd.Series(text, dtype=object), format="%Y-%m-%d", errors="coerce").to_numpy("datetime64[D]")
    out = d.astype(np.int64)
    out[np.isnat(d)] = NO_DAY
    return out


def iso(day: int) -> str:
    return str(np.datetime64(int(day), "D"))


class GraphFrames:
    """Columns of one graph. Build with :func:`frames_from_tables` or :func:`graph_frames`; read-only."""

    def __init__(self, keys: np.ndarray, labels: pd.Categorical[str], entity: np.ndarray, entities: np.ndarray,
                 entity_node: np.ndarray, node_blocks: list[_Block], edges: pd.DataFrame,
                 edge_blocks: list[_Block]) -> None:
        self.keys = keys                # node key by position
        self.labels = labels            # node label by position (categorical)
        self.entity = entity            # entity index by position
        self.entities = entities        # entity key by entity index
        self.entity_node = entity_node  # node position of each entity, -1 where it is not a node
        self.edges = edges              # u, v (positions), type (categorical), row
        self._node_blocks = node_blocks  # property columns of each label's run of positions
        self._edge_blocks = edge_blocks  # property columns of each type's run of edge rows

    def __len__(self) -> int:
        return len(self.keys)

    def structure(self) -> GraphFrames:
        """These frames without node and edge properties: keys, labels, entities and edges only.
        The properties' strings (names, ID numbers, dates, roles) are the biggest part of the
        frames at 1M firms; a caller done with them can let them go before writing back."""
        return GraphFrames(self.keys, self.labels, self.entity, self.entities, self.entity_node, [], self.edges, [])

    def of_label(self, *labels: str) -> np.ndarray:
        """Positions of the nodes with one of ``labels``, ascending."""
        return np.flatnonzero(np.isin(self.labels.codes, self._label_codes(labels)))

    def is_label(self, positions: np.ndarray, *labels: str) -> np.ndarray:
        """Boolean mask: does the node at each position carry one of ``labels``."""
        return np.isin(self.labels.codes[positions], self._label_codes(labels))

    def _label_codes(self, labels: tuple[str, ...]) -> np.ndarray:
        """The category codes of those of ``labels`` the frames have (never -1, a node without a label)."""
        codes = self.labels.categories.get_indexer(pd.Index(list(labels), dtype=object))
        return codes[codes >= 0]

    def attr(self, name: str, positions: np.ndarray) -> np.ndarray:
        """Node property ``name`` at ``positions`` (object array, ``None`` where absent)."""
        return _take(self._node_blocks, name, positions)

    def edges_of(self, *types: str) -> pd.DataFrame:
        """Edge rows of the given types (``u``, ``v`` and ``row``, the edge's index in :attr:`edges`)."""
        e = self.edges
        return e[e["type"].isin(types)]

    def edge_prop(self, name: str, rows: np.ndarray) -> np.ndarray:
        """Edge property ``name`` of the edge rows ``rows`` (object array, ``None`` where absent)."""
        return _take(self._edge_blocks, name, rows)


#: (first position, end position, property → object column) of one label's or type's run.
_Block = tuple[int, int, dict[str, np.ndarray]]


def _take(blocks: list[_Block], name: str, positions: np.ndarray) -> np.ndarray:
    positions = np.asarray(positions, dtype=np.int64)
    out = np.full(len(positions), None, dtype=object)
    for start, stop, columns in blocks:
        column = columns.get(name)
        if column is None:
            continue
        inside = (positions >= start) & (positions < stop)
        if inside.any():
            at = positions[inside] - start
            out[inside] = (column.take(at).to_numpy(zero_copy_only=False) if isinstance(column, pa.Array)
                           else column[at])
    return out


def _is_text(column: pd.Series) -> bool:
    return isinstance(column.dtype, pd.ArrowDtype) and pa.types.is_large_string(column.dtype.pyarrow_dtype)


def _column_of(column: pd.Series) -> np.ndarray | pa.Array:
    """A table column as the frames keep it: Arrow text stays Arrow (strings are made for the
    positions a scorer reads), anything else an object array with ``None`` where missing."""
    if _is_text(column):
        return pa.array(column)
    out = column.to_numpy(dtype=object)
    if column.dtype != object:
        out[pd.isna(column).to_numpy()] = None
    return out


def _text(column: pd.Series) -> pa.Array:
    """A column of keys as one Arrow ``large_string`` array (as it is in exported tables)."""
    if _is_text(column):
        return pa.array(column)
    try:
        return pa.array(column.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid) as e:
        raise ValueError(f"{column.name} holds something that is not a string (keys are strings): {e}") from e


def active_tables(tables: GraphTables) -> GraphTables:
    """``tables`` without the records that have left the lists (``active`` is false: expired,
    performed, removed, withdrawn on objection, repaired — see ``creditgraph.governance``) and
    without the edges that touch them. A record no governance step has touched has no
    ``active`` and stays. O(nodes + edges); the tables themselves when nothing is inactive."""
    gone = []
    nodes = dict(tables.nodes)
    for label, t in tables.nodes.items():
        if "active" not in t or not len(t):
            continue
        off = np.fromiter((v is False or v is np.False_ for v in t["active"].tolist()), dtype=bool, count=len(t))
        if off.any():
            gone.append(_text(t["key"]).filter(pa.array(off)))
            nodes[label] = t[~off].reset_index(drop=True)
    if not gone:
        return tables
    out = pa.concat_arrays(gone)
    edges = {}
    for type_, t in tables.edges.items():
        hit = pc.or_(pc.is_in(_text(t["start"]), value_set=out), pc.is_in(_text(t["end"]), value_set=out))
        hit = hit.to_numpy(zero_copy_only=False)
        edges[type_] = t[~hit].reset_index(drop=True) if hit.any() else t
    return GraphTables(nodes, edges)


def frames_from_tables(tables: GraphTables, *, active_only: bool = True) -> GraphFrames:
    """Columns of a graph given as tables; O(nodes + edges): one pass of Arrow's hash table over
    every key, resolved key and edge end together (at 1M firms 23.7M strings: ~6 s, against
    ~20 s for ``pd.factorize`` over the same strings as Python objects), the rest array work.

    ``active_only``: leave out records that have left the lists (:func:`active_tables`), so every
    scorer and list counts active records only; the store keeps them for the entity's history.

    Raises ``ValueError`` when a key repeats or an edge names a node no table holds."""
    if active_only:
        tables = active_tables(tables)
    labels = [label for label in tables.nodes if label is not None]
    keys_parts, resolved_parts, other_at, codes, blocks, start = [], [], [], [], [], 0
    for label, t in tables.nodes.items():
        keys = _text(t["key"])
        resolved = _text(t["resolved"]) if "resolved" in t else pa.nulls(len(t), pa.large_string())
        # Most nodes are their own entity (resolved empty or equal to the key): only the
        # others need hashing, the rest take their own position below.
        same = pc.or_(pc.equal(resolved, ""), pc.equal(resolved, keys)).fill_null(True)
        other = np.flatnonzero(~same.to_numpy(zero_copy_only=False))
        keys_parts.append(keys)
        resolved_parts.append(resolved.take(other))
        other_at.append(start + other)
        codes.append(np.full(len(t), -1 if label is None else labels.index(label), dtype=np.int64))
        blocks.append((start, start + len(t), {c: _column_of(t[c]) for c in t.columns if c != "key"}))
        start += len(t)
    ends = [_text(t[c]) for t in tables.edges.values() for c in ("start", "end")]
    n = start
    # Keys come first, so a key's code is its position; a resolved key or edge end coded >= n is no node.
    pool = pa.system_memory_pool()  # malloc gives the ~2 GB back at once; Arrow's default pool keeps it a while
    parts = [*keys_parts, *resolved_parts, *ends] or [pa.array([], pa.large_string())]
    every = pa.concat_arrays(parts, memory_pool=pool)
    encoded = pc.dictionary_encode(every, memory_pool=pool)
    del every
    ids, uniques = encoded.indices.to_numpy().astype(np.int64), encoded.dictionary
    del encoded
    if len(uniques) and not np.array_equal(ids[:n], np.arange(n)):
        dup = np.flatnonzero(ids[:n] != np.arange(n))[0]
        raise ValueError(f"key {uniques[int(ids[dup])].as_py()!r} is in the tables twice")
    keys = uniques.slice(0, n).to_numpy(zero_copy_only=False) if n else np.empty(0, dtype=object)
    m = sum(map(len, resolved_parts))
    own = np.arange(n, dtype=ids.dtype)
    own[np.concatenate(other_at) if other_at else []] = ids[n:n + m]
    entity_ids, entity = np.unique(own, return_inverse=True)  # entities in node order, then the rest
    # entity keys: a node's own key where the entity is a node, else the resolved key's text
    entities = np.empty(len(entity_ids), dtype=object)
    is_node = entity_ids < n
    entities[is_node] = keys[entity_ids[is_node]]
    entities[~is_node] = uniques.take(entity_ids[~is_node]).to_numpy(zero_copy_only=False)
    del uniques

    types = list(tables.edges)
    u_parts, v_parts, t_parts, edge_blocks, row, at = [], [], [], [], 0, n + m
    for code, (type_, t) in enumerate(tables.edges.items()):
        u, v = ids[at:at + len(t)], ids[at + len(t):at + 2 * len(t)]
        at += 2 * len(t)
        if (u >= n).any() or (v >= n).any():
            bad = t[(u >= n) | (v >= n)].iloc[0]
            raise ValueError(f"{type_} edge {bad['start']} -> {bad['end']} names a node that is not in the tables")
        u_parts.append(u)
        v_parts.append(v)
        t_parts.append(np.full(len(t), code, dtype=np.int64))
        edge_blocks.append((row, row + len(t), {c: _column_of(t[c]) for c in t.columns if c not in ("start", "end")}))
        row += len(t)
    cat = lambda parts: np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
    edges = pd.DataFrame({"u": cat(u_parts).astype(np.int64), "v": cat(v_parts).astype(np.int64),
                          "type": pd.Categorical.from_codes(cat(t_parts), categories=pd.Index(types))})
    edges["row"] = np.arange(len(edges), dtype=np.int64)
    return GraphFrames(keys, pd.Categorical.from_codes(cat(codes), categories=pd.Index(labels)),
                       entity.astype(np.int64), entities, np.where(entity_ids < n, entity_ids, -1).astype(np.int64),
                       blocks, edges, edge_blocks)


def _column(values: list) -> pd.Series:
    return pd.Series(values, dtype=object)


def graph_tables(G: nx.MultiDiGraph, node_props: Iterable[str] | None = None,
                 edge_props: Iterable[str] | None = None) -> GraphTables:
    """``G`` as tables, label by label and type by type in the graph's order; every property
    unless ``node_props`` / ``edge_props`` name the ones to keep; a property no record of the
    label/type has is left out (``resolved`` is always there). O(nodes + edges) Python work."""
    by_label: dict[str | None, list[tuple[str, dict]]] = defaultdict(list)
    for k, d in G.nodes(data=True):
        by_label[d.get("label")].append((k, d))
    nodes: dict[str | None, pd.DataFrame] = {}
    for label, items in by_label.items():
        names = (list(node_props) if node_props is not None
                 else sorted({p for _, d in items for p in d} - {"label", "key"}))
        columns = {"key": _column([k for k, _ in items])}
        columns.update((p, _column([d.get(p) for _, d in items])) for p in names)
        nodes[label] = text_columns(pd.DataFrame({c: v for c, v in columns.items()
                                                  if c in ("key", "resolved") or v.notna().any()}))
    by_type: dict[str | None, list[tuple[str, str, dict]]] = defaultdict(list)
    for u, v, d in G.edges(data=True):
        by_type[d.get("type")].append((u, v, d))
    edges: dict[str | None, pd.DataFrame] = {}
    for type_, rels in by_type.items():
        names = (list(edge_props) if edge_props is not None
                 else sorted({p for _, _, d in rels for p in d} - {"type"}))
        columns = {"start": _column([u for u, _, _ in rels]), "end": _column([v for _, v, _ in rels])}
        columns.update((p, _column([d.get(p) for _, _, d in rels])) for p in names)
        edges[type_] = text_columns(pd.DataFrame({c: v for c, v in columns.items()
                                                  if c in ("start", "end") or v.notna().any()}))
    # A node without a label (an edge without a type) stays under None, as it always has:
    # frames_from_tables gives such nodes label code -1. GraphTables is typed for str keys only.
    return GraphTables(cast("dict[str, Any]", nodes), cast("dict[str, Any]", edges))


def graph_frames(G: nx.MultiDiGraph, *, active_only: bool = True) -> GraphFrames:
    """Columns of a NetworkX graph: :func:`frames_from_tables` of :func:`graph_tables`."""
    return frames_from_tables(graph_tables(G), active_only=active_only)
