"""How good is a resolution? Pairwise precision, recall and F1 against known identities.

``truth`` maps Person node keys to the true person (a synthetic city's pid). A pair of nodes
is *predicted* same when they share a canonical key and *truly* same when they share a pid;
pairs are counted among labelled nodes only. The *masked* subset holds the pairs where both
nodes carry some ID and at least one carries only a masked one — the links the 失信 list
depends on. Linear in the number of labelled nodes plus the pairs inside clusters.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations
from typing import Mapping

from creditgraph.analytics.resolve.persons import HIDDEN, Mention

__all__ = ["pair_metrics"]


def _prf(tp: int, predicted: int, true: int) -> dict[str, float]:
    p = tp / predicted if predicted else 1.0
    r = tp / true if true else 1.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "true_pairs": true, "predicted_pairs": predicted, "correct_pairs": tp}


def _masked_pair(a: Mention, b: Mention) -> bool:
    return a.has_id and b.has_id and (HIDDEN in a.pos or HIDDEN in b.pos)


def pair_metrics(canonical: Mapping[str, str], truth: Mapping[str, int],
                 ms: Mapping[str, Mention] | None = None) -> dict[str, dict[str, float]]:
    """``{"all": {...}, "masked": {...}}`` (the second only when ``ms`` is given)."""
    labelled = [k for k in truth if k in canonical]
    by_cluster: dict[str, list[str]] = defaultdict(list)
    by_person: dict[int, list[str]] = defaultdict(list)
    for k in labelled:
        by_cluster[canonical[k]].append(k)
        by_person[truth[k]].append(k)
    tp = sum(n * (n - 1) // 2 for n in Counter((canonical[k], truth[k]) for k in labelled).values())
    out = {"all": _prf(tp, sum(len(v) * (len(v) - 1) // 2 for v in by_cluster.values()),
                       sum(len(v) * (len(v) - 1) // 2 for v in by_person.values()))}
    if ms is not None:
        def count(groups):
            return sum(1 for g in groups.values() for a, b in combinations(g, 2) if _masked_pair(ms[a], ms[b]))
        tp_m = sum(1 for g in by_cluster.values() for a, b in combinations(g, 2)
                   if truth[a] == truth[b] and _masked_pair(ms[a], ms[b]))
        out["masked"] = _prf(tp_m, count(by_cluster), count(by_person))
    return out
