"""Person resolution: which Person nodes — one per source and context — are one human being.

Loading keeps every source's person apart (a name at a firm, a name + masked ID on the 失信
list, a name in one judgment). Resolution links them, OpenSanctions-style: candidates are
blocked, hard contradictions rule a pair out, a logistic model scores the rest from
explainable evidence, and links are merged greedily under cannot-link constraints.

* **Blocking** (:mod:`.pairs`). Same normalised (Simplified) name, and either the same last
  four ID characters (the part every published mask shows) or a shared context item: the same
  firm, the same case, a case against a firm the other person runs, or — for records at
  different firms, which is all a registry without ID numbers gives — a registered address, a
  phone, a holding link (one firm holds the other, or one company holds both), or another
  officer's name that their firms share. Same name alone never makes a candidate. Within a
  name block the records are indexed by context item, so the work is linear in the items; an
  address, phone, holding or co-officer item held by more than :data:`~.pairs.CONTEXT_CAP`
  same-name records (a registration-agent building, a nominee's hundred shells) pairs each
  record only with the next :data:`~.pairs.WINDOW` by founding day (sorted neighbourhood);
  clustering chains them.
* **Contradictions** (never merged, whatever the score): different full IDs, any ID position
  visible in both that differs, different sex, birth years more than a year apart, and a
  reviewer's "not the same" judgement.
* **Context evidence** for same-name records at different firms
  (:class:`~.mentions.FirmContext`, all from the exported graph over canonical firms): a
  shared registered address, weighted by how many firms are registered there (a big office
  building is weak evidence); firms founded within :data:`~.pairs.BATCH_DAYS` of each other (a
  registration batch); a co-officer, holder or legal rep name both firms share (the rarer the
  name, and the more firms where it and the pair's name appear together, the stronger); one
  firm holding the other, or one company holding both; both firms party to one case; the same
  phone (:func:`~.pairs.evidence` lists each with the number of firms that have it, for a
  reviewer).
* **How telling a shared item is, from the city itself** (term-frequency style): for each
  shared address, phone, owner or co-officer name, the firms where the pair's name meets it
  against the firms chance alone would give (``firms(name) · firms(item) / firms``). A name
  met beside one item again and again — a nominee's shells at the agent's address, his crew's
  names beside his — is one person's habit; a common name at a crowded building is chance.
  The strongest ratio and their sum over kinds of item are features, so several weak contexts
  add up.
* **Support.** A candidate whose only shared item is an address or phone of more than
  :data:`~.pairs.CROWDED` firms, that the name meets no more often than chance, has no
  evidence beyond the name and is never scored (:func:`~.pairs.supported`).
* **Evidence → score.** :data:`~.pairs.FEATURES`, combined by the shipped logistic model
  (``person_model.json``, trained by :mod:`creditgraph.training.persons` on synthetic cities —
  a full one, full ones and a registry-profile one with the person-ID columns blanked — which
  also picks the threshold
  from the held-out precision–recall curve).
* **Clustering** (here). Links in descending score; two clusters join only if no member of
  one contradicts a member of the other (their merged ID positions, sex, birth year and
  judgements are checked), so a name-only record cannot chain two different ID holders.
* **Batches** (here). A candidate needs one name, so a city is resolved :data:`BATCH` records
  of whole name blocks at a time (names a reviewer's judgement or an earlier cluster ties stay
  together); only the firm context is built for the whole city, since its counts are city-wide.
  The result is the same whatever the batch size (``tests/analytics/test_resolve_persons.py``).

Pure functions over the :class:`~.records.Records` of a store's tables, or of a NetworkX graph
as ``GraphStore.export`` returns it; what each Person node shows and the context of its firms
come from :mod:`.mentions`.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Mapping

import networkx as nx
import numpy as np

from creditgraph import collector
from creditgraph.analytics.model_file import load_model, save_model
from creditgraph.analytics.resolve.mentions import (HIDDEN, FirmContext, Mention, firm_context, mentions,
                                                    person_names)
from creditgraph.analytics.resolve.pairs import (FEATURES, candidate_pairs, contradiction, evidence, feature_vector,
                                                 supported)
from creditgraph.analytics.resolve.links import Link
from creditgraph.analytics.resolve.records import Records

__all__ = ["Link", "Model", "PersonResolution", "MODEL_PATH", "BATCH", "score_candidates", "resolve_persons",
           "resolve_persons_at", "mentions_of"]

MODEL_PATH = Path(__file__).with_name("person_model.json")

#: People are resolved a batch of whole name blocks at a time, about this many records each. A
#: candidate pair needs one name, so batches share only the firm context (built once, for the
#: city-wide counts its features read); a city's mentions, candidates and their evidence are held
#: one batch at a time. At 1M firms all 4.25M mentions at once ran out of 24 GB
#: (bench/results/city_1m_embedded_attempt.txt).
BATCH = 200_000

log = logging.getLogger(__name__)


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
        save_model(path, FEATURES, {"coef": list(self.coef), "intercept": self.intercept,
                                    "threshold": self.threshold, "provenance": self.provenance})

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "Model":
        raw = load_model(path, FEATURES, retrain="persons")
        return cls(tuple(raw["coef"]), raw["intercept"], raw["threshold"], raw["provenance"])


def score_candidates(ms: Mapping[str, Mention], model: Model, context: FirmContext | None = None
                     ) -> tuple[list[Link], list[tuple[Link, str]], int]:
    """Scored links above the model's threshold, and above-threshold pairs ruled out by a contradiction."""
    scored, n = _scored(ms, model, context)
    kept, refused = _above(scored, model.threshold)
    return kept, refused, n


def _scored(ms: Mapping[str, Mention], model: Model, context: FirmContext | None
            ) -> tuple[list[tuple[Link, str | None, float]], int]:
    """Every supported candidate as ``(link, contradiction or None, raw score)``, whatever the
    threshold; and how many candidates blocking gave."""
    sizes: dict[str, int] = defaultdict(int)
    for m in ms.values():
        sizes[m.name] += 1
    pairs = list(candidate_pairs(ms))
    evs = []
    for a, b in pairs:
        ev = evidence(ms[a], ms[b], sizes[ms[a].name], context)
        if supported(ev):
            evs.append((a, b, ev, contradiction(ms[a], ms[b])))
    if not evs:
        return [], len(pairs)
    scores = model.score(np.array([feature_vector(ev) for _, _, ev, _ in evs]))
    return [(Link(a, b, round(float(s), 4), ev), why, float(s)) for (a, b, ev, why), s in zip(evs, scores)], len(pairs)


def _above(scored: Iterable[tuple[Link, str | None, float]], threshold: float
           ) -> tuple[list[Link], list[tuple[Link, str]]]:
    kept: list[Link] = []
    refused: list[tuple[Link, str]] = []
    for link, why, s in scored:
        if s >= threshold:
            (refused.append((link, why)) if why else kept.append(link))
    return kept, refused


class _Clusters:
    """Union–find whose clusters carry merged ID positions, sex, birth years and judgements."""

    def __init__(self, ms: Mapping[str, Mention], not_same: Iterable[tuple[str, str]]):
        # filled in lazily: most records are never linked
        self.parent: dict[str, str] = {}
        self.members: dict[str, set[str]] = {}
        self.ms = ms
        self.profile: dict[str, tuple] = {}
        self.forbidden: dict[str, set[str]] = defaultdict(set)
        for a, b in not_same:
            self.forbidden[a].add(b)
            self.forbidden[b].add(a)

    def _touch(self, k: str) -> None:
        if k not in self.parent:
            m = self.ms[k]
            self.parent[k] = k
            self.members[k] = {k}
            self.profile[k] = (m.pos, m.id_hash, m.sex, m.birth_year, m.year_tolerance)

    def find(self, k: str) -> str:
        self._touch(k)
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def why_not(self, a: str, b: str) -> str | None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        if ra in self.forbidden and self.forbidden[ra] & self.members[rb]:
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


def resolve_persons(G: Records | nx.Graph, *, model: Model | None = None,
                    company_canonical: Mapping[str, str] | None = None,
                    judgements: Iterable[tuple[str, str, str]] = (),
                    incremental: bool = False, batch: int = BATCH) -> PersonResolution:
    """Resolve the Person nodes of ``G``; ``judgements`` are (key, key, "same"|"not_same").

    ``incremental``: only name blocks holding a node without a ``resolved`` key are scored,
    and the clusters found earlier (nodes sharing ``resolved``) are kept and grown, so new
    records join existing people without re-resolving the rest; the result covers those
    blocks only.

    ``batch``: records whose mentions, candidates and evidence are held at once (:data:`BATCH`);
    the result does not depend on it (only the order of its lists does).
    """
    with collector.paused():  # a few small objects per record and pair, none cyclic
        return _resolve(G, model or Model.load(), company_canonical or {}, judgements, incremental, batch)


def resolve_persons_at(G: Records | nx.Graph, thresholds: Iterable[float], *, model: Model | None = None,
                       company_canonical: Mapping[str, str] | None = None,
                       found: tuple[dict[str, Mention], FirmContext] | None = None) -> dict[float, PersonResolution]:
    """:func:`resolve_persons` (no judgements, not incremental) at each of ``thresholds``, with the
    candidates found and scored once: each result is what ``resolve_persons`` gives with the
    model's threshold set to it (``creditgraph evaluate``'s precision–recall curve). ``found``:
    :func:`mentions_of` the same records and canonical firms, when the caller has them."""
    model, thresholds = model or Model.load(), list(thresholds)
    with collector.paused():
        ms, ctx = found or mentions_of(G, company_canonical or {})
        scored, n = _scored(ms, model, ctx)
        return _cluster_at(ms, scored, n, thresholds)


def _cluster_at(ms: Mapping[str, Mention], scored: list[tuple[Link, str | None, float]], n: int,
                thresholds: list[float]) -> dict[float, PersonResolution]:
    """:func:`_cluster` at each threshold, in one greedy pass from the highest threshold down.

    The greedy merge takes links best first, so a lower threshold's links are the higher one's
    followed by more: its clusters are the higher one's grown. That holds while the links above
    each threshold come first in the merge order (by rounded score, then keys); where a tie in
    rounded score straddles a threshold it does not, and each threshold is clustered on its own."""
    order = sorted((x for x in scored if not x[1]), key=lambda x: (-x[0].score, x[0].a, x[0].b))
    cut = {t: sum(1 for *_, s in order if s >= t) for t in thresholds}
    if not all(s >= t for t in thresholds for *_, s in order[:cut[t]]):
        return {t: _cluster(ms, *_above(scored, t), n, [], {}) for t in thresholds}
    clusters = _Clusters(ms, [])
    accepted: list[Link] = []
    refused: list[tuple[Link, str]] = []
    done, out = 0, {}
    for t in sorted(set(thresholds), key=cut.__getitem__):
        for link, _, _ in order[done:cut[t]]:
            why = clusters.why_not(link.a, link.b)
            if why:
                refused.append((link, why))
            elif clusters.union(link.a, link.b):
                accepted.append(link)
        done = cut[t]
        contradicted = [(link, why) for link, why, s in scored if why and s >= t]
        out[t] = PersonResolution(list(accepted), _canonical(ms, clusters), contradicted + refused, n)
    return {t: out[t] for t in thresholds}


def mentions_of(G: Records | nx.Graph, canon: Mapping[str, str]) -> tuple[dict[str, Mention], FirmContext]:
    """Every Person record's :class:`Mention` and the firms' context they were built from."""
    R = Records.of(G)
    name_of = person_names(R)
    ctx = firm_context(R, canon, name_of)
    return mentions(R, canon, ctx, names=name_of), ctx


def _resolve(G: Records | nx.Graph, model: Model, canon: Mapping[str, str], judgements,
             incremental: bool, batch: int) -> PersonResolution:
    R = Records.of(G)
    nodes = R.nodes
    name_of = person_names(R)
    ctx = firm_context(R, canon, name_of)
    keys = list(name_of)
    earlier: dict[str, list[str]] = defaultdict(list)
    if incremental:
        touched = {name_of[k] for k in keys if not nodes[k].get("resolved")}
        keys = [k for k in keys if name_of[k] in touched]
        for k in keys:
            if nodes[k].get("resolved"):
                earlier[nodes[k]["resolved"]].append(k)
    inside = set(keys)
    judged = [(a, b, v) for a, b, v in judgements if a in inside and b in inside]
    del inside
    ties = [(a, b) for a, b, _ in judged] + [(ks[0], k) for ks in earlier.values() for k in ks[1:]]
    out = PersonResolution([], {}, [], 0)
    for i, part in enumerate(_batches(keys, name_of, ties, batch), 1):
        ms = mentions(R, canon, ctx, names=name_of, keys=part)
        kept, refused, n = score_candidates(ms, model, ctx)
        res = _cluster(ms, kept, refused, n, [j for j in judged if j[0] in ms and j[1] in ms],
                       {r: ks for r, ks in earlier.items() if ks[0] in ms})
        out.links += (link.packed() for link in res.links)
        out.canonical.update(res.canonical)
        out.refused += ((link.packed(), why) for link, why in res.refused)
        out.candidates += res.candidates
        ctx.forget()
        if len(part) < len(keys):
            log.info("people: batch %d, %d records (%d of %d done), %d links so far", i, len(part),
                     len(out.canonical), len(keys), len(out.links))
    return out


def _batches(keys: list[str], name_of: Mapping[str, str], ties: Iterable[tuple[str, str]],
             size: int) -> Iterator[list[str]]:
    """``keys`` in batches of whole name blocks, about ``size`` records each (a bigger block is a
    batch of its own); names tied by ``ties`` (a reviewer's "same" or "not same" across names,
    an earlier cluster across names) stay in one batch. All of ``keys``, in their order, when
    they fit in one."""
    if len(keys) <= size:
        yield keys
        return
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for a, b in ties:
        ra, rb = find(name_of[a]), find(name_of[b])
        if ra != rb:
            parent[rb] = ra
    blocks: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        blocks[find(name_of[k])].append(k)
    part: list[str] = []
    for block in blocks.values():
        if part and len(part) + len(block) > size:
            yield part
            part = []
        part.extend(block)
    if part:
        yield part


def _cluster(ms: Mapping[str, Mention], kept: list[Link], refused: list[tuple[Link, str]], n: int,
             judged: list[tuple[str, str, str]], earlier: Mapping[str, list[str]]) -> PersonResolution:
    """Links merged greedily, best first, under the cannot-link constraints."""
    refused = list(refused)
    clusters = _Clusters(ms, [(a, b) for a, b, v in judged if v == "not_same"])
    for before in earlier.values():  # accepted by an earlier run
        for k in before[1:]:
            clusters.union(before[0], k)
    reviewer = [Link(a, b, 1.0, {"reviewer": True}, "reviewer") for a, b, v in judged if v == "same"]
    accepted = []
    for link in reviewer + sorted(kept, key=lambda l: (-l.score, l.a, l.b)):
        why = clusters.why_not(link.a, link.b)
        if why:
            refused.append((link, why))
        elif clusters.union(link.a, link.b):
            accepted.append(link)
    return PersonResolution(accepted, _canonical(ms, clusters), refused, n)


def _canonical(ms: Mapping[str, Mention], clusters: _Clusters) -> dict[str, str]:
    """Every record → its cluster's key."""
    canonical = dict(zip(ms, ms))
    for root, members in clusters.members.items():
        # a record keyed by a full ID stands for the person (it holds what every source with the ID
        # said); of those, or without one, the smallest key: stable across runs while membership is
        name = min(members, key=lambda k: (":id:" not in k, k))
        canonical.update(dict.fromkeys(members, name))
    return canonical
