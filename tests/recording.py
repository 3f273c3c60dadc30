"""A recording stand-in for the write half of the port, for loader tests that need no database."""

from __future__ import annotations

from collections import Counter
from typing import Sequence

from creditgraph.errors import StoreError
from creditgraph.graph.port import GraphSink
from creditgraph.graph.records import Counts, EdgeRow, NodeRow

__all__ = ["RecordingStore"]


class RecordingStore(GraphSink):
    """A :class:`GraphSink` that records the last row written per node key and per edge
    (type, start, end, role), unmerged, so tests can read what the pipeline wrote (unit tests only;
    ``graph.memory.MemoryGraphStore`` merges rows as a real store does)."""

    backend = "recording"

    def __init__(self) -> None:
        self.nodes: dict[str, NodeRow] = {}
        self.edges: dict[tuple, EdgeRow] = {}

    def upsert_nodes(self, rows: Sequence[NodeRow]) -> int:
        for r in rows:
            self.nodes[r.key] = r
        return len(rows)

    def upsert_edges(self, rows: Sequence[EdgeRow]) -> int:
        for r in rows:
            if r.start not in self.nodes or r.end not in self.nodes:
                raise StoreError(f"{r.type} edge written before its nodes: {r.start} -> {r.end}")
            self.edges[(r.type, r.start, r.end, r.props.get("role"))] = r
        return len(rows)

    def counts(self) -> Counts:
        return Counts(Counter(r.label for r in self.nodes.values()), Counter(k[0] for k in self.edges))
