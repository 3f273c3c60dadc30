"""Clusters of related firms, each with a risk summary.

Firms are related when they share a resolved person (legal rep, officer or shareholder; not
an independent director), one holds the other, or they give the same phone or address — as
long as that phone or address is shared by at most :data:`MAX_SHARED_CONTACT` firms (an office
tower or a registration agent relates nobody). Clusters are the connected components of that
firm graph; components larger than :data:`SPLIT_ABOVE` are split into communities by modularity
(Leiden, the refinement of Louvain).
Each cluster reports its members, dishonest share, shared addresses and key persons.

The firm graph is built as edge arrays from the graph's columns (:mod:`.frames`); components
run on SciPy's csgraph and Leiden on igraph (:mod:`.kernels`), O(edges) and near-linear.
:func:`firm_graph` still hands out the firm graph as a NetworkX graph for callers that want one.
"""

from __future__ import annotations

from collections import Counter

import networkx as nx
import numpy as np
import pandas as pd

from creditgraph.analytics.frames import GraphFrames, graph_frames
from creditgraph.analytics.kernels import community_labels, component_labels, present
from creditgraph.roles import INDEPENDENT_DIRECTOR, has_role

__all__ = ["MAX_SHARED_CONTACT", "SPLIT_ABOVE", "LEIDEN_UNTIL_STABLE", "FirmGraph", "firm_edges", "firm_graph",
           "firm_clusters"]

MAX_SHARED_CONTACT = 20
SPLIT_ABOVE = 50
#: Components up to this many firms are split by Leiden iterated until stable; bigger ones get
#: igraph's default two iterations. On the 568,135-firm component of the 1M city, two
#: iterations took 4.8 s for modularity 0.859, until-stable 200 s for 0.864 (igraph's Louvain:
#: 49 s, 0.858); the 100k city's 11 components above SPLIT_ABOVE (14,866 firms) took 0.18 s in all.
LEIDEN_UNTIL_STABLE = 50_000
_PEOPLE = ("LEGAL_REP_OF", "OFFICER_OF", "SHAREHOLDER_OF")


def _path_edges(group: np.ndarray, member: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows (group, member) sorted by group: consecutive members of each group — a path
    links them all, which is enough for components."""
    same = group[1:] == group[:-1]
    return member[:-1][same], member[1:][same]


def _distinct_pairs(x: np.ndarray, y: np.ndarray, ny: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct pairs (x, y), sorted by x then y, for ints ``y < ny``: one sort of int64
    codes (pandas' drop_duplicates + sort_values took 3 s at 1M firms)."""
    code = np.sort(np.asarray(x, dtype=np.int64) * ny + np.asarray(y, dtype=np.int64))
    code = code[np.r_[True, code[1:] != code[:-1]]] if len(code) else code
    return code // ny, code % ny


class FirmGraph:
    """The firm graph as arrays: ``firms`` (entity indexes of the nodes ``0..n-1``), undirected
    edges ``a``–``b`` (node numbers, each pair once), ``via`` of each edge (an entity index of
    the linking person, ``-1 - position`` of a contact node, or ``-1 - len(frames)`` for a
    holding) and ``linkers`` (firm node, person entity, ties: the person's other firms)."""

    def __init__(self, firms: np.ndarray, a: np.ndarray, b: np.ndarray, via: np.ndarray, linkers: pd.DataFrame):
        self.firms, self.a, self.b, self.via, self.linkers = firms, a, b, via, linkers


def firm_edges(G: nx.MultiDiGraph, *, frames: GraphFrames | None = None) -> FirmGraph:
    """Firm entities linked by shared people, holdings and rare contacts, as arrays."""
    fr = frames if frames is not None else graph_frames(G)
    e = fr.edges_of(*_PEOPLE)
    u, v = e["u"].to_numpy(), e["v"].to_numpy()
    to_firm = fr.is_label(v, "Company")
    person = to_firm & fr.is_label(u, "Person")
    officer = person & (e["type"] == "OFFICER_OF").to_numpy()
    posts = pd.Series(fr.edge_prop("role", e["row"].to_numpy()[officer]), dtype=object).fillna("")
    person[officer] = ~posts.map({p: has_role(p, INDEPENDENT_DIRECTOR) for p in posts.unique()}).to_numpy(dtype=bool)
    bp_p, bp_f = _distinct_pairs(fr.entity[u[person]], fr.entity[v[person]], len(fr.entities))
    holding = to_firm & fr.is_label(u, "Company")
    hu, hv = fr.entity[u[holding]], fr.entity[v[holding]]
    hu, hv = hu[hu != hv], hv[hu != hv]
    c = fr.edges_of("HAS_PHONE", "REGISTERED_AT")
    cu = c["u"].to_numpy()
    co = fr.is_label(cu, "Company")
    bc_c, bc_f = _distinct_pairs(c["v"].to_numpy()[co], fr.entity[cu[co]], len(fr.entities))
    size = np.bincount(bc_c, minlength=len(fr))[bc_c]
    rare = (size > 1) & (size <= MAX_SHARED_CONTACT)
    bc_c, bc_f = bc_c[rare], bc_f[rare]

    companies = fr.of_label("Company")
    registered = companies[np.array([bool(x) for x in fr.attr("founded", companies)], dtype=bool)]
    firms, rank = present(len(fr.entities), fr.entity[registered], bp_f, hu, hv, bc_f)
    node = lambda ents: rank[ents]

    pa, pb = _path_edges(bp_p, bp_f)
    pvia = bp_p[:-1][bp_p[1:] == bp_p[:-1]]
    ca, cb = _path_edges(bc_c, bc_f)
    cvia = -1 - bc_c[:-1][bc_c[1:] == bc_c[:-1]]
    a = node(np.concatenate([hu, pa, ca]))
    b = node(np.concatenate([hv, pb, cb]))
    via = np.concatenate([np.full(len(hu), -1 - len(fr), dtype=np.int64), pvia, cvia])
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    _, first = np.unique(lo * len(firms) + hi, return_index=True)  # a simple graph: each pair once
    first.sort()
    n_firms = np.bincount(bp_p, minlength=len(fr.entities))[bp_p]
    linkers = pd.DataFrame({"f": node(bp_f), "p": bp_p, "ties": n_firms - 1})
    return FirmGraph(firms, lo[first], hi[first], via[first], linkers)


def firm_graph(G: nx.MultiDiGraph, *, frames: GraphFrames | None = None) -> tuple[nx.Graph, dict[str, Counter]]:
    """Firm entities linked by shared people, holdings and rare contacts (edge attribute
    ``via``: the person, contact or ``"holding"``); and per firm the people (entity → number
    of ties) that link it."""
    fr = frames if frames is not None else graph_frames(G)
    fg = firm_edges(G, frames=fr)
    key = fr.entities[fg.firms]
    F = nx.Graph()
    F.add_nodes_from(key)
    for a, b, w in zip(fg.a, fg.b, fg.via):
        via = "holding" if w == -1 - len(fr) else fr.entities[w] if w >= 0 else fr.keys[-1 - w]
        F.add_edge(key[a], key[b], via=via)
    linkers: dict[str, Counter] = {}
    for f, p, t in fg.linkers.itertuples(index=False):
        linkers.setdefault(key[f], Counter())[fr.entities[p]] += int(t)
    return F, linkers


def firm_clusters(G: nx.MultiDiGraph, *, dishonest: set[str] | None = None, seed: int = 0,
                  min_size: int = 2, frames: GraphFrames | None = None, by_id: bool = False) -> pd.DataFrame:
    """One row per cluster of at least ``min_size`` firms, riskiest (dishonest share) first;
    ``members`` and ``dishonest_members`` list entity keys, with ``by_id`` entity ids (positions
    in ``frames.entities``, as the write-back wants them).

    ``frames``: :func:`~creditgraph.analytics.frames.graph_frames` of ``G``, when the caller has it."""
    fr = frames if frames is not None else graph_frames(G)
    fg = firm_edges(G, frames=fr)
    n = len(fg.firms)
    comp = component_labels(n, fg.a, fg.b)
    comp_size = np.bincount(comp, minlength=n)
    group = np.where(comp_size[comp] >= min_size, comp, -1).astype(np.int64)
    # components above SPLIT_ABOVE: their communities, numbered after the components
    big = np.flatnonzero(comp_size > SPLIT_ABOVE)
    if len(big):
        in_big = comp_size[comp[fg.a]] > SPLIT_ABOVE
        ea, eb = fg.a[in_big], fg.b[in_big]
        order = np.argsort(comp[ea], kind="stable")
        ea, eb = ea[order], eb[order]
        cuts = np.searchsorted(comp[ea], big)
        ends = np.append(cuts[1:], len(ea))
        nodes_by_comp = np.argsort(comp, kind="stable")
        starts = np.searchsorted(comp[nodes_by_comp], big)
        local = np.empty(n, dtype=np.int64)  # a node's number inside its component
        local[nodes_by_comp] = np.arange(n) - np.repeat(np.cumsum(comp_size) - comp_size, comp_size)
        next_label = n
        for c, s, t, ns in zip(big, cuts, ends, starts):
            members = nodes_by_comp[ns:ns + comp_size[c]]
            labels = community_labels(len(members), local[ea[s:t]], local[eb[s:t]], seed=seed,
                                      n_iterations=-1 if len(members) <= LEIDEN_UNTIL_STABLE else 2)
            group[members] = next_label + labels
            next_label += labels.max() + 1
        gsize = np.bincount(group[group >= 0])
        group[(group >= 0) & (gsize[np.maximum(group, 0)] < min_size)] = -1
    if dishonest is None:
        li = fr.edges_of("LISTED_IN")
        lu, lv = li["u"].to_numpy(), li["v"].to_numpy()
        bad = np.unique(fr.entity[lu[fr.is_label(lu, "Company") & fr.is_label(lv, "DishonestRecord")]])
    else:
        bad = np.flatnonzero(pd.Index(fr.entities, dtype=object).isin(list(dishonest)))
    in_group = np.flatnonzero(group >= 0)
    if not len(in_group):
        return pd.DataFrame()
    member_rows = pd.DataFrame({"g": group[in_group],
                                "key": fg.firms[in_group] if by_id else fr.entities[fg.firms[in_group]],
                                "bad": np.isin(fg.firms[in_group], bad)}).sort_values(["g", "key"])
    # key persons: the people with the most ties inside the cluster
    lk = fg.linkers.assign(g=group[fg.linkers["f"].to_numpy()])
    lk = lk[lk["g"] >= 0].groupby(["g", "p"], as_index=False)[["ties"]].sum()
    lk = lk.sort_values(["g", "ties", "p"], ascending=[True, False, True]).groupby("g").head(3)
    people = lk["p"].to_numpy()
    node = fr.entity_node[people]
    names_at = np.where(node >= 0, fr.attr("name", np.maximum(node, 0)), np.array(None))
    names = [fr.entities[p] if n is None else n for p, n in zip(people.tolist(), names_at.tolist())]
    key_persons = _by_group(lk["g"], [(n, int(t)) for n, t in zip(names, lk["ties"])])
    # shared addresses: where two or more members are registered
    node_group = np.full(len(fr), -1, dtype=np.int64)
    at_node = fr.entity_node[fg.firms[in_group]]
    node_group[at_node[at_node >= 0]] = group[in_group][at_node >= 0]
    ra = fr.edges_of("REGISTERED_AT")
    ra = pd.DataFrame({"g": node_group[ra["u"].to_numpy()], "a": ra["v"].to_numpy()})
    ra = ra[ra["g"] >= 0].value_counts().rename("n").reset_index()
    ra = ra[ra["n"] > 1].sort_values(["g", "n", "a"], ascending=[True, False, True]).groupby("g").head(2)
    shared = _by_group(ra["g"], list(zip(fr.attr("text", ra["a"].to_numpy()).tolist(), ra["n"].astype(int).tolist())))
    g = member_rows["g"].to_numpy()
    cuts = np.flatnonzero(g[1:] != g[:-1]) + 1
    rows = []
    for gid, keys, is_bad in zip(g[np.r_[0, cuts]], np.split(member_rows["key"].to_numpy(), cuts),
                                 np.split(member_rows["bad"].to_numpy(), cuts)):
        bad_keys = keys[is_bad].tolist()
        rows.append({"size": len(keys), "dishonest": len(bad_keys),
                     "dishonest_share": round(len(bad_keys) / len(keys), 4),
                     "key_persons": key_persons.get(gid, []), "shared_addresses": shared.get(gid, []),
                     "members": keys.tolist(), "dishonest_members": bad_keys})
    df = pd.DataFrame(rows)
    ranked = df.sort_values(["dishonest", "dishonest_share", "size"], ascending=False, kind="stable")
    return ranked.reset_index(drop=True)


def _by_group(group: pd.Series, items: list) -> dict[int, list]:
    """Items (in group order) collected per group."""
    out: dict[int, list] = {}
    for g, item in zip(group.tolist(), items):
        out.setdefault(g, []).append(item)
    return out
