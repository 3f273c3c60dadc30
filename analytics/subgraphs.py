"""Subgraphs as plain records: joined, collapsed to one node per resolved entity, turned into
the NetworkX graph the rest of ``analytics`` works on.

The explorer's network views and paths, and the command line's paths, read neighbourhoods from
the store (:class:`~creditgraph.graph.records.Subgraph`) and go through these. O(nodes + edges).
"""

from __future__ import annotations

from typing import Any, Callable

import networkx as nx

from creditgraph.errors import CreditGraphError
from creditgraph.graph.records import Entity, Subgraph

__all__ = ["union", "collapse", "to_networkx"]


def union(subs: list[Subgraph]) -> Subgraph:
    """One subgraph holding every node and edge of ``subs`` (the "+N" counts of the last one win)."""
    nodes = {n.key: n for s in subs for n in s.nodes}
    edges = {(x.type, x.start, x.end, str(x.props.get("role"))): x for s in subs for x in s.edges}
    more = {k: v for s in subs for k, v in s.more.items()}
    return Subgraph(tuple(nodes.values()), tuple(edges.values()), more)


def to_networkx(sub: Subgraph) -> nx.MultiDiGraph:
    """A subgraph as the NetworkX graph ``analytics`` works on (same shape as ``store.export``)."""
    G = nx.MultiDiGraph()
    for n in sub.nodes:
        G.add_node(n.key, label=n.label, **dict(n.props))
    for x in sub.edges:
        G.add_edge(x.start, x.end, key=f"{x.type}:{x.props.get('role')}", type=x.type, **dict(x.props))
    return G


def collapse(sub: Subgraph, get: Callable[[str], Entity]) -> Subgraph:
    """``sub`` with one node per resolved entity: a source record (``resolved`` naming another
    key) is replaced by its entity (``get(key)`` reads it when the subgraph lacks it), its
    edges move to the entity, links inside one entity (SAME_AS) go, and folded counts add up."""
    nodes: dict[str, Entity] = {n.key: n for n in sub.nodes}
    to: dict[str, str] = {}
    for n in sub.nodes:
        c = n.props.get("resolved") or n.key
        to[n.key] = c
        if c not in nodes:
            try:
                nodes[c] = get(c)
            except CreditGraphError:  # NotFound or the store: draw the record as it is
                to[n.key] = n.key
    keep: dict[str, Entity] = {}
    for n in sub.nodes:
        c = to[n.key]
        keep.setdefault(c, nodes[c])
    edges: dict[tuple, Any] = {}
    for x in sub.edges:
        a, b = to.get(x.start, x.start), to.get(x.end, x.end)
        if a == b or a not in keep or b not in keep:
            continue
        edges.setdefault((x.type, a, b, str(x.props.get("role"))), type(x)(x.type, a, b, x.props))
    more: dict[str, int] = {}
    for k, v in sub.more.items():
        more[to.get(k, k)] = more.get(to.get(k, k), 0) + v
    return Subgraph(tuple(keep.values()), tuple(edges.values()), more)
