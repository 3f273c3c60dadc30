"""How good is a resolution? Pairwise precision, recall and F1 against known identities.

``truth`` maps Person node keys to the true person (a synthetic city's pid). A pair of nodes
is *predicted* same when they share a canonical key and *truly* same when they share a pid;
pairs are counted among labelled nodes only. The *masked* subset holds the pairs where both
nodes carry some ID and at least one carries only a masked one — the links the 失信 list
depends on. Linear in the number of labelled nodes plus the pairs inside clusters.

People without ID numbers (:func:`noid_metrics`): precision over every pair a resolution puts
together where at least one node shows no ID character at all, and recall over the pairs the
truth says are *inferable from context* (:func:`inferable_pairs`) — a name-only record at a
firm that touches none of the person's other firms cannot be linked by anyone, so it does not
count against recall.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Mapping

import numpy as np
import pandas as pd

from creditgraph.analytics.resolve.mentions import HIDDEN, FirmContext, Mention

__all__ = ["pair_metrics", "PairCounter", "inferable_pairs", "noid_metrics", "no_id"]


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
    return PairCounter(truth, ms).metrics(canonical)


class PairCounter:
    """:func:`pair_metrics` of many resolutions of the same records (a precision–recall curve):
    the truth's side — each record's true person and whether it shows an ID, and which part of
    it is hidden — is read once; each resolution is then counted with array operations, O(records)."""

    def __init__(self, truth: Mapping[str, int], ms: Mapping[str, Mention] | None = None) -> None:
        self.keys = list(truth)
        self.person = pd.factorize(pd.Series([truth[k] for k in self.keys], dtype=object))[0].astype(np.int64)
        self.masked = ms is not None
        # 0: no ID shown, 1: an ID in full, 2: an ID with hidden positions (a masked pair has a 2 and a 1 or 2)
        shows = [(ms or {}).get(k) for k in self.keys]
        self.id_kind = np.array([0 if m is None or not m.has_id else 2 if HIDDEN in m.pos else 1 for m in shows],
                                dtype=np.int8)

    def metrics(self, canonical: Mapping[str, str]) -> dict[str, dict[str, float]]:
        """Pairwise figures of ``canonical`` (record → cluster key), among the labelled records it holds."""
        held = np.fromiter((k in canonical for k in self.keys), dtype=bool, count=len(self.keys))
        cluster = pd.factorize(pd.Series([canonical[k] for k, h in zip(self.keys, held) if h], dtype=object))[0]
        person, kind = self.person[held], self.id_kind[held]
        both = pd.factorize(cluster.astype(np.int64) * (int(person.max(initial=0)) + 1) + person)[0]
        out = {"all": _prf(_pairs(both), _pairs(cluster), _pairs(person))}
        if self.masked:
            hidden, shown = kind == 2, kind == 1
            out["masked"] = _prf(*(_masked_pairs(g, hidden, shown) for g in (both, cluster, person)))
        return out


def _pairs(groups: np.ndarray) -> int:
    n = np.bincount(groups).astype(np.int64)
    return int((n * (n - 1) // 2).sum())


def _masked_pairs(groups: np.ndarray, hidden: np.ndarray, shown: np.ndarray) -> int:
    """How many pairs within the groups are masked pairs (:func:`_masked_pair`): of the records
    with an ID, every pair but those where neither shows a hidden position."""
    h = np.bincount(groups, weights=hidden, minlength=1).astype(np.int64)
    f = np.bincount(groups, weights=shown, minlength=1).astype(np.int64)
    return int((h * (h - 1) // 2 + h * f).sum())


def no_id(m: Mention) -> bool:
    """The record shows no ID character and no ID hash."""
    return not m.has_id and not m.id_hash


class _UF:
    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, k: str) -> str:
        self.parent.setdefault(k, k)
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def _firms_touch(f: str, g: str, ctx: FirmContext, pids_at: Mapping[str, set[int]], pid: int) -> bool:
    """A firm–firm context edge: shared address node, direct holding either way, a shared case,
    the same phone, or a co-officer who is truly one person (another pid) at both."""
    return bool(ctx.addresses.get(f, set()) & ctx.addresses.get(g, set())
                or g in ctx.holdings.get(f, ()) or f in ctx.holdings.get(g, ())
                or ctx.cases.get(f, set()) & ctx.cases.get(g, set())
                or ctx.phones.get(f, set()) & ctx.phones.get(g, set())
                or (pids_at.get(f, set()) & pids_at.get(g, set())) - {pid})


def inferable_pairs(ms: Mapping[str, Mention], truth: Mapping[str, int], context: FirmContext,
                    *, only_noid: bool = True) -> set[tuple[str, str]]:
    """Pairs of records of one true person that the graph's context can join.

    For each pid, its records' *anchors* are their (canonical) firms and their cases. Anchors
    are joined by the context edges between them — two firms by :func:`_firms_touch` (shared
    address node, direct company→company holding, shared case, same phone, a co-officer who is
    truly one other person at both), a firm and a case when the firm is a party to it — using
    only the pid's own anchors (no path through a firm the person has nothing to do with). Two
    records are inferable when an anchor of one and an anchor of the other are connected, which
    includes the same firm or the same case. Registration batches and common parents are
    evidence the model uses but do not make a pair inferable here. With ``only_noid``, pairs
    where both records carry an ID are left out. O(records + Σ anchors² per pid).
    """
    by_pid: dict[int, list[str]] = defaultdict(list)
    pids_at: dict[str, set[int]] = defaultdict(set)
    for k, pid in truth.items():
        m = ms.get(k)
        if m is None:
            continue
        by_pid[pid].append(k)
        for f in m.firms:
            pids_at[f].add(pid)
    out: set[tuple[str, str]] = set()
    for pid, keys in by_pid.items():
        if len(keys) < 2 or (only_noid and not any(no_id(ms[k]) for k in keys)):
            continue
        firms = sorted({f for k in keys for f in ms[k].firms})
        cases = {c for k in keys for c in ms[k].cases}
        uf = _UF()
        for i, f in enumerate(firms):
            uf.find("f:" + f)
            for g in firms[i + 1:]:
                if _firms_touch(f, g, context, pids_at, pid):
                    uf.union("f:" + f, "f:" + g)
            for c in context.cases.get(f, set()) & cases:
                uf.union("f:" + f, "c:" + c)
        comps = {k: {uf.find("f:" + f) for f in ms[k].firms} | {uf.find("c:" + c) for c in ms[k].cases} for k in keys}
        for a, b in combinations(sorted(keys), 2):
            if only_noid and not (no_id(ms[a]) or no_id(ms[b])):
                continue
            if comps[a] & comps[b]:
                out.add((a, b))
    return out


def noid_metrics(canonical: Mapping[str, str], truth: Mapping[str, int], ms: Mapping[str, Mention],
                 inferable: set[tuple[str, str]]) -> dict[str, float]:
    """Precision over predicted pairs with a no-ID side; recall over ``inferable`` pairs and over
    every true pair with a no-ID side. Pairs among labelled records only."""
    groups: dict[tuple[str, int], list[bool]] = defaultdict(list)
    clusters: dict[str, list[bool]] = defaultdict(list)
    persons: dict[int, list[bool]] = defaultdict(list)
    for k, pid in truth.items():
        if k in canonical and k in ms:
            flag = no_id(ms[k])
            groups[(canonical[k], pid)].append(flag)
            clusters[canonical[k]].append(flag)
            persons[pid].append(flag)

    def pairs_with_noid(flags: list[bool]) -> int:
        n, with_id = len(flags), flags.count(False)
        return n * (n - 1) // 2 - with_id * (with_id - 1) // 2
    predicted = sum(map(pairs_with_noid, clusters.values()))
    tp = sum(map(pairs_with_noid, groups.values()))
    true_all = sum(map(pairs_with_noid, persons.values()))
    found = sum(1 for a, b in inferable if canonical.get(a) is not None and canonical.get(a) == canonical.get(b))
    p = tp / predicted if predicted else 1.0
    r = found / len(inferable) if inferable else 1.0
    return {"precision": round(p, 4), "recall_inferable": round(r, 4),
            "f1_inferable": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "recall_all": round(tp / true_all, 4) if true_all else 1.0,
            "predicted_pairs": predicted, "correct_pairs": tp, "inferable_pairs": len(inferable),
            "true_pairs": true_all}
