"""Person resolution: which Person nodes — one per source and context — are one human being.

Loading keeps every source's person apart (a name at a firm, a name + masked ID on the 失信
list, a name in one judgment). Resolution links them, OpenSanctions-style: candidates are
blocked, hard contradictions rule a pair out, a logistic model scores the rest from
explainable evidence, and links are merged greedily under cannot-link constraints.

* **Blocking.** Same normalised (Simplified) name, and either the same last four ID
  characters (the part every published mask shows) or a shared context item: the same firm,
  the same case, a case against a firm the other person runs, or — for records at different
  firms, which is all a registry without ID numbers gives — a registered address, a phone,
  a holding link (one firm holds the other, or one company holds both), or another officer's
  name that their firms share. Same name alone never makes a candidate. Within a name block
  the records are indexed by context item, so the work is linear in the items; an address,
  phone, holding or co-officer item held by more than :data:`CONTEXT_CAP` same-name records
  (a registration-agent building, a nominee's hundred shells) pairs each record only with the
  next :data:`WINDOW` by founding day (sorted neighbourhood); clustering chains them.
* **Contradictions** (never merged, whatever the score): different full IDs, any ID position
  visible in both that differs, different sex, birth years more than a year apart, and a
  reviewer's "not the same" judgement.
* **Context evidence** for same-name records at different firms (:class:`FirmContext`, all
  from the exported graph over canonical firms): a shared registered address, weighted by how
  many firms are registered there (a big office building is weak evidence); firms founded
  within :data:`BATCH_DAYS` of each other (a registration batch); a co-officer, holder or legal
  rep name both firms share (the rarer the name, and the more firms where it and the pair's
  name appear together, the stronger); one firm holding the other, or one company holding
  both; both firms party to one case; the same phone (:func:`evidence` lists each with the
  number of firms that have it, for a reviewer).
* **Support.** A candidate whose only shared item is an address or phone of more than
  :data:`CROWDED` firms has no evidence beyond the name and is never scored (:func:`supported`).
* **Evidence → score.** :data:`FEATURES`, combined by the shipped logistic model
  (``person_model.json``, trained by :mod:`creditgraph.training.persons` on synthetic cities — a full one and full
  ones with the person-ID columns blanked — which also picks the threshold from the held-out
  precision–recall curve).
* **Clustering.** Links in descending score; two clusters join only if no member of one
  contradicts a member of the other (their merged ID positions, sex, birth year and
  judgements are checked), so a name-only record cannot chain two different ID holders.

Pure functions over a NetworkX graph as ``GraphStore.export`` returns it.
"""

from __future__ import annotations

import datetime as dt
import gc
import math
from bisect import bisect_left
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Iterable, Iterator, Mapping, NamedTuple

import networkx as nx
import numpy as np

from creditgraph.analytics.model_file import load_model, save_model
from creditgraph.normalize import normalize_person_name, to_simplified
from creditgraph.roles import INDEPENDENT_DIRECTOR, has_role

__all__ = ["Mention", "Link", "Model", "PersonResolution", "FirmContext", "FEATURES", "mentions", "firm_context",
           "candidate_pairs", "contradiction", "evidence", "feature_vector", "resolve_persons", "MODEL_PATH",
           "BATCH_DAYS", "CONTEXT_CAP", "WINDOW", "CROWDED", "supported"]

MODEL_PATH = Path(__file__).with_name("person_model.json")
HIDDEN = "*"
_ROLE_EDGES = ("LEGAL_REP_OF", "OFFICER_OF", "SHAREHOLDER_OF")
#: Firms founded this many days apart or less count as one registration batch.
BATCH_DAYS = 90
#: A weak context item (address, phone, holding, co-officer name) held by more same-name records
#: than this makes no candidates of its own (pairs it would block are quadratic in it).
CONTEXT_CAP = 64
#: ... it pairs each record only with the next WINDOW by founding day (sorted neighbourhood),
#: so a nominee's hundred firms at one address still chain up, in linear work.
WINDOW = 8

#: An address or phone shared by more firms than this (a registration-agent or office building)
#: is no evidence on its own: a pair with nothing else beyond the name is never scored.
CROWDED = 100

#: Evidence a pair is scored on; every value is in [0, 1] or a small count.
FEATURES = ("id_overlap", "same_full_id", "same_last4", "same_birth_year", "same_sex", "shared_firms",
            "shared_cases", "case_against_their_firm", "no_id_on_one_side", "name_commonness",
            "shared_address", "address_crowd", "same_batch", "co_officers", "co_officer_crowd",
            "co_officer_repeat", "holding_link", "firms_share_case", "shared_phone")



class Mention(NamedTuple):
    """A Person node as resolution sees it (a named tuple: a city makes one per Person node)."""
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
    # context of their firms (see FirmContext); empty for records at no firm
    addresses: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    owners: frozenset[str] = frozenset()      # companies holding shares in one of their firms
    linked: frozenset[str] = frozenset()      # owners and holdings of their firms
    firm_cases: frozenset[str] = frozenset()  # cases one of their firms is a party to
    co_names: frozenset[str] = frozenset()    # other people's names at their firms
    founded: tuple[tuple[int, str], ...] = ()  # (ordinal day, firm), sorted

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


_NO_ID = HIDDEN * 18


def _positions(d: Mapping) -> str:
    if not d.get("id_masked") and not d.get("birth_date"):
        return _NO_ID
    pos = [HIDDEN] * 18
    masked = d.get("id_masked")
    if masked and len(masked) == 18:
        pos = [c if c != "*" else HIDDEN for c in masked.upper()]
    born = str(d.get("birth_date") or "")
    if len(born) >= 10:
        pos[6:14] = born[:4] + born[5:7] + born[8:10]
    return "".join(pos)


@dataclass
class FirmContext:
    """What the graph says around each canonical firm; counts weigh how telling a shared item is.
    Also each Person node's firms and cases, gathered in the same pass. O(V + E)."""
    addresses: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    phones: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    founded: dict[str, int] = field(default_factory=dict)        # ordinal day
    owners: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    holdings: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    cases: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    firms_at: dict[str, int] = field(default_factory=dict)            # address → firms registered there
    firms_with_phone: dict[str, int] = field(default_factory=dict)
    firms_with_name: dict[str, int] = field(default_factory=dict)     # name → firms with a person of it
    firms_of_name: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    person_firms: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # Person → its firms
    person_cases: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # direct or via a list entry

    def together(self, name: str, other: str) -> int:
        """Firms where people named ``name`` and ``other`` both hold a role."""
        a, b = self.firms_of_name.get(name, set()), self.firms_of_name.get(other, set())
        return len(a & b) if len(a) < len(b) else len(b & a)


def _day(value) -> int | None:
    if value is None or value == "":
        return None
    if hasattr(value, "toordinal"):
        return value.toordinal()
    try:
        return dt.date.fromisoformat(str(value)[:10]).toordinal()
    except ValueError:
        return None


def _independent(role) -> bool:
    return bool(role) and has_role(str(role), INDEPENDENT_DIRECTOR)


def _typed_edges(G: nx.MultiDiGraph) -> Iterator[tuple[str, str, str | None, Mapping]]:
    """(u, v, type, data) of every edge; the adjacency dicts directly, several times faster than G.edges."""
    if G.is_multigraph():
        for u, nbrs in G.adjacency():
            for v, keyed in nbrs.items():
                for d in keyed.values():
                    yield u, v, d.get("type"), d
    else:
        for u, nbrs in G.adjacency():
            for v, d in nbrs.items():
                yield u, v, d.get("type"), d


def firm_context(G: nx.MultiDiGraph, company_canonical: Mapping[str, str] | None = None,
                 name_of: Mapping[str, str] | None = None) -> FirmContext:
    """Addresses, phones, founding day, holdings, cases and people's names of every canonical
    firm, and each Person node's firms and cases — one pass over the nodes and one over the edges."""
    canon = company_canonical or {}
    name_of = name_of if name_of is not None else _names(G)
    ctx = FirmContext()
    label = {}
    for k, d in G.nodes(data="label"):
        label[k] = d
    for k in canon.keys() | {k for k, lab in label.items() if lab == "Company"}:
        if k in G:
            day = _day(G.nodes[k].get("founded"))
            c = canon.get(k, k)
            if day is not None and (c not in ctx.founded or k == c):
                ctx.founded[c] = day
    listed: dict[str, set[str]] = defaultdict(set)
    record_cases: dict[str, set[str]] = defaultdict(set)
    for u, v, t, d in _typed_edges(G):
        lu = label.get(u)
        if t in _ROLE_EDGES:
            f = canon.get(v, v)
            if lu == "Person":
                ctx.person_firms[u].add(f)
                # a professional independent director sits on many boards: his name ties no two people
                if u in name_of and not (t == "OFFICER_OF" and _independent(d.get("role"))):
                    ctx.names[f].add(name_of[u])
                    ctx.firms_of_name[name_of[u]].add(f)
            elif lu == "Company" and t == "SHAREHOLDER_OF":
                o = canon.get(u, u)
                if o != f:
                    ctx.owners[f].add(o)
                    ctx.holdings[o].add(f)
        elif t == "REGISTERED_AT":
            if lu == "Company":
                ctx.addresses[canon.get(u, u)].add(v)
        elif t == "HAS_PHONE":
            ctx.phones[canon.get(u, u)].add(v)
        elif t == "PARTY_TO":
            if lu == "Company":
                ctx.cases[canon.get(u, u)].add(v)
            elif lu == "Person":
                ctx.person_cases[u].add(v)
        elif t == "LISTED_IN":
            if lu == "Person":
                listed[u].add(v)
        elif t == "ARISES_FROM":
            record_cases[u].add(v)
    for u, records in listed.items():
        for r in records:
            ctx.person_cases[u] |= record_cases.get(r, set())
    for field_, count in ((ctx.addresses, "firms_at"), (ctx.phones, "firms_with_phone"), (ctx.names, "firms_with_name")):
        n: dict[str, int] = defaultdict(int)
        for items in field_.values():
            for x in items:
                n[x] += 1
        setattr(ctx, count, dict(n))
    for per_firm in (ctx.addresses, ctx.phones, ctx.owners, ctx.holdings, ctx.cases, ctx.names):
        for f, items in per_firm.items():
            per_firm[f] = frozenset(items)
    return ctx


class _Names(dict):
    """Person key → normalised name; ``.data`` keeps each node's attributes for :func:`mentions`."""
    data: dict


def _names(G: nx.MultiDiGraph) -> dict[str, str]:
    cache: dict[str, str] = {}
    out = _Names()
    out.data = {}
    for k, d in G.nodes(data=True):
        if d.get("label") == "Person" and d.get("name"):
            raw = d["name"]
            if raw not in cache:
                cache[raw] = _name_key(raw)
            out[k] = cache[raw]
            out.data[k] = d
    return out


_EMPTY: frozenset = frozenset()


def _around(ctx: FirmContext, firms: frozenset[str], cache: dict) -> tuple:
    """(addresses, phones, owners, linked, firm cases, names, founded) of a set of firms."""
    if len(firms) == 1:
        (f,) = firms
        if f not in cache:
            owners = ctx.owners.get(f, _EMPTY)
            held = ctx.holdings.get(f, _EMPTY)
            cache[f] = (ctx.addresses.get(f, _EMPTY), ctx.phones.get(f, _EMPTY), owners,
                        owners | held if held else owners, ctx.cases.get(f, _EMPTY),
                        ctx.names.get(f, _EMPTY), ((ctx.founded[f], f),) if f in ctx.founded else ())
        return cache[f]
    parts = [_around(ctx, frozenset((f,)), cache) for f in firms]
    return tuple(frozenset().union(*(p[i] for p in parts)) for i in range(6)) + \
        (tuple(sorted(x for p in parts for x in p[6])),)


def mentions(G: nx.MultiDiGraph, company_canonical: Mapping[str, str] | None = None,
             context: FirmContext | None = None, *, names: Mapping[str, str] | None = None) -> dict[str, Mention]:
    """Every Person node of ``G`` with the identity evidence and context it carries.

    ``context`` (from :func:`firm_context`) is built when not given; ``names`` maps Person keys
    to normalised names, likewise. O(V + E)."""
    canon = company_canonical or {}
    name_of = names if names is not None else _names(G)
    ctx = context or firm_context(G, canon, name_of)
    case_firms: dict[str, set[str]] = defaultdict(set)
    for f, cs in ctx.cases.items():
        for c in cs:
            case_firms[c].add(f)
    cache: dict = {}
    out: dict[str, Mention] = {}
    nodes = getattr(name_of, "data", None) or G.nodes
    for key in name_of:
        d = nodes[key]
        firms = frozenset(ctx.person_firms.get(key, ()))
        cases = frozenset(ctx.person_cases.get(key, ()))
        pos = _positions(d)
        sex = pos[16] != HIDDEN and ("M" if int(pos[16]) % 2 else "F") or d.get("sex")
        year, tol = (int(pos[6:10]), 0) if HIDDEN not in pos[6:10] else (d.get("birth_year"), 0)
        if year is None and d.get("age") not in (None, -1) and d.get("age_as_of"):
            year, tol = int(str(d["age_as_of"])[:4]) - int(d["age"]), 1
        name = name_of[key]
        if firms:
            addresses, phones, owners, linked, firm_cases, co_names, founded = _around(ctx, firms, cache)
            co_names = co_names - {name}
        else:
            addresses = phones = owners = linked = firm_cases = co_names = _EMPTY
            founded = ()
        against = frozenset(f for c in cases for f in case_firms.get(c, ())) - firms if cases else _EMPTY
        out[key] = Mention(key, name, pos, d.get("id_hash"), sex, year, tol, firms, cases, against,
                           addresses, phones, owners, linked, firm_cases, co_names, founded)
    return out


def candidate_pairs(ms: Mapping[str, Mention]) -> Iterator[tuple[str, str]]:
    """Pairs worth scoring: same name, and the same ID tail or a shared context item (see module doc).

    Linear in the records plus the pairs made: records are grouped by name, then by item."""
    blocks: dict[str, list[Mention]] = defaultdict(list)
    for m in ms.values():
        blocks[m.name].append(m)
    for block in blocks.values():
        if len(block) < 2:
            continue
        seen: set[tuple[str, str]] = set()
        index: dict[str, list[str]] = defaultdict(list)
        order = {m.key: m.founded[0][0] if m.founded else 0 for m in block}
        for m in block:
            if HIDDEN not in m.pos[14:]:
                index["t:" + m.pos[14:]].append(m.key)
            for f in m.firms:
                index["f:" + f].append(m.key)
            for c in m.cases | m.firm_cases:
                index["c:" + c].append(m.key)
            for a in m.addresses:
                index["a:" + a].append(m.key)
            for p in m.phones:
                index["p:" + p].append(m.key)
            if m.linked:  # only firms with a holding can meet another's holding
                for h in m.firms | m.linked:
                    index["h:" + h].append(m.key)
            for n in m.co_names:
                index["o:" + n].append(m.key)
        for m in block:  # a case against a firm the other person runs
            for f in m.case_firms:
                for other in index.get("f:" + f, ()):
                    pair = (min(m.key, other), max(m.key, other))
                    if other != m.key and pair not in seen:
                        seen.add(pair)
                        yield pair
        for item, keys in index.items():
            keys = sorted(set(keys))
            if item[0] in "apho" and len(keys) > CONTEXT_CAP:
                # sorted neighbourhood: each record against the next few founded around its time
                keys.sort(key=lambda k: (order[k], k))
                pairs = ((keys[i], keys[j]) for i in range(len(keys)) for j in range(i + 1, min(i + 1 + WINDOW, len(keys))))
            else:
                pairs = combinations(keys, 2)
            for a, b in pairs:
                a, b = min(a, b), max(a, b)
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


def _days_apart(a: Mention, b: Mention) -> int | None:
    """Fewest days between the founding of a firm of ``a`` and a different firm of ``b``."""
    if not a.founded or not b.founded:
        return None
    days = [d for d, _ in b.founded]
    best = None
    for d, f in a.founded:
        i = bisect_left(days, d - BATCH_DAYS)
        while i < len(days) and days[i] <= d + BATCH_DAYS:
            if b.founded[i][1] != f:
                gap = abs(days[i] - d)
                best = gap if best is None else min(best, gap)
            i += 1
    if best is None and len(a.founded) * len(b.founded) <= 64:
        gaps = [abs(x - y) for x, f in a.founded for y, g in b.founded if f != g]
        best = min(gaps) if gaps else None
    return best


def _counted(items, counts: Mapping[str, int], n: int = 3) -> list[list]:
    """The ``n`` least crowded items with their counts, least crowded first."""
    if len(items) <= 1:
        return [[x, counts.get(x, 1)] for x in items]
    return [[x, counts.get(x, 1)] for x in sorted(items, key=lambda x: (counts.get(x, 1), x))[:n]]


def evidence(a: Mention, b: Mention, block_size: int, context: FirmContext | None = None) -> dict:
    """The facts behind a pair's score, in a form a reviewer can read.

    ``context`` gives the counts that weigh shared addresses, phones and co-officer names (how
    many firms have each); without it every such item counts as held by two firms."""
    both = sum(1 for x, y in zip(a.pos, b.pos) if x != HIDDEN and y != HIDDEN)
    ctx = context or FirmContext()
    firms_a, firms_b = a.firms - b.firms, b.firms - a.firms   # context matters between different firms
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
        # [item, firms that have it] for the least crowded few
        "shared_addresses": _counted(a.addresses & b.addresses, ctx.firms_at) if firms_a and firms_b else [],
        "registered_days_apart": _days_apart(a, b),
        # [name, firms with that name, firms where it and this pair's name both appear]
        "co_officers": [[x, n, ctx.together(a.name, x)] for x, n in
                        _counted(a.co_names & b.co_names, ctx.firms_with_name)] if firms_a and firms_b else [],
        "firms_with_this_name": ctx.firms_with_name.get(a.name, 1),
        # one firm holds shares in the other
        "holding_links": sorted((a.firms & b.linked) | (b.firms & a.linked)),
        # [company, firms it holds] holding a firm of each
        "common_owners": _counted(a.owners & b.owners, {o: len(ctx.holdings.get(o, ())) for o in a.owners & b.owners}),
        "firms_share_cases": sorted(a.firm_cases & b.firm_cases)[:3] if firms_a and firms_b else [],
        "shared_phones": _counted(a.phones & b.phones, ctx.firms_with_phone) if firms_a and firms_b else [],
    }


RARE_NAME_FIRMS = 5  # a co-officer name in more firms than this is too common to vouch for anyone
CROWDED_OWNER = 10   # an owner of more firms than this (中央汇金 holds 662 listed firms) ties nobody


def supported(ev: Mapping) -> bool:
    """Whether a pair has evidence beyond the shared name: some ID character in both, the same
    firm or case, a case against the other's firm, a co-officer name, a holding link, a case
    both firms are party to, or an address or phone no more than :data:`CROWDED` firms share.
    A registration batch alone is not enough, nor an owner of more than :data:`CROWDED_OWNER`
    firms, nor co-officer names unless two of them are rare
    (in at most :data:`RARE_NAME_FIRMS` firms), or one rare among three: a busy person's name
    sits beside many namesakes of someone else's (with one co-officer name, 1,000-firm cities
    merged 2 % of name-only pairs wrongly; with this rule 0.7 %, see tests/analytics)."""
    rare = sum(1 for _, n, *_ in ev["co_officers"] if n <= RARE_NAME_FIRMS)
    co_officers = rare >= 2 or (rare >= 1 and len(ev["co_officers"]) >= 3)
    return bool(ev["id_overlap"] or ev["same_last4"] or ev["same_full_id"] or ev["shared_firms"]
                or ev["shared_cases"] or ev["case_against_their_firm"] or co_officers
                or ev["holding_links"] or any(n <= CROWDED_OWNER for _, n in ev["common_owners"])
                or ev["firms_share_cases"] or any(n <= CROWDED for _, n in ev["shared_addresses"])
                or any(n <= CROWDED for _, n in ev["shared_phones"]))


def feature_vector(ev: Mapping) -> list[float]:
    days = ev.get("registered_days_apart")
    return [ev["id_overlap"] / 18, float(ev["same_full_id"]), float(ev["same_last4"]), float(ev["same_birth_year"]),
            float(ev["same_sex"]), min(len(ev["shared_firms"]), 3) / 3, min(len(ev["shared_cases"]), 3) / 3,
            float(bool(ev["case_against_their_firm"])), float(ev["no_id_on_one_side"]),
            math.log1p(ev["people_with_this_name"]) / 10,
            float(bool(ev["shared_addresses"])), _crowd(ev["shared_addresses"]),
            float(days is not None and days <= BATCH_DAYS),
            min(len(ev["co_officers"]), 3) / 3, _crowd(ev["co_officers"]),
            min(max((c[2] for c in ev["co_officers"]), default=1) - 1, 9) / 9,
            float(bool(ev["holding_links"] or any(n <= CROWDED_OWNER for _, n in ev["common_owners"]))),
            float(bool(ev["firms_share_cases"])),
            float(bool(ev["shared_phones"]))]


def _crowd(counted: list) -> float:
    """log(1 + firms) of the least crowded shared item, /10; 0 when none."""
    return math.log1p(counted[0][1]) / 10 if counted else 0.0


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
    sizes: dict[str, int] = defaultdict(int)
    for m in ms.values():
        sizes[m.name] += 1
    pairs = list(candidate_pairs(ms))
    evs, kept, refused = [], [], []
    for a, b in pairs:
        ev = evidence(ms[a], ms[b], sizes[ms[a].name], context)
        if supported(ev):
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
    with _gc_paused():
        return _resolve(G, model or Model.load(), company_canonical or {}, judgements, incremental)


@contextmanager
def _gc_paused():
    """Resolution allocates a few small objects per record and per pair, none of them cyclic;
    with a large graph in memory each automatic collection walks it all (2–3x the run time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _resolve(G, model: Model, canon: Mapping[str, str], judgements, incremental: bool) -> PersonResolution:
    name_of = _names(G)
    ctx = firm_context(G, canon, name_of)
    ms = mentions(G, canon, ctx, names=name_of)
    earlier: dict[str, list[str]] = defaultdict(list)
    if incremental:
        touched = {ms[k].name for k in ms if not G.nodes[k].get("resolved")}
        ms = {k: m for k, m in ms.items() if m.name in touched}
        for k in ms:
            if G.nodes[k].get("resolved"):
                earlier[G.nodes[k]["resolved"]].append(k)
    judged = [(a, b, v) for a, b, v in judgements if a in ms and b in ms]
    kept, refused, n = score_candidates(ms, model, ctx)
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
    canonical = dict(zip(ms, ms))
    for root, members in clusters.members.items():
        # a record keyed by a full ID stands for the person (it holds what every source with the ID
        # said); of those, or without one, the smallest key: stable across runs while membership is
        name = min(members, key=lambda k: (":id:" not in k, k))
        canonical.update(dict.fromkeys(members, name))
    return PersonResolution(accepted, canonical, refused, n)
