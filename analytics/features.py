"""Per-firm indicators of shell companies, computed on an exported graph — or marked unseen.

Each indicator is one a registry analyst uses (mass registration at one address, a nominee
legal rep, rotating officer sets, short life, capital subscribed but not paid in,
abnormal-operation listing, circular ownership, a shared phone; and, against them, being a
subsidiary in a group's tree) and comes with the evidence behind its value, so a score built
on them can say *why*.

An indicator whose input the store does not hold for a firm is **unavailable** (``NaN``),
never 0: a registry extract without paid-in capital says nothing about paid-in capital, and a
firm without a founding date has no batch. :func:`coverage` counts, per indicator, the firms
it could be computed for; the shell model (:mod:`.shell`) scores each firm on the indicators
it has.

One row per firm **entity**: a Company with registry facts (people, an address, a founding
date), keyed by USCC, stock code or name alike; the nodes entity resolution joined into one
firm count once, on the node holding the most facts. People are counted as resolved
entities, so one nominee recorded ten ways counts once. The fronting counts
(``rep_fronts_firms``, ``officer_fronts_firms``, ``shared_crew``) count firms by **business
group** (:func:`business_groups`): a group's director on the boards of thirty subsidiaries one
parent grew over the years fronts one business, where a nominee's thirty firms count thirty —
without paid-in capital the two looked alike. Firms a company holds collapse into one group
only when the group looks like a business grown over time and not a hollow set: its firms were
not founded in one batch and most are not hollow (capital unpaid, short-lived, listed
abnormal), so one holding company over a nominee's batch of shells leaves each shell counted.
The evidence states both counts (firms, and the groups they fall in).

Computed as joins and group-bys over the graph's columns (:mod:`.frames`): O(edges log edges),
plus, for ``shared_crew``, the pairs of firms that share a person (Σ over people of the square
of their firm count, for people in at most :data:`CREW_MAX_FIRMS` firms). The evidence is a
lazy mapping: a sentence is written only when asked for (the model asks for three per firm).
"""

from __future__ import annotations


import networkx as nx
import numpy as np
import pandas as pd

from creditgraph.analytics.evidence import UNAVAILABLE, Evidence
from creditgraph.analytics.frames import NO_DAY, GraphFrames, days, graph_frames
from creditgraph.analytics.kernels import component_labels, present
from creditgraph.roles import INDEPENDENT_DIRECTOR, has_role  # a professional director on many boards: no tie

__all__ = ["INDICATORS", "UNAVAILABLE", "CREW_MAX_FIRMS", "Evidence", "company_indicators", "coverage",
           "ownership_groups", "business_groups", "ALIVE_STATUSES"]

INDICATORS = ("firms_at_address", "registered_together", "same_rep_batch", "rep_fronts_firms", "officer_fronts_firms",
              "shared_crew", "short_life", "unpaid_capital", "group_subsidiary", "group_address", "abnormal_listings",
              "ownership_cycle", "firms_on_phone")
CREW_MAX_FIRMS = 200  # a nominee in hundreds of firms is counted by rep_fronts_firms, not as crew
_PEOPLE_EDGES = ("LEGAL_REP_OF", "OFFICER_OF", "SHAREHOLDER_OF")
_BATCH_DAYS = 90
_SHORT_LIFE_DAYS = 730
#: A business group grows over years: if more than this share of its dated firms were founded
#: within ±_BATCH_DAYS of one of them, it is a batch registration, not a group (none collapse).
_GROUP_BATCH_SHARE = 0.5
#: ... and if this share or more of the firms whose capital, life or listing is known are
#: hollow (capital ≥ 90 % unpaid, deregistered within two years, listed abnormal), nor is it.
_GROUP_HOLLOW_SHARE = 0.5
#: Registry statuses that say a firm is alive (a blank status with no deregistration date says nothing).
ALIVE_STATUSES = ("存续", "在业", "开业", "在营", "正常")  # a listing status (cxzt "L") is not one
_KEY_PREFERENCE = ("co:uscc:", "co:stock:")  # of one firm's nodes with equal facts, the registry key first


def _first_max(group: np.ndarray, value: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group, the row holding the largest value — the first such row in input order, as
    Python's ``max`` picks; -1 for a group with no rows."""
    order = np.lexsort((np.arange(len(group)), -value, group))
    first = np.full(n_groups, -1, dtype=np.int64)
    g = group[order]
    head = np.ones(len(g), dtype=bool)
    head[1:] = g[1:] != g[:-1]
    first[g[head]] = order[head]
    return first


def _money(values: np.ndarray) -> np.ndarray:
    """Amounts as floats, NaN where absent or not a number."""
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values.tolist()):
        if v is None or v == "":
            continue
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            pass
    return out


def coverage(X: pd.DataFrame) -> dict[str, float]:
    """Per indicator, the share of firms it could be computed for (0 with no firms)."""
    if X.empty:
        return {c: 0.0 for c in INDICATORS}
    return {c: round(float(X[c].notna().mean()), 4) for c in INDICATORS}


def _firm_nodes(fr: GraphFrames) -> tuple[np.ndarray, np.ndarray]:
    """The Company nodes that stand for registered firms — one per firm entity, the node with the
    most registry facts — and, for every node position, the firm row of its entity (-1: none)."""
    companies = fr.of_label("Company")
    facts = np.zeros(len(fr), dtype=np.int64)
    e = fr.edges_of(*_PEOPLE_EDGES)
    np.add.at(facts, e["v"].to_numpy(), 1)
    e = fr.edges_of("REGISTERED_AT", "HAS_PHONE")
    np.add.at(facts, e["u"].to_numpy(), 1)
    facts[companies] += np.array([1 if v else 0 for v in fr.attr("founded", companies)], dtype=np.int64)
    firms = companies[facts[companies] > 0]
    keys = fr.keys[firms]
    rank = np.full(len(firms), len(_KEY_PREFERENCE), dtype=np.int64)
    for i, prefix in reversed(list(enumerate(_KEY_PREFERENCE))):
        rank[pd.Series(keys, dtype=object).str.startswith(prefix).to_numpy(dtype=bool)] = i
    ent = fr.entity[firms]
    canonical = fr.entity_node[ent] == firms  # the node resolution named for the firm: rankings list that one
    # per entity: that node, most facts, key kind
    order = np.lexsort((keys.astype(str), rank, -facts[firms], ~canonical, ent))
    head = np.ones(len(order), dtype=bool)
    head[1:] = ent[order][1:] != ent[order][:-1]
    firms = np.sort(firms[order[head]])
    row_of_entity = np.full(len(fr.entities), -1, dtype=np.int64)
    row_of_entity[fr.entity[firms]] = np.arange(len(firms))
    return firms, row_of_entity[fr.entity]


def _pooled(fr: GraphFrames, name: str, firms: np.ndarray, row_of: np.ndarray) -> np.ndarray:
    """Property ``name`` of each firm row: the firm's own node's value, else the first one found
    on another node of its entity (a 失信 list's copy of the firm keeps no founding date)."""
    out = fr.attr(name, firms)
    missing = np.array([v is None or v == "" for v in out.tolist()], dtype=bool)
    if missing.any():
        others = np.flatnonzero(row_of >= 0)
        values = fr.attr(name, others)
        has = np.array([v is not None and v != "" for v in values.tolist()], dtype=bool)
        for node, v in zip(others[has].tolist(), values[has].tolist()):
            r = row_of[node]
            if missing[r]:
                out[r], missing[r] = v, False
    return out


def ownership_groups(fr: GraphFrames, firms: np.ndarray) -> np.ndarray:
    """Per firm row (``firms``: node positions), its ownership group: firms tied by companies'
    holdings — parent and subsidiary, siblings under one owning company, a whole tree — share a
    label; a firm no company holds and that holds no firm is a group of its own. Holdings inside
    a ring (a strongly connected set of cross-holdings) tie nothing: a ring is a shell's mark,
    not a group's tree. Counted on resolved entities, so an owner recorded twice ties its firms
    once. Weak components after strong ones, O(holdings)."""
    hold = fr.edges_of("SHAREHOLDER_OF")
    u, v = hold["u"].to_numpy(), hold["v"].to_numpy()
    by_company = fr.is_label(u, "Company")
    eu, ev = fr.entity[u[by_company]], fr.entity[v[by_company]]
    eu, ev = eu[eu != ev], ev[eu != ev]
    ef = fr.entity[firms]
    ids, rank = present(len(fr.entities), eu, ev, ef)
    ru, rv = rank[eu], rank[ev]
    scc = component_labels(len(ids), ru, rv, strong=True)
    tree = scc[ru] != scc[rv]
    return component_labels(len(ids), ru[tree], rv[tree])[rank[ef]]


def business_groups(group: np.ndarray, founded: np.ndarray, hollow: np.ndarray) -> np.ndarray:
    """Ownership groups (:func:`ownership_groups`, one label per firm row) kept only where they
    look like a business grown over time; every firm of any other group becomes a group of its
    own. ``founded``: day numbers (``NO_DAY`` unknown); ``hollow``: 1 hollow, 0 not, NaN unknown.

    A group is kept when at least two of its firms are dated, no ±``_BATCH_DAYS`` window around
    one of them holds more than ``_GROUP_BATCH_SHARE`` of its dated firms (one holding company
    over a nominee's batch of shells is a batch), and fewer than ``_GROUP_HOLLOW_SHARE`` of its
    firms with a known capital, life or listing are hollow. A group whose dates are unknown is
    not kept: counting firms is the cautious reading. O(firms log firms)."""
    n = len(group)
    size = np.bincount(group, minlength=group.max() + 1 if n else 0)
    dated = founded != NO_DAY
    n_dated = np.bincount(group[dated], minlength=len(size))
    busiest = np.zeros(len(size), dtype=np.int64)
    if dated.any():
        base = founded[dated].min()
        key = group[dated].astype(np.int64) * 10**7 + (founded[dated] - base)
        ordered = np.sort(key)
        window = np.searchsorted(ordered, key + _BATCH_DAYS, side="right") - np.searchsorted(ordered, key - _BATCH_DAYS)
        np.maximum.at(busiest, group[dated], window)
    known = ~np.isnan(hollow)
    n_known = np.bincount(group[known], minlength=len(size))
    n_hollow = np.bincount(group[known], weights=hollow[known], minlength=len(size))
    keep = (size >= 2) & (n_dated >= 2) & (busiest <= _GROUP_BATCH_SHARE * n_dated) \
        & ~((n_known > 0) & (n_hollow >= _GROUP_HOLLOW_SHARE * np.maximum(n_known, 1)))
    return np.where(keep[group], group, len(size) + np.arange(n))


def _distinct_per(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """For each value ``0..n-1`` of ``a``, the number of distinct ``b`` paired with it."""
    pairs = pd.DataFrame({"a": a, "b": b}).drop_duplicates()
    return np.bincount(pairs["a"].to_numpy(), minlength=n)


def company_indicators(G: nx.MultiDiGraph, *, frames: GraphFrames | None = None) -> tuple[pd.DataFrame, Evidence]:
    """One row per firm entity (see module doc): the :data:`INDICATORS`, ``NaN`` where unavailable;
    and per firm, per indicator, a sentence of evidence.

    ``frames``: :func:`~creditgraph.analytics.frames.graph_frames` of ``G``, when the caller
    already has it."""
    fr = frames if frames is not None else graph_frames(G)
    firms, row_of = _firm_nodes(fr)
    nf = len(firms)
    index = pd.Index(fr.keys[firms], dtype=object)
    founded_raw = _pooled(fr, "founded", firms, row_of)
    founded = days(founded_raw)
    has_founded = founded != NO_DAY
    dissolved_raw = _pooled(fr, "dissolved", firms, row_of)
    dissolved = days(dissolved_raw)

    # contacts: the firm's busiest registered address, its busiest phone (counted in firm entities)
    def contact(edge_type: str):
        e = fr.edges_of(edge_type)
        e = e[row_of[e["u"].to_numpy()] >= 0]
        pairs = pd.DataFrame({"f": row_of[e["u"].to_numpy()], "c": e["v"].to_numpy()}).drop_duplicates()
        return pairs["f"].to_numpy(), pairs["c"].to_numpy()

    af, av = contact("REGISTERED_AT")
    at_address = np.bincount(av, minlength=len(fr))
    addr_row = _first_max(af, at_address[av], nf)
    address = np.where(addr_row >= 0, av[np.maximum(addr_row, 0)], -1) if len(af) else np.full(nf, -1)
    firms_at_address = np.where(address >= 0, at_address[np.maximum(address, 0)], np.nan)
    # founded within _BATCH_DAYS of this firm, among the dated firms at its address (itself included)
    base = founded[has_founded].min() if has_founded.any() else 0
    dated = has_founded[af]
    key = av[dated].astype(np.int64) * 10**7 + (founded[af[dated]] - base)
    key.sort()
    mine = address.astype(np.int64) * 10**7 + np.where(has_founded, founded - base, 0)
    together = (np.searchsorted(key, mine + _BATCH_DAYS, side="right")
                - np.searchsorted(key, mine - _BATCH_DAYS)).astype(float)
    together[(address < 0) | ~has_founded] = np.nan
    # the same batch under one legal-rep name: counts firms, merges nobody (namesakes in one
    # batch at one address are what a nominee's registrations look like)
    rep_name = np.full(nf, None, dtype=object)
    lr = fr.edges_of("LEGAL_REP_OF")
    lr = lr[(row_of[lr["v"].to_numpy()] >= 0) & fr.is_label(lr["u"].to_numpy(), "Person")]
    if len(lr):
        at = lr["u"].to_numpy()
        names = [k or n for k, n in zip(fr.attr("name_key", at).tolist(), fr.attr("name", at).tolist())]
        rep_name[row_of[lr["v"].to_numpy()]] = names  # the last legal rep listed, where several are
    batch = np.full(nf, np.nan)
    ok = (address >= 0) & has_founded & np.array([bool(x) for x in rep_name.tolist()], dtype=bool)
    if ok.any():
        address_rep = pd.Series(address[ok].astype(str), dtype=object) + "|" + pd.Series(rep_name[ok], dtype=object)
        group = pd.factorize(address_rep)[0]
        gkey = group.astype(np.int64) * 10**7 + (founded[ok] - base)
        sorted_key = np.sort(gkey)
        batch[ok] = (np.searchsorted(sorted_key, gkey + _BATCH_DAYS, side="right")
                     - np.searchsorted(sorted_key, gkey - _BATCH_DAYS))
    pf, pv = contact("HAS_PHONE")
    on_phone = np.bincount(pv, minlength=len(fr))
    phone_mates = np.full(nf, np.nan)
    if len(pf):
        best = np.zeros(nf, dtype=np.int64)
        np.maximum.at(best, pf, on_phone[pv])
        phone_mates[best > 0] = best[best > 0]

    capital = _money(_pooled(fr, "registered_capital", firms, row_of))
    paid = _money(_pooled(fr, "paid_in_capital", firms, row_of))
    unpaid = np.full(nf, np.nan)
    known = ~np.isnan(capital) & ~np.isnan(paid) & (capital > 0)
    unpaid[known] = np.clip(1 - paid[known] / capital[known], 0, 1)

    # short life: deregistered within two years; known only where a date or an alive status says so
    status = np.array([str(s or "") for s in _pooled(fr, "status", firms, row_of)], dtype=object)
    alive = np.array([any(a in s for a in ALIVE_STATUSES) for s in status.tolist()], dtype=bool)
    gone = dissolved != NO_DAY
    short = np.where(gone, (dissolved - founded < _SHORT_LIFE_DAYS).astype(float), 0.0)
    short[~has_founded | (~gone & ~alive)] = np.nan

    if fr.of_label("AbnormalListing").size:  # the list was loaded: a firm not on it has no listing
        ab = fr.edges_of("LISTED_IN")
        ab = ab[(row_of[ab["u"].to_numpy()] >= 0) & fr.is_label(ab["v"].to_numpy(), "AbnormalListing")]
        abnormal = np.bincount(row_of[ab["u"].to_numpy()], minlength=nf).astype(float)
    else:
        abnormal = np.full(nf, np.nan)

    # people of each firm, as resolved entities
    pe = fr.edges_of(*_PEOPLE_EDGES)
    # people, and organisations holding a board seat (法人董事): both front firms
    seat = (pe["type"] == "OFFICER_OF").to_numpy() & fr.is_label(pe["u"].to_numpy(), "Company")
    pe = pe[(row_of[pe["v"].to_numpy()] >= 0) & (fr.is_label(pe["u"].to_numpy(), "Person") | seat)]
    officer = (pe["type"] == "OFFICER_OF").to_numpy()
    independent = np.zeros(len(pe), dtype=bool)
    posts = pd.Series(fr.edge_prop("role", pe["row"].to_numpy()[officer]), dtype=object).fillna("")
    is_independent = {p: has_role(p, INDEPENDENT_DIRECTOR) for p in posts.unique()}
    independent[officer] = posts.map(is_independent).to_numpy(dtype=bool)
    has_people = np.zeros(nf, dtype=bool)
    has_people[row_of[pe["v"].to_numpy()]] = True  # officers published, even if none counts below
    pe = pe[~independent]
    fp = pd.DataFrame({"f": row_of[pe["v"].to_numpy()], "p": fr.entity[pe["u"].to_numpy()],
                       "rep": (pe["type"] == "LEGAL_REP_OF").to_numpy()})
    ne = len(fr.entities)
    people = fp[["f", "p"]].drop_duplicates()
    reps = fp.loc[fp["rep"], ["f", "p"]].drop_duplicates()
    firms_of_person = np.bincount(people["p"].to_numpy(), minlength=ne)
    reps_of_person = np.bincount(reps["p"].to_numpy(), minlength=ne)
    # fronting counted in business groups (module doc): a group's director on the boards of its
    # subsidiaries runs one business; a nominee's firms, or a batch one company holds, count each
    hollow = np.fmax(np.fmax(np.where(np.isnan(unpaid), np.nan, (unpaid >= 0.9).astype(float)), short),
                     np.where(np.isnan(abnormal), np.nan, (abnormal > 0).astype(float)))
    group_of = business_groups(ownership_groups(fr, firms), founded, hollow)
    groups_of_person = _distinct_per(people["p"].to_numpy(), group_of[people["f"].to_numpy()], ne)
    rep_groups = _distinct_per(reps["p"].to_numpy(), group_of[reps["f"].to_numpy()], ne)
    rep_row = _first_max(reps["f"].to_numpy(), rep_groups[reps["p"].to_numpy()], nf)
    rep = np.where(rep_row >= 0, reps["p"].to_numpy()[np.maximum(rep_row, 0)], -1) if len(reps) else np.full(nf, -1)
    busy_row = _first_max(people["f"].to_numpy(), groups_of_person[people["p"].to_numpy()], nf)
    busiest = np.where(busy_row >= 0, people["p"].to_numpy()[np.maximum(busy_row, 0)], -1) if len(people) \
        else np.full(nf, -1)
    rep_fronts = np.where(rep >= 0, rep_groups[np.maximum(rep, 0)], np.nan)
    officer_fronts = np.where(busiest >= 0, groups_of_person[np.maximum(busiest, 0)], 0).astype(float)
    officer_fronts[~has_people] = np.nan
    rep_firms = np.where(rep >= 0, reps_of_person[np.maximum(rep, 0)], 0)  # the evidence's firm counts
    busy_firms = np.where(busiest >= 0, firms_of_person[np.maximum(busiest, 0)], 0)

    # shared crew: other firms sharing two or more people (people in ≤ CREW_MAX_FIRMS firms),
    # counted in business groups other than the firm's own
    crew = people[firms_of_person[people["p"].to_numpy()] <= CREW_MAX_FIRMS]
    pairs = crew.merge(crew, on="p", suffixes=("", "_g"))
    pairs = pairs[pairs["f"] != pairs["f_g"]]
    code = pairs["f"].to_numpy() * nf + pairs["f_g"].to_numpy()
    codes, n_shared = np.unique(code, return_counts=True)
    codes = codes[n_shared >= 2]
    crew_firms = np.bincount(codes // nf, minlength=nf)
    outside = group_of[codes // nf] != group_of[codes % nf]
    shared_crew = _distinct_per(codes[outside] // nf, group_of[codes[outside] % nf], nf).astype(float)
    shared_crew[~has_people] = np.nan
    in_group = np.bincount(group_of, minlength=group_of.max() + 1 if nf else 0)[group_of] > 1
    del pairs, code, codes, n_shared


    # ownership among firms: rings (strongly connected holdings) and group trees
    hold = fr.edges_of("SHAREHOLDER_OF")
    hu, hv = row_of[hold["u"].to_numpy()], row_of[hold["v"].to_numpy()]
    holders_published = np.zeros(nf, dtype=bool)
    holders_published[hv[hv >= 0]] = True
    both = (hu >= 0) & (hv >= 0) & (hu != hv)
    ring = np.zeros(nf, dtype=bool)
    subsidiary = np.zeros(nf, dtype=bool)
    parent = np.zeros(nf, dtype=bool)
    if both.any():
        scc = component_labels(nf, hu[both], hv[both], strong=True)
        ring = np.bincount(scc)[scc] > 1
        outside = scc[hu[both]] != scc[hv[both]]  # a holding that is not part of a ring
        subsidiary[hv[both][outside]] = True
        parent[hu[both][outside]] = True
    # an address most of whose firms sit in ownership trees is a group's HQ, not a nominee's batch
    in_tree = subsidiary | parent
    at = pd.DataFrame({"a": av, "tree": in_tree[af], "known": holders_published[af]})
    at = at[at["known"]].groupby("a")["tree"].agg(["sum", "size"])
    share = pd.Series(at["sum"] / at["size"]).reindex(address).to_numpy(dtype=float)
    group_address = np.where(address >= 0, share, np.nan)
    cycle = np.where(holders_published | ring, ring.astype(float), np.nan)
    group = np.where(holders_published, subsidiary.astype(float), np.nan)

    X = pd.DataFrame({
        "firms_at_address": firms_at_address, "registered_together": together, "same_rep_batch": batch,
        "rep_fronts_firms": rep_fronts,
        "officer_fronts_firms": officer_fronts, "shared_crew": shared_crew, "short_life": short,
        "unpaid_capital": unpaid, "group_subsidiary": group, "group_address": group_address,
        "abnormal_listings": abnormal,
        "ownership_cycle": cycle, "firms_on_phone": phone_mates,
    }, index=index, columns=list(INDICATORS), dtype=float)
    facts = {"address": address, "rep": rep, "busiest": busiest,
             "founded": np.array([str(v)[:10] for v in founded_raw], dtype=object),
             "dissolved": np.array([str(v)[:10] if v else None for v in dissolved_raw], dtype=object),
             "paid": paid, "capital": capital, "rep_name": rep_name,
             "rep_firms": rep_firms, "busy_firms": busy_firms, "crew_firms": crew_firms, "in_group": in_group}
    return X, Evidence(index, X, facts, fr, batch_days=_BATCH_DAYS)
