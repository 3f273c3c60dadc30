"""What loaders hand to a store, and what a store hands back.

Plain frozen dataclasses: loaders build :class:`NodeRow` / :class:`EdgeRow`, the store
upserts them; reads return :class:`Entity`, :class:`Edge`, :class:`Subgraph` and
:class:`Path`. Keys are global (their prefix names the label, see ``schema.label_of``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

__all__ = ["NodeRow", "EdgeRow", "Entity", "Edge", "Subgraph", "Path", "Counts", "GraphTables"]


@dataclass(frozen=True)
class NodeRow:
    """One node as one source record asserts it."""

    label: str
    key: str
    props: Mapping[str, Any]
    source: str
    source_id: str
    seen: dt.date | None = None  # the date the source asserts this as of


@dataclass(frozen=True)
class EdgeRow:
    """One relationship as one source record asserts it; endpoints are node keys."""

    type: str
    start: str
    end: str
    props: Mapping[str, Any]
    source: str
    source_id: str
    seen: dt.date | None = None


@dataclass(frozen=True)
class Entity:
    key: str
    label: str
    props: Mapping[str, Any]

    @property
    def name(self) -> str:
        p = self.props
        return str(p.get("name") or p.get("text") or p.get("case_no") or p.get("number")
                   or p.get("decision_no") or self.key)


@dataclass(frozen=True)
class Edge:
    type: str
    start: str
    end: str
    props: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Subgraph:
    """A neighbourhood: nodes, edges, and for capped nodes how many neighbours were left out."""

    nodes: tuple[Entity, ...]
    edges: tuple[Edge, ...]
    more: Mapping[str, int] = field(default_factory=dict)

    @property
    def truncated(self) -> bool:
        return bool(self.more)


@dataclass(frozen=True)
class Path:
    nodes: tuple[Entity, ...]
    edges: tuple[Edge, ...]

    def __len__(self) -> int:
        return len(self.edges)


@dataclass(frozen=True)
class Counts:
    nodes: Mapping[str, int]
    relationships: Mapping[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "nodes": dict(sorted(self.nodes.items())),
            "relationships": dict(sorted(self.relationships.items())),
            "total_nodes": sum(self.nodes.values()),
            "total_relationships": sum(self.relationships.values()),
        }


@dataclass
class GraphTables:
    """A graph as columns, for analytics at scale: one table per node label (``key`` first,
    then ``resolved`` and the requested properties) and one per relationship type (``start``,
    ``end``, then properties). Columns hold Python values (``object`` dtype), ``None`` where a
    record lacks the property; a property no record of that label has may be left out."""

    nodes: dict[str, Any]  # label → pandas.DataFrame
    edges: dict[str, Any]  # type → pandas.DataFrame

    def __len__(self) -> int:
        return sum(len(t) for t in self.nodes.values())
