"""Load straight into a NetworkX graph, without a database.

For training and evaluating analytics on a synthetic city in memory: it accepts what the
pipeline writes (``upsert_nodes`` / ``upsert_edges``) and builds the same shape that
``GraphStore.export`` returns — node ``label`` and properties (dates as ISO strings),
edge ``type`` and properties, one edge per (type, role) between two nodes. Provenance is
not kept; use a real store for that.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Sequence

import networkx as nx

from creditgraph.graph.records import Counts, EdgeRow, NodeRow

__all__ = ["NetworkXSink"]


def _plain(props: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in props.items()}


class NetworkXSink:
    """The write half of the GraphStore port, into ``self.graph``."""

    backend = "networkx"

    def __init__(self) -> None:
        self.graph = nx.MultiDiGraph()

    def upsert_nodes(self, rows: Sequence[NodeRow]) -> int:
        for r in rows:
            if r.key in self.graph:
                self.graph.nodes[r.key].update(_plain(r.props))
            else:
                self.graph.add_node(r.key, label=r.label, **_plain(r.props))
        return len(rows)

    def upsert_edges(self, rows: Sequence[EdgeRow]) -> int:
        for r in rows:
            if r.start not in self.graph or r.end not in self.graph:
                raise KeyError(f"{r.type} edge {r.start} -> {r.end} written before its nodes")
            ek = r.type if "role" not in r.props else f"{r.type}:{r.props['role']}"
            if self.graph.has_edge(r.start, r.end, ek):
                self.graph.edges[r.start, r.end, ek].update(_plain(r.props))
            else:
                self.graph.add_edge(r.start, r.end, key=ek, type=r.type, **_plain(r.props))
        return len(rows)

    def counts(self) -> Counts:
        return Counts(Counter(d["label"] for _, d in self.graph.nodes(data=True)),
                      Counter(d["type"] for _, _, d in self.graph.edges(data=True)))
