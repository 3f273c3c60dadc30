"""Clusters of related firms, each with a risk summary.

Firms are related when they share a resolved person (legal rep, officer or shareholder; not
an independent director), one holds the other, or they give the same phone or address — as
long as that phone or address is shared by at most :data:`MAX_SHARED_CONTACT` firms (an office
tower or a registration agent relates nobody). Clusters are the connected components of that
firm graph; components larger than :data:`SPLIT_ABOVE` are split into Louvain communities.
Each cluster reports its members, dishonest share, shared addresses and key persons.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import networkx as nx
import pandas as pd

__all__ = ["MAX_SHARED_CONTACT", "SPLIT_ABOVE", "firm_graph", "firm_clusters"]

MAX_SHARED_CONTACT = 20
SPLIT_ABOVE = 50
_PEOPLE = ("LEGAL_REP_OF", "OFFICER_OF", "SHAREHOLDER_OF")


def firm_graph(G: nx.MultiDiGraph) -> tuple[nx.Graph, dict[str, Counter]]:
    """Firm entities linked by shared people, holdings and rare contacts; and per firm the
    people (entity → number of ties) that link it."""
    label = nx.get_node_attributes(G, "label")
    ent = lambda n: G.nodes[n].get("resolved") or n
    F = nx.Graph()
    by_person: dict[str, set[str]] = defaultdict(set)
    by_contact: dict[str, set[str]] = defaultdict(set)
    for u, v, d in G.edges(data=True):
        t = d["type"]
        if label.get(v) == "Company" and t in _PEOPLE:
            if label.get(u) == "Person" and not (t == "OFFICER_OF" and d.get("role") == "独立董事"):
                by_person[ent(u)].add(ent(v))
            elif label.get(u) == "Company" and ent(u) != ent(v):
                F.add_edge(ent(u), ent(v), via="holding")
        elif t in ("HAS_PHONE", "REGISTERED_AT") and label.get(u) == "Company":
            by_contact[v].add(ent(u))
    for n, d in G.nodes(data=True):
        if d.get("label") == "Company" and d.get("founded"):
            F.add_node(ent(n))
    linkers: dict[str, Counter] = defaultdict(Counter)
    for p, firms in by_person.items():
        firms = sorted(firms)
        for f in firms:
            linkers[f][p] += len(firms) - 1
        for a, b in zip(firms, firms[1:]):  # a path links them all; enough for components
            F.add_edge(a, b, via=p)
    for c, firms in by_contact.items():
        if 1 < len(firms) <= MAX_SHARED_CONTACT:
            firms = sorted(firms)
            for a, b in zip(firms, firms[1:]):
                F.add_edge(a, b, via=c)
    return F, linkers


def firm_clusters(G: nx.MultiDiGraph, *, dishonest: set[str] | None = None, seed: int = 0,
                  min_size: int = 2) -> pd.DataFrame:
    """One row per cluster of at least ``min_size`` firms, riskiest (dishonest share) first."""
    label = nx.get_node_attributes(G, "label")
    ent = lambda n: G.nodes[n].get("resolved") or n
    if dishonest is None:
        dishonest = {ent(u) for u, v, d in G.edges(data=True)
                     if d["type"] == "LISTED_IN" and label.get(v) == "DishonestRecord" and label.get(u) == "Company"}
    F, linkers = firm_graph(G)
    groups = []
    for comp in nx.connected_components(F):
        if len(comp) > SPLIT_ABOVE:
            groups += nx.community.louvain_communities(F.subgraph(comp), seed=seed)
        elif len(comp) >= min_size:
            groups.append(comp)
    name = lambda k: G.nodes[k].get("name", k) if k in G else k
    rows = []
    for members in groups:
        if len(members) < min_size:
            continue
        people = Counter()
        for f in members:
            people.update(linkers[f])
        contacts = Counter(v for f in members for _, v, d in G.out_edges(f, data=True) if d["type"] == "REGISTERED_AT")
        bad = sorted(f for f in members if f in dishonest)
        rows.append({"size": len(members), "dishonest": len(bad), "dishonest_share": round(len(bad) / len(members), 4),
                     "key_persons": [(name(p), n) for p, n in people.most_common(3)],
                     "shared_addresses": [(G.nodes[a].get("text"), n) for a, n in contacts.most_common(2) if n > 1],
                     "members": sorted(members), "dishonest_members": bad})
    df = pd.DataFrame(rows)
    return df.sort_values(["dishonest", "dishonest_share", "size"], ascending=False).reset_index(drop=True) if rows else df
