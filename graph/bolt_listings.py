"""The reads ``analytics.confidence.related_listings`` needs, as Cypher over a Bolt store
(``queries.members``, ``cluster_links``, ``ROLES_IN_FIRMS`` …); the in-memory store has its own."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from creditgraph.graph import queries as q
from creditgraph.graph.port import plain_props as _props
from creditgraph.graph.schema import schema

__all__ = ["CypherListings"]


class CypherListings:
    """The reads of ``analytics.confidence.related_listings``, as Cypher (``queries.members`` …)."""

    def __init__(self, read: Callable[..., list[dict[str, Any]]]) -> None:
        self._read = read  # BoltGraphStore._read: (what, query, **params) -> rows

    def members(self, label: str, rids: Sequence[str]) -> list[dict[str, Any]]:
        return self._read(f"reading {len(rids)} {label} clusters", q.members(label), ids=list(rids))

    def links(self, label: str, rids: Sequence[str]) -> list[dict[str, Any]]:
        return self._read(f"reading the links of {len(rids)} {label} clusters", q.cluster_links(label),
                          ids=list(rids))

    def roles(self, label: str, keys: Sequence[str]) -> list[dict[str, Any]]:
        if label == "Company":
            return self._read("reading the firm's people", q.ROLES_IN_FIRMS, keys=list(keys))
        return self._read("reading the person's firms", q.FIRMS_OF_PERSONS, keys=list(keys))

    def listings(self, label: str, keys: Sequence[str]) -> list[dict[str, Any]]:
        rows = self._read("reading list entries", q.listings_of(label), keys=list(keys))
        return [{"subject": r["subject"], "key": r["key"], "label": schema().label_of(r["key"]),
                 "props": _props(r["props"])} for r in rows]
