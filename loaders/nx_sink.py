"""Load straight into a NetworkX graph, without a database.

For training and evaluating analytics on a synthetic city in memory. A :class:`NetworkXSink`
is a :class:`~creditgraph.graph.port.GraphSink`: it merges what the pipeline writes
(``upsert_nodes`` / ``upsert_edges``) exactly as a store does (it is a
:class:`~creditgraph.graph.bulk.Fold`), and :attr:`NetworkXSink.graph` is that graph in the shape
``GraphStore.export`` returns — node ``label`` and properties with provenance (dates as ISO
strings), edge ``type`` and properties keyed ``TYPE`` or ``TYPE:role``. For reads beyond the
graph (search, paths, scores), load into ``graph.memory.MemoryGraphStore`` instead.
"""

from __future__ import annotations

from typing import Sequence

import networkx as nx

from creditgraph.graph.bulk import Fold
from creditgraph.graph.records import EdgeRow, NodeRow

__all__ = ["NetworkXSink"]


class NetworkXSink(Fold):
    """The write half of the GraphStore port; :attr:`graph` is what it holds."""

    backend = "networkx"

    def __init__(self) -> None:
        super().__init__()
        self._graph: nx.MultiDiGraph | None = None

    def upsert_nodes(self, rows: Sequence[NodeRow]) -> int:
        self._graph = None
        return super().upsert_nodes(rows)

    def upsert_edges(self, rows: Sequence[EdgeRow]) -> int:
        self._graph = None
        return super().upsert_edges(rows)

    @property
    def graph(self) -> nx.MultiDiGraph:
        """Everything written so far, as ``GraphStore.export`` gives it (built again after a write)."""
        if self._graph is None:
            self._graph = self.to_graph()
        return self._graph
