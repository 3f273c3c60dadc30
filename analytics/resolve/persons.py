"""Person resolution: which Person nodes — one per source and context — are one human being.

Loading keeps every source's person apart (a name at a firm, a name + masked ID on the 失信
list, a name in one judgment). Resolution links them, OpenSanctions-style: candidates are
blocked, hard contradictions rule a pair out, a logistic model scores the rest from
explainable evidence, and links are merged greedily under cannot-link constraints.

* **Blocking.** Same normalised (Simplified) name, and either the same last four ID
  characters (the part every published mask shows) or a shared context: the same firm,
  the same case, or a case against a firm the other person runs. Same name alone never
  makes a candidate.
* **Contradictions** (never merged, whatever the score): different full IDs, any ID position
  visible in both that differs, different sex, birth years more than a year apart, and a
  reviewer's "not the same" judgement.
* **Evidence → score.** :data:`FEATURES`, combined by the shipped logistic model
  (``person_model.json``, trained on a synthetic city by :mod:`.train`, which also picks the
  threshold from the precision–recall curve).
* **Clustering.** Links in descending score; two clusters join only if no member of one
  contradicts a member of the other (their merged ID positions, sex, birth year and
  judgements are checked), so a name-only record cannot chain two different ID holders.

Pure functions over a NetworkX graph as ``GraphStore.export`` returns it.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Iterable, Iterator, Mapping

import networkx as nx
import numpy as np

from creditgraph.loaders.normalize import normalize_person_name, to_simplified

__all__ = ["Mention", "Link", "Model", "PersonResolution", "FEATURES", "mentions", "candidate_pairs",
           "contradiction", "evidence", "feature_vector", "resolve_persons", "MODEL_PATH"]

MODEL_PATH = Path(__file__).with_name("person_model.json")
HIDDEN = "*"
_ROLE_EDGES = ("LEGAL_REP_OF", "OFFICER_OF", "SHAREHOLDER_OF")

#: Evidence a pair is scored on; every value is in [0, 1] or a small count.
FEATURES = ("id_overlap", "same_full_id", "same_last4", "same_birth_year", "same_sex", "shared_firms",
            "shared_cases", "case_against_their_firm", "no_id_on_one_side", "name_commonness")


@dataclass(frozen=True)
class Mention:
    """A Person node as resolution sees it."""
    key: str
    name: str
    pos: str                           # 18 ID characters, HIDDEN where not visible
    id_hash: str | None
    sex: str | None
    birth_year: int | None
    year_tolerance: int                # 1 when the year comes from a reported age
    firms: frozenset[str]              # canonical companies they hold a role in
    cases: frozenset[str]              # cases they are a party to (directly or via a list entry)
    case_firms: frozenset[str]         # canonical companies that are parties to their cases

    @property
    def has_id(self) -> bool:
        return self.pos != HIDDEN * 18


@dataclass(frozen=True)
class Link:
    a: str
    b: str
    score: float
    evidence: dict
    method: str = "model"              # model | reviewer


@dataclass
class PersonResolution:
    links: list[Link]                                 # accepted links (the clusters' spanning edges)
    canonical: dict[str, str]                         # every Person key → its cluster's key
    refused: list[tuple[Link, str]] = field(default_factory=list)   # scored above threshold, contradicted
    candidates: int = 0

    def clusters(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for k, c in self.canonical.items():
            out[c].append(k)
        return dict(out)


def _name_key(name: str) -> str:
    return to_simplified(normalize_person_name(name))


def _positions(d: Mapping) -> str:
    pos = [HIDDEN] * 18
    masked = d.get("id_masked")
    if masked and len(masked) == 18:
        pos = [c if c != "*" else HIDDEN for c in masked.upper()]
    born = str(d.get("birth_date") or "")
    if len(born) >= 10:
        pos[6:14] = born[:4] + born[5:7] + born[8:10]
    return "".join(pos)


def mentions(G: nx.MultiDiGraph, company_canonical: Mapping[str, str] | None = None) -> dict[str, Mention]:
    """Every Person node of ``G`` with the identity evidence and context it carries."""
    canon = company_canonical or {}
    label = nx.get_node_attributes(G, "label")
    case_firms: dict[str, set[str]] = defaultdict(set)
    for u, v, d in G.edges(data=True):
        if d.get("type") == "PARTY_TO" and label.get(u) == "Company":
            case_firms[v].add(canon.get(u, u))
    out: dict[str, Mention] = {}
    for key, d in G.nodes(data=True):
        if d.get("label") != "Person" or not d.get("name"):
            continue
        firms, cases = set(), set()
        for _, v, e in G.out_edges(key, data=True):
            t = e.get("type")
            if t in _ROLE_EDGES:
                firms.add(canon.get(v, v))
            elif t == "PARTY_TO":
                cases.add(v)
            elif t == "LISTED_IN":
                cases.update(w for _, w, e2 in G.out_edges(v, data=True) if e2.get("type") == "ARISES_FROM")
        pos = _positions(d)
        sex = pos[16] != HIDDEN and ("M" if int(pos[16]) % 2 else "F") or d.get("sex")
        year, tol = (int(pos[6:10]), 0) if HIDDEN not in pos[6:10] else (d.get("birth_year"), 0)
        if year is None and d.get("age") not in (None, -1) and d.get("age_as_of"):
            year, tol = int(str(d["age_as_of"])[:4]) - int(d["age"]), 1
        out[key] = Mention(key, _name_key(d["name"]), pos, d.get("id_hash"), sex, year, tol,
                           frozenset(firms), frozenset(cases),
                           frozenset(f for c in cases for f in case_firms.get(c, ())) - frozenset(firms))
    return out


def candidate_pairs(ms: Mapping[str, Mention]) -> Iterator[tuple[str, str]]:
    """Pairs worth scoring: same name, and the same ID tail or a shared context (see module doc)."""
    blocks: dict[str, list[Mention]] = defaultdict(list)
    for m in ms.values():
        blocks[m.name].append(m)
    for block in blocks.values():
        if len(block) < 2:
            continue
        seen: set[tuple[str, str]] = set()
        index: dict[str, list[str]] = defaultdict(list)
        for m in block:
            if HIDDEN not in m.pos[14:]:
                index["t:" + m.pos[14:]].append(m.key)
            for f in m.firms:
                index["f:" + f].append(m.key)
            for c in m.cases:
                index["c:" + c].append(m.key)
        for m in block:  # a case against a firm the other person runs
            for f in m.case_firms:
                for other in index.get("f:" + f, ()):
                    pair = (min(m.key, other), max(m.key, other))
                    if other != m.key and pair not in seen:
                        seen.add(pair)
                        yield pair
        for keys in index.values():
            for a, b in combinations(sorted(set(keys)), 2):
                if (a, b) not in seen:
                    seen.add((a, b))
                    yield a, b


def contradiction(a: Mention, b: Mention) -> str | None:
    """Why ``a`` and ``b`` cannot be one person, or None."""
    if a.id_hash and b.id_hash and a.id_hash != b.id_hash:
        return "different full ID numbers"
    differ = [i + 1 for i, (x, y) in enumerate(zip(a.pos, b.pos)) if x != HIDDEN and y != HIDDEN and x != y]
    if differ:
        return f"ID characters {differ[:4]} differ"
    if a.sex and b.sex and a.sex != b.sex:
        return "different sex"
    if a.birth_year and b.birth_year and abs(a.birth_year - b.birth_year) > max(a.year_tolerance, b.year_tolerance):
        return f"born {a.birth_year} vs {b.birth_year}"
    return None


def evidence(a: Mention, b: Mention, block_size: int) -> dict:
    """The facts behind a pair's score, in a form a reviewer can read."""
    both = sum(1 for x, y in zip(a.pos, b.pos) if x != HIDDEN and y != HIDDEN)
    return {
        "id_overlap": both,
        "same_full_id": bool(a.id_hash and a.id_hash == b.id_hash),
        "same_last4": HIDDEN not in a.pos[14:] + b.pos[14:] and a.pos[14:] == b.pos[14:],
        "same_birth_year": bool(a.birth_year and a.birth_year == b.birth_year),
        "same_sex": bool(a.sex and a.sex == b.sex),
        "shared_firms": sorted(a.firms & b.firms),
        "shared_cases": sorted(a.cases & b.cases),
        "case_against_their_firm": sorted((a.case_firms & b.firms) | (b.case_firms & a.firms)),
        "no_id_on_one_side": not (a.has_id and b.has_id),
        "people_with_this_name": block_size,
    }


def feature_vector(ev: Mapping) -> list[float]:
    return [ev["id_overlap"] / 18, float(ev["same_full_id"]), float(ev["same_last4"]), float(ev["same_birth_year"]),
            float(ev["same_sex"]), min(len(ev["shared_firms"]), 3) / 3, min(len(ev["shared_cases"]), 3) / 3,
            float(bool(ev["case_against_their_firm"])), float(ev["no_id_on_one_side"]),
            math.log1p(ev["people_with_this_name"]) / 10]


@dataclass(frozen=True)
class Model:
    """A logistic model over :data:`FEATURES` and the threshold chosen for it."""
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    provenance: dict

    def score(self, X: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-(X @ np.asarray(self.coef) + self.intercept)))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"features": FEATURES, "coef": list(self.coef), "intercept": self.intercept,
                                    "threshold": self.threshold, "provenance": self.provenance},
                                   ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "Model":
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        if tuple(raw["features"]) != FEATURES:
            raise ValueError(f"{path} was trained on other features; retrain with python -m creditgraph.analytics.resolve.train")
        return cls(tuple(raw["coef"]), raw["intercept"], raw["threshold"], raw["provenance"])


def score_candidates(ms: Mapping[str, Mention], model: Model) -> tuple[list[Link], list[tuple[Link, str]], int]:
    """Scored links above the model's threshold, and above-threshold pairs ruled out by a contradiction."""
    sizes: dict[str, int] = defaultdict(int)
    for m in ms.values():
        sizes[m.name] += 1
    pairs = list(candidate_pairs(ms))
    evs, kept, refused = [], [], []
    for a, b in pairs:
        ev = evidence(ms[a], ms[b], sizes[ms[a].name])
        evs.append((a, b, ev, contradiction(ms[a], ms[b])))
    if not evs:
        return [], [], 0
    scores = model.score(np.array([feature_vector(ev) for _, _, ev, _ in evs]))
    for (a, b, ev, why), s in zip(evs, scores):
        if s < model.threshold:
            continue
        link = Link(a, b, round(float(s), 4), ev)
        (refused.append((link, why)) if why else kept.append(link))
    return kept, refused, len(pairs)


class _Clusters:
    """Union–find whose clusters carry merged ID positions, sex, birth years and judgements."""

    def __init__(self, ms: Mapping[str, Mention], not_same: Iterable[tuple[str, str]]):
        self.parent = {k: k for k in ms}
        self.members = {k: {k} for k in ms}
        self.ms = ms
        self.profile = {k: (m.pos, m.id_hash, m.sex, m.birth_year, m.year_tolerance) for k, m in ms.items()}
        self.forbidden: dict[str, set[str]] = defaultdict(set)
        for a, b in not_same:
            self.forbidden[a].add(b)
            self.forbidden[b].add(a)

    def find(self, k: str) -> str:
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def why_not(self, a: str, b: str) -> str | None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        if self.forbidden[ra] & self.members[rb]:
            return "a reviewer judged members of these clusters not the same"
        pa, ha, sa, ya, ta = self.profile[ra]
        pb, hb, sb, yb, tb = self.profile[rb]
        probe = contradiction(Mention("", "", pa, ha, sa, ya, ta, frozenset(), frozenset(), frozenset()),
                              Mention("", "", pb, hb, sb, yb, tb, frozenset(), frozenset(), frozenset()))
        return f"clusters contradict: {probe}" if probe else None

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        pa, ha, sa, ya, ta = self.profile[ra]
        pb, hb, sb, yb, tb = self.profile[rb]
        merged = "".join(x if x != HIDDEN else y for x, y in zip(pa, pb))
        # keep an exact birth year over one derived from a reported age
        year, tol = (yb, tb) if ya is None or (ta and yb is not None and not tb) else (ya, ta)
        self.profile[ra] = (merged, ha or hb, sa or sb, year, tol)
        self.parent[rb] = ra
        self.members[ra] |= self.members.pop(rb)
        self.forbidden[ra] |= self.forbidden.pop(rb, set())
        return True


def resolve_persons(G: nx.MultiDiGraph, *, model: Model | None = None,
                    company_canonical: Mapping[str, str] | None = None,
                    judgements: Iterable[tuple[str, str, str]] = (),
                    incremental: bool = False) -> PersonResolution:
    """Resolve the Person nodes of ``G``; ``judgements`` are (key, key, "same"|"not_same").

    ``incremental``: only name blocks holding a node without a ``resolved`` key are scored,
    and the clusters found earlier (nodes sharing ``resolved``) are kept and grown, so new
    records join existing people without re-resolving the rest; the result covers those
    blocks only.
    """
    model = model or Model.load()
    ms = mentions(G, company_canonical)
    earlier: dict[str, list[str]] = defaultdict(list)
    if incremental:
        touched = {ms[k].name for k in ms if not G.nodes[k].get("resolved")}
        ms = {k: m for k, m in ms.items() if m.name in touched}
        for k in ms:
            if G.nodes[k].get("resolved"):
                earlier[G.nodes[k]["resolved"]].append(k)
    judged = [(a, b, v) for a, b, v in judgements if a in ms and b in ms]
    kept, refused, n = score_candidates(ms, model)
    clusters = _Clusters(ms, [(a, b) for a, b, v in judged if v == "not_same"])
    for members in earlier.values():  # accepted by an earlier run
        for k in members[1:]:
            clusters.union(members[0], k)
    reviewer = [Link(a, b, 1.0, {"reviewer": True}, "reviewer") for a, b, v in judged if v == "same"]
    accepted = []
    for link in reviewer + sorted(kept, key=lambda l: (-l.score, l.a, l.b)):
        why = clusters.why_not(link.a, link.b)
        if why:
            refused.append((link, why))
        elif clusters.union(link.a, link.b):
            accepted.append(link)
    canonical = {}
    for root, members in clusters.members.items():
        name = min(members)  # stable across runs while membership is
        canonical.update(dict.fromkeys(members, name))
    return PersonResolution(accepted, canonical, refused, n)
