"""Paths between two entities: the k shortest loopless paths, with every hop's relations.

Enforcement staff ask "how is A tied to B, and by what else?": the shortest path alone
hides the second route through a relative or a shared address, so this lists up to ``k``
paths in order of length (Yen's algorithm, ``nx.shortest_simple_paths``).
"""

from __future__ import annotations

import networkx as nx

__all__ = ["k_shortest_paths", "hop_relations"]


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
