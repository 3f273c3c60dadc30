"""Per-firm indicators of shell companies, computed on an exported graph.

Each indicator is one a registry analyst uses (mass registration at one address, a nominee
legal rep, rotating officer sets, short life, zero paid-in vs inflated registered capital,
abnormal-operation listing, circular ownership, a shared phone) and comes with the evidence
behind its value, so a score built on them can say *why*. People are counted as resolved
entities (the ``resolved`` key entity resolution writes), so one nominee recorded ten ways
counts once. Linear in the size of the graph.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from statistics import median

import networkx as nx
import pandas as pd

__all__ = ["INDICATORS", "company_indicators"]

INDICATORS = ("firms_at_address", "registered_together", "rep_fronts_firms", "officer_fronts_firms",
              "shared_crew", "short_life", "zero_paid_in", "capital_vs_peers", "abnormal_listings",
              "ownership_cycle", "firms_on_phone")
_PEOPLE_EDGES = ("LEGAL_REP_OF", "OFFICER_OF", "SHAREHOLDER_OF")
_BATCH_DAYS = 90


def _date(v) -> dt.date | None:
    return dt.date.fromisoformat(str(v)[:10]) if v else None


def company_indicators(G: nx.MultiDiGraph) -> tuple[pd.DataFrame, dict[str, dict[str, str]]]:
    """One row per registered firm (USCC-keyed Company with a founding date): the
    :data:`INDICATORS`; and per firm, per indicator, a sentence of evidence."""
    label = nx.get_node_attributes(G, "label")
    resolved = lambda n: G.nodes[n].get("resolved") or n
    firms = [n for n, d in G.nodes(data=True) if d.get("label") == "Company" and d.get("founded")
             and n.startswith("co:uscc:")]
    at_address: dict[str, list[str]] = defaultdict(list)
    on_phone: dict[str, list[str]] = defaultdict(list)
    people_of: dict[str, dict[str, set[str]]] = {}
    firms_of_person: dict[str, set[str]] = defaultdict(set)
    reps_of_person: dict[str, set[str]] = defaultdict(set)
    for f in firms:
        roles: dict[str, set[str]] = defaultdict(set)
        for u, _, d in G.in_edges(f, data=True):
            if d["type"] in _PEOPLE_EDGES and label.get(u) == "Person":
                if d["type"] == "OFFICER_OF" and d.get("role") == "独立董事":
                    continue  # independent directors sit on many boards by profession
                p = resolved(u)
                roles[d["type"]].add(p)
                firms_of_person[p].add(f)
                if d["type"] == "LEGAL_REP_OF":
                    reps_of_person[p].add(f)
        people_of[f] = roles
        for _, v, d in G.out_edges(f, data=True):
            if d["type"] == "REGISTERED_AT":
                at_address[v].append(f)
            elif d["type"] == "HAS_PHONE":
                on_phone[v].append(f)
    capital = [G.nodes[f].get("registered_capital") for f in firms if G.nodes[f].get("registered_capital")]
    typical = median(capital) if capital else 1.0
    cycles = {n for scc in nx.strongly_connected_components(
        G.subgraph(firms).edge_subgraph([(u, v, k) for u, v, k, d in G.subgraph(firms).edges(keys=True, data=True)
                                         if d["type"] == "SHAREHOLDER_OF"]))
              if len(scc) > 1 for n in scc}
    rows, evidence = {}, {}
    for f in firms:
        d = G.nodes[f]
        founded, dissolved = _date(d.get("founded")), _date(d.get("dissolved"))
        addresses = [v for _, v, e in G.out_edges(f, data=True) if e["type"] == "REGISTERED_AT"]
        address = max(addresses, key=lambda a: len(at_address[a]), default=None)
        neighbours = at_address[address] if address else []
        together = [g for g in neighbours if (fd := _date(G.nodes[g].get("founded"))) and abs((fd - founded).days) <= _BATCH_DAYS]
        reps = people_of[f].get("LEGAL_REP_OF", set())
        rep = max(reps, key=lambda p: len(reps_of_person[p]), default=None)
        people = set().union(*people_of[f].values()) if people_of[f] else set()
        busiest = max(people, key=lambda p: len(firms_of_person[p]), default=None)
        crew: dict[str, int] = defaultdict(int)
        for p in people:
            if len(firms_of_person[p]) <= 200:  # a nominee in hundreds is counted by rep_fronts_firms
                for g in firms_of_person[p]:
                    crew[g] += 1
        shared_crew = [g for g, n in crew.items() if n >= 2 and g != f]
        phones = [v for _, v, e in G.out_edges(f, data=True) if e["type"] == "HAS_PHONE"]
        phone_mates = max((len(on_phone[v]) for v in phones), default=1)
        life = (dissolved - founded).days if dissolved and founded else None
        cap, paid = d.get("registered_capital"), d.get("paid_in_capital")
        abnormal = [v for _, v, e in G.out_edges(f, data=True) if e["type"] == "LISTED_IN" and label.get(v) == "AbnormalListing"]
        rows[f] = {
            "firms_at_address": len(neighbours), "registered_together": len(together),
            "rep_fronts_firms": len(reps_of_person[rep]) if rep else 0,
            "officer_fronts_firms": len(firms_of_person[busiest]) if busiest else 0,
            "shared_crew": len(shared_crew), "short_life": float(life is not None and life < 730),
            "zero_paid_in": float(paid == 0), "capital_vs_peers": math.log10(cap / typical) if cap else 0.0,
            "abnormal_listings": len(abnormal), "ownership_cycle": float(f in cycles), "firms_on_phone": phone_mates,
        }
        evidence[f] = {
            "firms_at_address": f"{len(neighbours)} firms registered at {G.nodes[address].get('text') if address else '—'}",
            "registered_together": f"{len(together)} of them founded within {_BATCH_DAYS} days of this one",
            "rep_fronts_firms": f"legal rep {G.nodes[rep].get('name') if rep in G else rep} is legal rep of "
                                f"{len(reps_of_person[rep]) if rep else 0} firms",
            "officer_fronts_firms": f"{G.nodes[busiest].get('name') if busiest in G else busiest} holds posts in "
                                    f"{len(firms_of_person[busiest]) if busiest else 0} firms",
            "shared_crew": f"{len(shared_crew)} other firms share two or more of its people",
            "short_life": f"founded {founded}, dissolved {dissolved}" if dissolved else f"founded {founded}, active",
            "zero_paid_in": f"paid-in {paid} of registered {cap}",
            "capital_vs_peers": f"registered capital {cap} vs median {typical}",
            "abnormal_listings": f"{len(abnormal)} abnormal-operation listings",
            "ownership_cycle": "in a ring of cross-holdings" if f in cycles else "no ownership ring",
            "firms_on_phone": f"{phone_mates} firms give the same phone",
        }
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(INDICATORS)), evidence
