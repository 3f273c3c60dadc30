"""What resolution reads of a graph: Company and Person nodes with their properties, and the
edges that place people at firms and give firms their context.

A Person's context is its firms' addresses, phones, owners, cases and co-officers: edges of a
few types, never the whole graph. :class:`Records` holds just that, from either source:

- :meth:`Records.from_graph`: views over a NetworkX graph as ``GraphStore.export`` returns it
  (nothing copied; tests, notebooks and small cities);
- :meth:`Records.from_tables`: the store's ``export_tables`` columns, read with
  :data:`NODE_PROPS` and :data:`EDGE_PROPS`. A city's resolution then holds one dict per Company
  and Person node and the edge columns, not a NetworkX graph of every record (at 100k firms the
  graph is 1.56M records held as Python objects with their adjacency dicts).

Both give the same resolution (``tests/analytics/test_resolve_records.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from itertools import repeat
from typing import Any

import networkx as nx
import pandas as pd
import pyarrow as pa

__all__ = ["Records", "NODE_PROPS", "EDGE_PROPS", "LABELS", "TYPES"]

#: The node labels and properties resolution reads (companies.py, mentions.py, persons.py).
LABELS = ("Company", "Person")
NODE_PROPS = ("resolved", "name", "founded", "stock_code", "uscc", "uscc_masked", "org_code",
              "id_hash", "id_masked", "sex", "birth_year", "birth_date", "age", "age_as_of")
#: The edge types and properties it reads: roles at firms, a firm's address, phone and cases,
#: and the 失信 entries that tie a person to a case.
TYPES = ("LEGAL_REP_OF", "OFFICER_OF", "SHAREHOLDER_OF", "REGISTERED_AT", "HAS_PHONE", "PARTY_TO",
         "LISTED_IN", "ARISES_FROM")
EDGE_PROPS = ("role",)

Edge = tuple[str, str, str, Any]  # start, end, type, role (None where the edge has none)


class Records:
    """Nodes (key → properties, ``label`` among them) and a way to walk the edges
    (``edges()``: start, end, type and role of each, in any order; several passes allowed)."""

    def __init__(self, nodes: Mapping[str, Mapping[str, Any]], edges: Callable[[], Iterator[Edge]]) -> None:
        self.nodes = nodes
        self._edges = edges

    def __contains__(self, key: object) -> bool:
        return key in self.nodes

    def edges(self) -> Iterator[Edge]:
        return self._edges()

    @classmethod
    def of(cls, source: "Records | nx.Graph") -> "Records":
        """``source`` itself, or the records of a NetworkX graph; ``TypeError`` for anything else."""
        if isinstance(source, Records):
            return source
        if isinstance(source, nx.Graph):
            return cls.from_graph(source)
        raise TypeError(f"resolution reads a NetworkX graph (GraphStore.export()) or Records "
                        f"(GraphStore.export_tables()), got {type(source).__name__}")

    @classmethod
    def from_graph(cls, G: nx.Graph) -> "Records":
        """Views over ``G``: its node attribute dicts and its edges, walked through the adjacency
        dicts directly (several times faster than ``G.edges``)."""
        def edges() -> Iterator[Edge]:
            if G.is_multigraph():
                for u, nbrs in G.adjacency():
                    for v, keyed in nbrs.items():
                        for d in keyed.values():
                            yield u, v, d.get("type"), d.get("role")
            else:
                for u, nbrs in G.adjacency():
                    for v, d in nbrs.items():
                        yield u, v, d.get("type"), d.get("role")
        return cls(G.nodes, edges)

    @classmethod
    def from_tables(cls, tables: Any) -> "Records":
        """From ``GraphStore.export_tables(NODE_PROPS, EDGE_PROPS)`` (``GraphTables``: frames per
        label and per type): a dict of the present properties per Company and Person node, and
        the edge columns of :data:`TYPES`, turned into Python values one type at a time."""
        nodes: dict[str, dict[str, Any]] = {}
        for label in LABELS:
            t = tables.nodes.get(label)
            if t is None or not len(t):
                continue
            props = [c for c in t.columns if c != "key"]
            columns = [_values(t[c]) for c in props]
            for key, *row in zip(_values(t["key"]), *columns):
                d = {p: v for p, v in zip(props, row) if v is not None}
                d["label"] = label
                nodes[key] = d
        frames = {type_: t for type_, t in tables.edges.items() if type_ in TYPES and len(t)}

        def edges() -> Iterator[Edge]:
            for type_, t in frames.items():
                roles = _values(t["role"]) if "role" in t else repeat(None)
                yield from zip(_values(t["start"]), _values(t["end"]), repeat(type_), roles)
        return cls(nodes, edges)


def _values(column: Any) -> list[Any]:
    """A frame column as Python values, ``None`` where missing (Arrow string columns give
    ``pd.NA`` through ``tolist``; NaN in a float column is missing too)."""
    if column.dtype == object:
        return [None if v is pd.NA or (isinstance(v, float) and v != v) else v for v in column.tolist()]
    return pa.array(column).to_pylist()
