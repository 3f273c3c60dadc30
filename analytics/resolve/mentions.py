"""What person resolution knows of each Person node: its name key, the ID positions it shows, and
the context of its firms (addresses, phones, founding days, holdings, cases, co-officers' names).

:func:`firm_context` gathers the context in one pass over the nodes and one over the edges;
:func:`mentions` turns every Person node into a :class:`Mention`. O(V + E), pure functions over
the :class:`~.records.Records` of a store's tables or of a NetworkX graph as ``GraphStore.export``
returns it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping, NamedTuple

import networkx as nx

from creditgraph.analytics.resolve.records import Records
from creditgraph.normalize import normalize_person_name, to_simplified
from creditgraph.roles import INDEPENDENT_DIRECTOR, has_role

__all__ = ["HIDDEN", "Mention", "FirmContext", "firm_context", "person_names", "mentions"]

#: An ID position the record does not show.
HIDDEN = "*"
_ROLE_EDGES = ("LEGAL_REP_OF", "OFFICER_OF", "SHAREHOLDER_OF")


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
    addresses: dict[str, frozenset[str]] = field(default_factory=lambda: defaultdict(frozenset))
    phones: dict[str, frozenset[str]] = field(default_factory=lambda: defaultdict(frozenset))
    founded: dict[str, int] = field(default_factory=dict)        # ordinal day
    owners: dict[str, frozenset[str]] = field(default_factory=lambda: defaultdict(frozenset))
    holdings: dict[str, frozenset[str]] = field(default_factory=lambda: defaultdict(frozenset))
    cases: dict[str, frozenset[str]] = field(default_factory=lambda: defaultdict(frozenset))
    names: dict[str, frozenset[str]] = field(default_factory=lambda: defaultdict(frozenset))
    firms_at: dict[str, int] = field(default_factory=dict)            # address → firms registered there
    firms_with_phone: dict[str, int] = field(default_factory=dict)
    firms_with_name: dict[str, int] = field(default_factory=dict)     # name → firms with a person of it
    firms_of_name: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    person_firms: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # Person → its firms
    person_cases: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # direct or via a list entry
    firms_of_item: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # "a:"/"p:" item → firms
    n_firms: int = 0                                                   # canonical firms with a person or an item
    _co: dict[tuple[str, str], tuple[int, float]] = field(default_factory=dict, repr=False)
    _case_firms: dict[str, set[str]] | None = field(default=None, repr=False)

    def case_firms(self) -> dict[str, set[str]]:
        """Case → the canonical firms party to it (built once)."""
        if self._case_firms is None:
            firms: dict[str, set[str]] = defaultdict(set)
            for f, cs in self.cases.items():
                for c in cs:
                    firms[c].add(f)
            self._case_firms = dict(firms)
        return self._case_firms

    def forget(self) -> None:
        """Drop the per-name caches (:meth:`co_occurrence`): resolving a city a batch of names at a
        time, the next batch never asks about this one's names."""
        self._co.clear()

    def together(self, name: str, other: str) -> int:
        """Firms where people named ``name`` and ``other`` both hold a role."""
        a, b = self.firms_of_name.get(name, set()), self.firms_of_name.get(other, set())
        return len(a & b) if len(a) < len(b) else len(b & a)

    def co_occurrence(self, name: str, item: str) -> tuple[int, float]:
        """(firms where a person named ``name`` meets ``item``, how many such firms chance alone would give).

        ``item`` is ``"a:"`` + address, ``"p:"`` + phone, ``"o:"`` + owning company or ``"n:"`` + another
        person's name. Chance is the independence expectation ``firms(name) · firms(item) / firms``, with
        the co-occurring firms themselves left out of the name's count (a nominee's own hundred firms
        do not make his name look common): a name met again and again beside one item is one person
        who keeps using it, the way term-frequency weights in entity resolution read a rare value.
        O(min(firms(name), firms(item))), cached per (name, item)."""
        hit = self._co.get((name, item))
        if hit is not None:
            return hit
        kind, value = item[:2], item[2:]
        firms = (self.firms_of_item.get(item, set()) if kind in ("a:", "p:")
                 else self.holdings.get(value, frozenset()) if kind == "o:" else self.firms_of_name.get(value, set()))
        mine = self.firms_of_name.get(name, set())
        k = len(mine & firms) if len(mine) < len(firms) else len(firms & mine)
        chance = max(len(mine) - k, 1) * len(firms) / max(self.n_firms, 1)
        self._co[(name, item)] = (k, chance)
        return k, chance


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


def firm_context(G: Records | nx.Graph, company_canonical: Mapping[str, str] | None = None,
                 name_of: Mapping[str, str] | None = None) -> FirmContext:
    """Addresses, phones, founding day, holdings, cases and people's names of every canonical
    firm, and each Person node's firms and cases — one pass over the nodes and one over the edges."""
    R = Records.of(G)
    canon = company_canonical or {}
    name_of = name_of if name_of is not None else person_names(R)
    ctx = FirmContext()
    label = {k: d.get("label") for k, d in R.nodes.items()}
    for k in canon.keys() | {k for k, lab in label.items() if lab == "Company"}:
        if k in R:
            day = _day(R.nodes[k].get("founded"))
            c = canon.get(k, k)
            if day is not None and (c not in ctx.founded or k == c):
                ctx.founded[c] = day
    # per canonical firm, gathered as sets and frozen at the end
    addresses: dict[str, set[str]] = defaultdict(set)
    phones: dict[str, set[str]] = defaultdict(set)
    owners: dict[str, set[str]] = defaultdict(set)
    holdings: dict[str, set[str]] = defaultdict(set)
    cases: dict[str, set[str]] = defaultdict(set)
    names: dict[str, set[str]] = defaultdict(set)
    listed: dict[str, set[str]] = defaultdict(set)
    record_cases: dict[str, set[str]] = defaultdict(set)
    for u, v, t, role in R.edges():
        lu = label.get(u)
        if t in _ROLE_EDGES:
            f = canon.get(v, v)
            if lu == "Person":
                ctx.person_firms[u].add(f)
                # a professional independent director sits on many boards: his name ties no two people
                if u in name_of and not (t == "OFFICER_OF" and _independent(role)):
                    names[f].add(name_of[u])
                    ctx.firms_of_name[name_of[u]].add(f)
            elif lu == "Company" and t == "SHAREHOLDER_OF":
                o = canon.get(u, u)
                if o != f:
                    owners[f].add(o)
                    holdings[o].add(f)
        elif t == "REGISTERED_AT":
            if lu == "Company":
                addresses[canon.get(u, u)].add(v)
        elif t == "HAS_PHONE":
            phones[canon.get(u, u)].add(v)
        elif t == "PARTY_TO":
            if lu == "Company":
                cases[canon.get(u, u)].add(v)
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
    for f, items in addresses.items():
        for x in items:
            ctx.firms_of_item["a:" + x].add(f)
    for f, items in phones.items():
        for x in items:
            ctx.firms_of_item["p:" + x].add(f)
    ctx.n_firms = len(names.keys() | addresses.keys() | phones.keys() | owners.keys() | holdings.keys())
    for field_, count in ((addresses, "firms_at"), (phones, "firms_with_phone"), (names, "firms_with_name")):
        n: dict[str, int] = defaultdict(int)
        for items in field_.values():
            for x in items:
                n[x] += 1
        setattr(ctx, count, dict(n))
    ctx.addresses, ctx.phones, ctx.owners = _frozen(addresses), _frozen(phones), _frozen(owners)
    ctx.holdings, ctx.cases, ctx.names = _frozen(holdings), _frozen(cases), _frozen(names)
    return ctx


def _frozen(per_firm: Mapping[str, set[str]]) -> dict[str, frozenset[str]]:
    return defaultdict(frozenset, {f: frozenset(items) for f, items in per_firm.items()})


class _Names(dict):
    """Person key → normalised name; ``.data`` keeps each node's attributes for :func:`mentions`."""
    data: dict


def person_names(G: Records | nx.Graph) -> dict[str, str]:
    """Person key → normalised (Simplified) name, for every Person node with a name; the same
    name is normalised once. Pass it to :func:`firm_context` and :func:`mentions` to share it."""
    cache: dict[str, str] = {}
    out = _Names()
    out.data = {}
    for k, d in Records.of(G).nodes.items():
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


def mentions(G: Records | nx.Graph, company_canonical: Mapping[str, str] | None = None,
             context: FirmContext | None = None, *, names: Mapping[str, str] | None = None,
             keys: Iterable[str] | None = None) -> dict[str, Mention]:
    """Every Person node of ``G`` (or those of ``keys``) with the identity evidence and context it carries.

    ``context`` (from :func:`firm_context`) is built when not given; ``names`` maps Person keys
    to normalised names, likewise. O(V + E)."""
    R = Records.of(G)
    canon = company_canonical or {}
    name_of = names if names is not None else person_names(R)
    ctx = context or firm_context(R, canon, name_of)
    case_firms = ctx.case_firms()
    cache: dict = {}
    out: dict[str, Mention] = {}
    nodes = getattr(name_of, "data", None) or R.nodes
    for key in (name_of if keys is None else keys):
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
