"""A recording stand-in for the GraphStore port, for loader tests that need no database."""

from __future__ import annotations

from collections import Counter

from creditgraph.graph.records import Counts

__all__ = ["RecordingStore"]


class RecordingStore:
    """A spec'd stand-in for the port: records what the pipeline writes (unit tests only)."""

    backend = "memory"

    def __init__(self):
        self.nodes, self.edges = {}, {}

    def upsert_nodes(self, rows):
        for r in rows:
            self.nodes[r.key] = r
        return len(rows)

    def upsert_edges(self, rows):
        for r in rows:
            assert r.start in self.nodes and r.end in self.nodes, "edge written before its nodes"
            self.edges[(r.type, r.start, r.end, r.props.get("role"))] = r
        return len(rows)

    def counts(self):
        return Counts(Counter(r.label for r in self.nodes.values()), Counter(k[0] for k in self.edges))
