"""The ``GraphStore`` port: everything the product asks of a graph database.

Loaders, analytics exports and the explorer talk to this interface only. One
implementation (:class:`creditgraph.graph.bolt_store.BoltGraphStore`) speaks Cypher
over Bolt and serves both Neo4j and the embedded ArcadeDB; the contract suite in
``tests/graph/test_contract.py`` runs every backend through the same checks.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Iterable, Mapping, Sequence

import networkx as nx
import pandas as pd

from creditgraph.graph.records import Counts, EdgeRow, Entity, GraphTables, NodeRow, Path, Subgraph

__all__ = ["GraphStore"]


class GraphStore(ABC):
    """A property graph holding the creditgraph schema."""

    #: "neo4j" or "arcadedb": which database answers.
    backend: str

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create the constraints and indexes the schema implies (idempotent)."""

    @abstractmethod
    def upsert_nodes(self, rows: Sequence[NodeRow]) -> int:
        """MERGE nodes on their key, add properties and provenance; returns rows written."""

    @abstractmethod
    def upsert_edges(self, rows: Sequence[EdgeRow]) -> int:
        """MERGE edges between existing nodes; raises if an endpoint is missing."""

    @abstractmethod
    def get(self, key: str) -> Entity:
        """The entity with this key; raises ``NotFound``."""

    @abstractmethod
    def search(self, text: str, *, labels: Iterable[str] | None = None, limit: int = 20) -> list[Entity]:
        """Entities whose search properties contain ``text`` (exact key matches first)."""

    @abstractmethod
    def neighbourhood(self, key: str, *, hops: int = 1, limit: int = 200, per_node: int = 50) -> Subgraph:
        """The ``hops``-hop neighbourhood of ``key``: at most ``limit`` nodes, at most ``per_node``
        neighbours of any one node; ``Subgraph.more`` says how many were left out where."""

    @abstractmethod
    def shortest_paths(self, start: str, end: str, *, max_hops: int = 6, limit: int = 5) -> list[Path]:
        """All shortest undirected paths between two entities (up to ``limit``)."""

    @abstractmethod
    def export(self, keys: Iterable[str] | None = None) -> nx.MultiDiGraph:
        """The whole graph, or the subgraph induced by ``keys``, as NetworkX."""

    @abstractmethod
    def export_tables(self, node_props: Sequence[str], edge_props: Sequence[str]) -> GraphTables:
        """The whole graph as tables: per label the key and those of ``node_props`` it declares,
        per type start, end and those of ``edge_props`` it declares; sorted, so every backend
        gives the same tables. What scoring reads at city scale instead of :meth:`export`."""

    @abstractmethod
    def write_scores(self, scores: Mapping[str, Mapping[str, Any]] | pd.DataFrame) -> int:
        """Set score properties on nodes by key (a mapping, or a table indexed by key whose
        ``None`` cells are skipped); returns nodes updated."""

    @abstractmethod
    def clear_scores(self, props: Sequence[str]) -> int:
        """Remove the score properties ``props`` from every node holding any (those a label
        declares); returns nodes cleared. A rescore clears first, so no score of an earlier run
        outlives the data it came from."""

    @abstractmethod
    def counts(self) -> Counts:
        """Node counts per label and relationship counts per type."""

    @abstractmethod
    def wipe(self) -> None:
        """Delete every node and relationship."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection (the backend's lifecycle is someone else's)."""

    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- entity resolution --------------------------------------------------------

    @abstractmethod
    def write_resolution(self, label: str, links: Sequence[Mapping[str, Any]],
                         canonical: Mapping[str, str], *, replace: bool = True) -> int:
        """Write SAME_AS links of ``label`` (rows: a, b, score, evidence, method) and set the nodes'
        ``resolved`` keys. ``replace`` first removes every machine link of an earlier run (an
        incremental run adds instead); reviewer judgements are always kept."""

    @abstractmethod
    def judgements(self, label: str) -> list[dict[str, Any]]:
        """Stored reviewer decisions: a, b, verdict (same / not_same), by, at, why."""

    @abstractmethod
    def judge(self, a: str, b: str, verdict: str, *, by: str, why: str) -> None:
        """Store a reviewer decision about two records of the same label."""

    @abstractmethod
    def related_listings(self, key: str) -> list[dict[str, Any]]:
        """Dishonest records, restrictions, abnormal listings and penalties tied to an entity
        through resolution and roles: a firm's own and its people's, a person's own and their
        firms'. Rows: via (who it reaches the entity through), relation, record key and props,
        confidence (the weakest resolution link on the way; 1.0 for the entity's own)."""

    # -- the explorer ---------------------------------------------------------------

    @abstractmethod
    def find(self, label: str, prop: str, value: str, *, prefix: bool = False, limit: int = 20) -> list[Entity]:
        """``label`` entities whose ``prop`` equals ``value`` (or starts with it): an index lookup."""

    @abstractmethod
    def ranked(self, label: str, by: str, *, filters: Mapping[str, Any] | None = None, flag: str | None = None,
               limit: int = 100, skip: int = 0) -> list[Entity]:
        """Entities with a ``by`` score, highest first. ``filters`` (industry, city, region prefix,
        flagged, founded_from/to as ISO dates, min/max of ``by``) narrow the list; None values are ignored."""

    @abstractmethod
    def facet(self, label: str, prop: str, *, limit: int = 200) -> list[tuple[Any, int]]:
        """Distinct values of ``prop`` with their counts, most common first (for filter menus)."""

    @abstractmethod
    def clusters(self, *, limit: int = 100) -> list[dict[str, Any]]:
        """Scored clusters of related firms, riskiest first: cluster, size, dishonest, shells,
        top_shell_score, top_spread."""

    @abstractmethod
    def cluster_members(self, cluster: str, *, limit: int = 500) -> list[Entity]:
        """The firms of one cluster."""

    @abstractmethod
    def entities(self, keys: Iterable[str]) -> list[Entity]:
        """The entities with these keys, in the order given (missing keys are left out)."""

    @abstractmethod
    def names(self, label: str) -> list[tuple[str, str]]:
        """(key, display name) of every ``label`` node: the input of the in-memory name index."""
