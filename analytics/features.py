"""Per-firm indicators of shell companies, computed on an exported graph.

Each indicator is one a registry analyst uses (mass registration at one address, a nominee
legal rep, rotating officer sets, short life, zero paid-in vs inflated registered capital,
abnormal-operation listing, circular ownership, a shared phone) and comes with the evidence
behind its value, so a score built on them can say *why*. People are counted as resolved
entities (the ``resolved`` key entity resolution writes), so one nominee recorded ten ways
counts once.

Computed as joins and group-bys over the graph's columns (:mod:`.frames`): O(edges log edges),
plus, for ``shared_crew``, the pairs of firms that share a person (Σ over people of the square
of their firm count, for people in at most :data:`CREW_MAX_FIRMS` firms). The evidence is a
lazy mapping: a sentence is written only when asked for (the model asks for three per firm).
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx
import numpy as np
import pandas as pd

from creditgraph.analytics.frames import NO_DAY, GraphFrames, days, graph_frames
from creditgraph.analytics.kernels import component_labels

__all__ = ["INDICATORS", "CREW_MAX_FIRMS", "Evidence", "company_indicators"]

INDICATORS = ("firms_at_address", "registered_together", "rep_fronts_firms", "officer_fronts_firms",
              "shared_crew", "short_life", "zero_paid_in", "capital_vs_peers", "abnormal_listings",
              "ownership_cycle", "firms_on_phone")
CREW_MAX_FIRMS = 200  # a nominee in hundreds of firms is counted by rep_fronts_firms, not as crew
_PEOPLE_EDGES = ("LEGAL_REP_OF", "OFFICER_OF", "SHAREHOLDER_OF")
_INDEPENDENT_DIRECTOR = "独立董事"  # sits on many boards by profession: not a tie between firms
_BATCH_DAYS = 90


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


class Evidence(Mapping):
    """firm → indicator → a sentence of evidence, written on first read (the mapping
    :func:`company_indicators` returns; behaves as ``dict[str, dict[str, str]]``)."""

    def __init__(self, index: pd.Index, X: pd.DataFrame, facts: dict[str, np.ndarray], frames: GraphFrames,
                 typical: float) -> None:
        self._index, self._facts, self._frames, self._typical = index, facts, frames, typical
        self._values = {c: X[c].to_numpy() for c in X.columns}  # plain arrays: one read per sentence

    @property
    def index(self) -> pd.Index:
        """The firms, in the row order of the indicator frame."""
        return self._index

    def __getitem__(self, firm: str) -> Mapping[str, str]:
        return _FirmEvidence(self, self._index.get_loc(firm))

    def __iter__(self):
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def _names(self, entities: list[int]) -> list[str]:
        fr = self._frames
        e = np.asarray(entities, dtype=np.int64)
        node = np.where(e >= 0, fr.entity_node[np.maximum(e, 0)], -1)
        names = fr.attr("name", np.maximum(node, 0)).tolist()
        return ["—" if i < 0 else names[j] if n >= 0 else fr.entities[i]
                for j, (i, n) in enumerate(zip(e.tolist(), node.tolist()))]

    def sentence(self, i: int, indicator: str) -> str:
        """The evidence of firm row ``i`` for ``indicator``."""
        return self.sentences(np.array([i]), indicator)[0]

    def sentences(self, rows: np.ndarray, indicator: str) -> list[str]:
        """The evidence of the firm rows ``rows`` for ``indicator``, one list comprehension."""
        f = self._facts
        n = self._values[indicator][rows].tolist() if indicator in self._values else None
        if indicator == "firms_at_address":
            at = np.asarray(f["address"][rows], dtype=np.int64)
            text = self._frames.attr("text", np.maximum(at, 0)).tolist()
            return [f"{int(k)} firms registered at {t if a >= 0 else '—'}" for k, a, t in zip(n, at.tolist(), text)]
        if indicator == "registered_together":
            return [f"{int(k)} of them founded within {_BATCH_DAYS} days of this one" for k in n]
        if indicator == "rep_fronts_firms":
            return [f"legal rep {p} is legal rep of {int(k)} firms" for k, p in zip(n, self._names(f["rep"][rows].tolist()))]
        if indicator == "officer_fronts_firms":
            return [f"{p} holds posts in {int(k)} firms" for k, p in zip(n, self._names(f["busiest"][rows].tolist()))]
        if indicator == "shared_crew":
            return [f"{int(k)} other firms share two or more of its people" for k in n]
        if indicator == "short_life":
            return [f"founded {a}, dissolved {b}" if b else f"founded {a}, active"
                    for a, b in zip(f["founded"][rows].tolist(), f["dissolved"][rows].tolist())]
        if indicator == "zero_paid_in":
            return [f"paid-in {p} of registered {c}" for p, c in zip(f["paid"][rows].tolist(), f["capital"][rows].tolist())]
        if indicator == "capital_vs_peers":
            return [f"registered capital {c} vs median {self._typical}" for c in f["capital"][rows].tolist()]
        if indicator == "abnormal_listings":
            return [f"{int(k)} abnormal-operation listings" for k in n]
        if indicator == "ownership_cycle":
            return ["in a ring of cross-holdings" if k else "no ownership ring" for k in n]
        if indicator == "firms_on_phone":
            return [f"{int(k)} firms give the same phone" for k in n]
        raise KeyError(indicator)


class _FirmEvidence(Mapping):
    def __init__(self, evidence: Evidence, i: int) -> None:
        self._evidence, self._i = evidence, i

    def __getitem__(self, indicator: str) -> str:
        return self._evidence.sentence(self._i, indicator)

    def __iter__(self):
        return iter(INDICATORS)

    def __len__(self) -> int:
        return len(INDICATORS)


def company_indicators(G: nx.MultiDiGraph, *, frames: GraphFrames | None = None) -> tuple[pd.DataFrame, Evidence]:
    """One row per registered firm (USCC-keyed Company with a founding date): the
    :data:`INDICATORS`; and per firm, per indicator, a sentence of evidence.

    ``frames``: :func:`~creditgraph.analytics.frames.graph_frames` of ``G``, when the caller
    already has it."""
    fr = frames if frames is not None else graph_frames(G)
    companies = fr.of_label("Company")
    founded_raw = fr.attr("founded", companies)
    keep = np.array([bool(v) for v in founded_raw], dtype=bool) & \
        pd.Series(fr.keys[companies], dtype=object).str.startswith("co:uscc:").to_numpy(dtype=bool)
    firms, founded_raw = companies[keep], founded_raw[keep]
    nf = len(firms)
    index = pd.Index(fr.keys[firms], dtype=object)
    row_of = np.full(len(fr), -1, dtype=np.int64)
    row_of[firms] = np.arange(nf)
    founded = days(founded_raw)
    dissolved_raw = fr.attr("dissolved", firms)
    dissolved = days(dissolved_raw)

    # people of each firm, as resolved entities
    pe = fr.edges_of(*_PEOPLE_EDGES)
    pe = pe[(row_of[pe["v"].to_numpy()] >= 0) & fr.is_label(pe["u"].to_numpy(), "Person")]
    officer = (pe["type"] == "OFFICER_OF").to_numpy()
    independent = np.zeros(len(pe), dtype=bool)
    independent[officer] = fr.edge_prop("role", pe["row"].to_numpy()[officer]) == _INDEPENDENT_DIRECTOR
    pe = pe[~independent]
    fp = pd.DataFrame({"f": row_of[pe["v"].to_numpy()], "p": fr.entity[pe["u"].to_numpy()],
                       "rep": (pe["type"] == "LEGAL_REP_OF").to_numpy()})
    ne = len(fr.entities)
    people = fp[["f", "p"]].drop_duplicates()
    reps = fp.loc[fp["rep"], ["f", "p"]].drop_duplicates()
    firms_of_person = np.bincount(people["p"].to_numpy(), minlength=ne)
    reps_of_person = np.bincount(reps["p"].to_numpy(), minlength=ne)
    rep_row = _first_max(reps["f"].to_numpy(), reps_of_person[reps["p"].to_numpy()], nf)
    rep = np.where(rep_row >= 0, reps["p"].to_numpy()[np.maximum(rep_row, 0)], -1) if len(reps) else np.full(nf, -1)
    busy_row = _first_max(people["f"].to_numpy(), firms_of_person[people["p"].to_numpy()], nf)
    busiest = np.where(busy_row >= 0, people["p"].to_numpy()[np.maximum(busy_row, 0)], -1) if len(people) \
        else np.full(nf, -1)
    rep_fronts = np.where(rep >= 0, reps_of_person[np.maximum(rep, 0)], 0)
    officer_fronts = np.where(busiest >= 0, firms_of_person[np.maximum(busiest, 0)], 0)

    # shared crew: other firms sharing two or more people (people in ≤ CREW_MAX_FIRMS firms)
    crew = people[firms_of_person[people["p"].to_numpy()] <= CREW_MAX_FIRMS]
    pairs = crew.merge(crew, on="p", suffixes=("", "_g"))
    pairs = pairs[pairs["f"] != pairs["f_g"]]
    code = pairs["f"].to_numpy() * nf + pairs["f_g"].to_numpy()
    codes, n_shared = np.unique(code, return_counts=True)
    shared_crew = np.bincount(codes[n_shared >= 2] // nf, minlength=nf)
    del pairs, code, codes, n_shared

    # contacts: the firm's busiest registered address, its busiest phone
    def contact(edge_type: str):
        e = fr.edges_of(edge_type)
        e = e[row_of[e["u"].to_numpy()] >= 0]
        return row_of[e["u"].to_numpy()], e["v"].to_numpy()

    af, av = contact("REGISTERED_AT")
    at_address = np.bincount(av, minlength=len(fr))
    addr_row = _first_max(af, at_address[av], nf)
    address = np.where(addr_row >= 0, av[np.maximum(addr_row, 0)], -1) if len(af) else np.full(nf, -1)
    firms_at_address = np.where(address >= 0, at_address[np.maximum(address, 0)], 0)
    # founded within _BATCH_DAYS of this firm, among all firms at its address (itself included)
    key = av.astype(np.int64) * 10**7 + (founded[af] - founded.min() if nf else 0)
    key.sort()
    mine = address.astype(np.int64) * 10**7 + (founded - founded.min() if nf else 0)
    together = np.searchsorted(key, mine + _BATCH_DAYS, side="right") - np.searchsorted(key, mine - _BATCH_DAYS)
    together = np.where(address >= 0, together, 0)
    pf, pv = contact("HAS_PHONE")
    on_phone = np.bincount(pv, minlength=len(fr))
    phone_mates = np.ones(nf, dtype=np.int64)
    if len(pf):
        np.maximum.at(phone_mates, pf, on_phone[pv])

    capital = fr.attr("registered_capital", firms)
    paid = fr.attr("paid_in_capital", firms)
    cap = np.array([float(c) if c else 0.0 for c in capital])
    typical = float(np.median(cap[cap != 0])) if (cap != 0).any() else 1.0
    vs_peers = np.zeros(nf)
    vs_peers[cap > 0] = np.log10(cap[cap > 0] / typical)

    ab = fr.edges_of("LISTED_IN")
    ab = ab[(row_of[ab["u"].to_numpy()] >= 0) & fr.is_label(ab["v"].to_numpy(), "AbnormalListing")]
    abnormal = np.bincount(row_of[ab["u"].to_numpy()], minlength=nf)

    # ownership rings: strongly connected holdings among firms
    hold = fr.edges_of("SHAREHOLDER_OF")
    hu, hv = row_of[hold["u"].to_numpy()], row_of[hold["v"].to_numpy()]
    both = (hu >= 0) & (hv >= 0)
    ring = np.zeros(nf, dtype=bool)
    if both.any():
        scc = component_labels(nf, hu[both], hv[both], strong=True)
        ring = np.bincount(scc)[scc] > 1

    life = np.where(dissolved != NO_DAY, dissolved - founded, np.iinfo(np.int64).max)
    X = pd.DataFrame({
        "firms_at_address": firms_at_address, "registered_together": together, "rep_fronts_firms": rep_fronts,
        "officer_fronts_firms": officer_fronts, "shared_crew": shared_crew,
        "short_life": (life < 730).astype(float), "zero_paid_in": (paid == 0).astype(float),
        "capital_vs_peers": vs_peers, "abnormal_listings": abnormal, "ownership_cycle": ring.astype(float),
        "firms_on_phone": phone_mates,
    }, index=index, columns=list(INDICATORS))
    facts = {"address": address, "rep": rep, "busiest": busiest,
             "founded": np.array([str(v)[:10] for v in founded_raw], dtype=object),
             "dissolved": np.array([str(v)[:10] if v else None for v in dissolved_raw], dtype=object),
             "paid": paid, "capital": capital}
    return X, Evidence(index, X, facts, fr, typical)
