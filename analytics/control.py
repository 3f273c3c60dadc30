"""Ultimate controller (实际控制人) by equity penetration (股权穿透).

A holder's effective stake in a firm is the product of the ratios along a holding chain,
summed over chains; corporate holders are looked through, natural persons are where chains
end. The controller is the person with the largest effective stake, when it reaches
:data:`CONTROL_SHARE` (25 %, the beneficial-owner line of the PBOC's 2018 notice 〔2018〕164号).
Cycles (cross-holdings) are cut at :data:`MAX_DEPTH` levels.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

__all__ = ["CONTROL_SHARE", "MAX_DEPTH", "effective_stakes", "ultimate_controller"]

CONTROL_SHARE = 0.25
MAX_DEPTH = 10


def effective_stakes(G: nx.MultiDiGraph, firm: str, *, max_depth: int = MAX_DEPTH) -> dict[str, float]:
    """Natural persons (resolved) → their effective share of ``firm``, through any chain of firms."""
    label = nx.get_node_attributes(G, "label")
    ent = lambda n: G.nodes[n].get("resolved") or n
    stakes: dict[str, float] = defaultdict(float)
    frontier: list[tuple[str, float, tuple[str, ...]]] = [(firm, 1.0, (firm,))]
    for _ in range(max_depth):
        nxt = []
        for node, share, seen in frontier:
            for u, _, d in G.in_edges(node, data=True):
                if d["type"] != "SHAREHOLDER_OF" or not d.get("ratio"):
                    continue
                part = share * float(d["ratio"])
                if label.get(u) == "Person":
                    stakes[ent(u)] += part
                elif label.get(u) == "Company" and u not in seen:
                    nxt.append((u, part, seen + (u,)))
        frontier = nxt
        if not frontier:
            break
    return dict(stakes)


def ultimate_controller(G: nx.MultiDiGraph, firm: str) -> tuple[str, float] | None:
    """(person, effective share) of the largest holder at or above :data:`CONTROL_SHARE`, else None."""
    stakes = effective_stakes(G, firm)
    if not stakes:
        return None
    person, share = max(stakes.items(), key=lambda kv: (kv[1], kv[0]))
    return (person, round(share, 6)) if share >= CONTROL_SHARE else None
