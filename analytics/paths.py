"""Paths between two entities: the k shortest loopless paths, with every hop's relations.

Enforcement staff ask "how is A tied to B, and by what else?": the shortest path alone
hides the second route through a relative or a shared address, so this lists up to ``k``
paths in order of length (Yen's algorithm, ``nx.shortest_simple_paths``).

:func:`find_paths` is how the explorer's paths page and ``creditgraph paths`` look for them:
between resolved entities, over both ends' neighbourhoods (half the hops each, so they meet in
the middle), every relation type; when those capped neighbourhoods hold no path, the store's own
shortest-path search, which reaches further.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

import networkx as nx

from creditgraph.analytics.subgraphs import collapse, to_networkx, union
from creditgraph.errors import NotFound
from creditgraph.graph.records import Entity, Path, Subgraph

__all__ = ["k_shortest_paths", "hop_relations", "find_paths", "FoundPaths", "PathReader", "PER_NODE", "AREA_LIMIT"]

#: Neighbours read per node, and nodes per end, of the neighbourhoods paths are looked for in.
PER_NODE, AREA_LIMIT = 40, 600


def k_shortest_paths(G: nx.Graph | nx.MultiGraph, source: str, target: str, *, k: int = 5,
                     max_hops: int = 6) -> list[list[str]]:
    """Up to ``k`` loopless paths from ``source`` to ``target``, shortest first, none longer than
    ``max_hops``; directions are ignored. [] when either end is missing or nothing connects them.

    Cost: Yen's algorithm, O(k · n · (m + n log n)) on the simple graph underlying ``G``.
    """
    if k < 1 or max_hops < 1:
        raise ValueError("k and max_hops must be at least 1")
    if source not in G or target not in G or source == target:
        return []
    simple = nx.Graph(G.to_undirected(as_view=True)) if G.is_directed() or G.is_multigraph() else G
    out: list[list[str]] = []
    try:
        for path in nx.shortest_simple_paths(simple, source, target):
            if len(path) - 1 > max_hops:
                break
            out.append(path)
            if len(out) == k:
                break
    except nx.NetworkXNoPath:
        return []
    return out


def hop_relations(G: nx.MultiDiGraph, path: list[str]) -> list[list[dict]]:
    """For each hop of ``path``, every edge between its two ends (either direction), with
    ``start`` / ``end`` so the reader sees who holds, runs or is party to what."""
    hops = []
    for a, b in zip(path, path[1:]):
        rels = [dict(d, start=a, end=b) for d in G.get_edge_data(a, b, default={}).values()]
        rels += [dict(d, start=b, end=a) for d in G.get_edge_data(b, a, default={}).values()]
        hops.append(rels)
    return hops


class PathReader(Protocol):
    """The reads :func:`find_paths` needs: a :class:`~creditgraph.graph.port.GraphStore` has them;
    the explorer hands in its cached reads, as the signed-in role sees them."""

    def get(self, key: str) -> Entity: ...

    def neighbourhood(self, key: str, *, hops: int, limit: int, per_node: int) -> Subgraph: ...

    def shortest_paths(self, start: str, end: str, *, max_hops: int, limit: int) -> Sequence[Path]: ...


@dataclass(frozen=True)
class FoundPaths:
    """What :func:`find_paths` found: the resolved ends, the paths (node keys, shortest first),
    the area they were found in (one node per resolved entity) and its graph; ``via`` says where
    they came from: ``"neighbourhoods"`` or ``"store"`` (the fallback)."""

    start: str
    end: str
    paths: list[list[str]]
    area: Subgraph
    graph: nx.MultiDiGraph
    via: str

    def hops(self, path: list[str]) -> list[list[dict]]:
        """Every relation of each hop of ``path`` (:func:`hop_relations`)."""
        return hop_relations(self.graph, path)

    def on_paths(self) -> Subgraph:
        """The part of the area the paths run through."""
        keys = {n for p in self.paths for n in p}
        return Subgraph(tuple(n for n in self.area.nodes if n.key in keys),
                        tuple(x for x in self.area.edges if x.start in keys and x.end in keys))


def _resolved(read: PathReader, key: str) -> str:
    """The key of the resolved entity ``key`` belongs to (``key`` itself when it is one, or unknown)."""
    try:
        return read.get(key).props.get("resolved") or key
    except NotFound:
        return key


def find_paths(read: PathReader, start: str, end: str, *, k: int = 5, max_hops: int = 6) -> FoundPaths:
    """Up to ``k`` paths of at most ``max_hops`` between the resolved entities behind ``start`` and
    ``end``, shortest first: found in both ends' neighbourhoods (``(max_hops + 1) // 2`` hops each,
    :data:`PER_NODE` / :data:`AREA_LIMIT`), collapsed to one node per resolved entity; when none is
    found there, the store's shortest paths, their records drawn as their entities.

    Cost: two neighbourhood reads and :func:`k_shortest_paths` on the area; one store search more
    when the area holds no path."""
    if k < 1 or max_hops < 1:
        raise ValueError("k and max_hops must be at least 1")
    start, end = _resolved(read, start), _resolved(read, end)
    reach = max(1, (max_hops + 1) // 2)
    area = collapse(union([read.neighbourhood(key, hops=reach, per_node=PER_NODE, limit=AREA_LIMIT)
                           for key in (start, end)]), read.get)
    G = to_networkx(area)
    found = k_shortest_paths(G, start, end, k=k, max_hops=max_hops)
    if found:
        return FoundPaths(start, end, found, area, G, "neighbourhoods")
    direct = read.shortest_paths(start, end, max_hops=max_hops, limit=k)
    if not direct:
        return FoundPaths(start, end, [], area, G, "neighbourhoods")
    area = collapse(union([area, *(Subgraph(p.nodes, p.edges) for p in direct)]), read.get)
    found = [list(dict.fromkeys(_resolved(read, n.key) for n in p.nodes)) for p in direct]
    return FoundPaths(start, end, found, area, to_networkx(area), "store")
