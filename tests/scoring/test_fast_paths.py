"""The fast paths answer what NetworkX answers: components, strong components, personalised
PageRank and communities (as good as Louvain's) on small graphs; and the column-based scorers give, on hand-built
graphs, the values an analyst would count by hand."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from creditgraph.analytics import kernels
from creditgraph.analytics.hiding_ranking import hiding_firm_ranking
from creditgraph.analytics.frames import NO_DAY, days, graph_frames


def _canon(parts) -> list[list]:
    return sorted(sorted(p) for p in parts)


@pytest.mark.parametrize("seed", range(5))
def test_connected_components_equal_networkx(seed):
    G = nx.gnp_random_graph(200, 0.008, seed=seed)
    G.add_nodes_from(["isolated", ("a", 1)])
    assert _canon(map(lambda c: map(str, c), kernels.connected_components(G))) == \
        _canon(map(lambda c: map(str, c), nx.connected_components(G)))


@pytest.mark.parametrize("seed", range(5))
def test_strongly_connected_components_equal_networkx(seed):
    G = nx.gnp_random_graph(150, 0.012, seed=seed, directed=True)
    G.add_edge(7, 7)  # a self-loop is not a ring
    assert _canon(kernels.strongly_connected_components(G)) == _canon(nx.strongly_connected_components(G))
    with pytest.raises(nx.NetworkXNotImplemented):
        list(kernels.strongly_connected_components(G.to_undirected()))


@pytest.mark.parametrize("directed", [False, True])
def test_personalised_pagerank_equals_networkx(directed):
    rng = np.random.default_rng(3)
    G = nx.gnp_random_graph(120, 0.03, seed=3, directed=directed)
    for u, v in G.edges():
        G[u][v]["weight"] = float(rng.uniform(0.1, 2.0))
    G.add_node("dangling")  # no out-weight: its mass returns to the seeds
    if directed:
        G.add_edge(0, "dangling", weight=1.0)
    seeds = {0: 3.0, 5: 1.0, "dangling": 0.5}
    want = nx.pagerank(G, alpha=0.85, personalization=seeds, tol=1e-12, max_iter=500)
    got = kernels.pagerank(G, alpha=0.85, personalization=seeds, tol=1e-12, max_iter=500)
    assert max(abs(want[k] - got[k]) for k in G) < 1e-9
    plain = kernels.pagerank(G, tol=1e-12, max_iter=500)
    assert max(abs(nx.pagerank(G, tol=1e-12, max_iter=500)[k] - plain[k]) for k in G) < 1e-9


def test_communities_are_networkx_louvain_communities_where_they_are_clear():
    G = nx.relabel_nodes(nx.ring_of_cliques(8, 6), lambda n: f"firm{n}")
    want = _canon(nx.community.louvain_communities(G, seed=1))
    assert _canon(kernels.modularity_communities(G, seed=1)) == want
    assert len(want) == 8


@pytest.mark.parametrize("seed", range(4))
def test_communities_are_as_modular_as_networkx_louvain_and_the_seed_reproduces(seed):
    for G in (nx.karate_club_graph(), nx.les_miserables_graph(), nx.davis_southern_women_graph()):
        nx_q = nx.community.modularity(G, nx.community.louvain_communities(G, weight=None, seed=seed), weight=None)
        ours = kernels.modularity_communities(G, weight=None, seed=seed)
        assert sorted(map(str, (n for c in ours for n in c))) == sorted(map(str, G))
        assert nx.community.modularity(G, ours, weight=None) >= nx_q - 0.02  # both are heuristics
        assert _canon(map(lambda c: map(str, c), ours)) == \
            _canon(map(lambda c: map(str, c), kernels.modularity_communities(G, weight=None, seed=seed)))


def test_days_reads_iso_dates_and_marks_missing():
    got = days(["2020-01-02", "2020-01-02T10:00:00", None, "", "1970-01-01"])
    assert got.tolist() == [18263, 18263, NO_DAY, NO_DAY, 0]


def _city_block() -> nx.MultiDiGraph:
    """Three firms at one address within a month, a nominee legal rep of two of them, two firms
    holding each other, a shared phone, and an independent director on every board."""
    G = nx.MultiDiGraph()
    for k, founded in (("co:uscc:A", "2020-01-01"), ("co:uscc:B", "2020-01-20"), ("co:uscc:C", "2020-12-01"),
                       ("co:uscc:D", "2015-05-05")):
        G.add_node(k, label="Company", founded=founded, registered_capital=1e6 if k != "co:uscc:D" else 1e8,
                   paid_in_capital=0 if k == "co:uscc:A" else 5e5, name=k[-1])
    G.nodes["co:uscc:B"]["dissolved"] = "2021-01-01"
    G.add_node("ad:1", label="Address", text="某路1号")
    G.add_node("ph:1", label="Phone")
    for k in ("co:uscc:A", "co:uscc:B", "co:uscc:C"):
        G.add_edge(k, "ad:1", key="REGISTERED_AT", type="REGISTERED_AT")
    G.add_edge("co:uscc:D", "ph:1", key="HAS_PHONE", type="HAS_PHONE")
    G.add_edge("co:uscc:A", "ph:1", key="HAS_PHONE", type="HAS_PHONE")
    G.add_node("pe:n1", label="Person", name="王五", resolved="pe:n1")
    G.add_node("pe:n2", label="Person", name="王五", resolved="pe:n1")  # the same nominee, recorded twice
    G.add_node("pe:x", label="Person", name="李四")
    G.add_node("pe:ind", label="Person", name="独董")
    G.add_edge("pe:n1", "co:uscc:A", key="LEGAL_REP_OF", type="LEGAL_REP_OF")
    G.add_edge("pe:n2", "co:uscc:B", key="LEGAL_REP_OF", type="LEGAL_REP_OF")
    G.add_edge("pe:x", "co:uscc:A", key="OFFICER_OF:监事", type="OFFICER_OF", role="监事")
    G.add_edge("pe:x", "co:uscc:B", key="SHAREHOLDER_OF", type="SHAREHOLDER_OF", ratio=0.5)
    for k in ("co:uscc:A", "co:uscc:B", "co:uscc:C", "co:uscc:D"):
        G.add_edge("pe:ind", k, key="OFFICER_OF:独立董事", type="OFFICER_OF", role="独立董事")
    G.add_edge("co:uscc:C", "co:uscc:D", key="SHAREHOLDER_OF", type="SHAREHOLDER_OF", ratio=0.3)
    G.add_edge("co:uscc:D", "co:uscc:C", key="SHAREHOLDER_OF", type="SHAREHOLDER_OF", ratio=0.3)
    G.add_node("ab:1", label="AbnormalListing")
    G.add_edge("co:uscc:B", "ab:1", key="LISTED_IN", type="LISTED_IN")
    return G


def test_indicators_count_what_an_analyst_counts():
    from creditgraph.analytics.features import company_indicators

    X, evidence = company_indicators(_city_block())
    a, b, c, d = (X.loc[f"co:uscc:{k}"] for k in "ABCD")
    assert (a.firms_at_address, a.registered_together, c.registered_together) == (3, 2, 1)
    assert (a.rep_fronts_firms, b.rep_fronts_firms) == (2, 2) and np.isnan(c.rep_fronts_firms)  # C: no legal rep
    assert (a.same_rep_batch, b.same_rep_batch) == (2, 2) and np.isnan(c.same_rep_batch)  # 王五's batch at 某路1号
    assert (a.officer_fronts_firms, d.officer_fronts_firms) == (2, 0)  # the independent director is not counted
    assert (a.shared_crew, b.shared_crew, c.shared_crew) == (1, 1, 0)  # A and B share the nominee and 李四
    assert b.short_life == 1.0 and np.isnan(a.short_life)  # A: no status and no deregistration date
    assert (a.unpaid_capital, b.unpaid_capital, d.unpaid_capital) == (1.0, 0.5, pytest.approx(0.995))
    assert (c.ownership_cycle, d.ownership_cycle, b.ownership_cycle) == (1.0, 1.0, 0.0)
    assert (c.group_subsidiary, b.group_subsidiary) == (0.0, 0.0)  # C's holder holds it back: a ring, not a group
    assert np.isnan(a.ownership_cycle) and np.isnan(a.group_subsidiary)  # no shareholder of A is known
    assert (a.group_address, np.isnan(d.group_address)) == (0.0, True)  # B's and C's holders known: no tree
    assert (b.abnormal_listings, a.firms_on_phone, d.firms_on_phone) == (1, 2, 2)
    assert np.isnan(c.firms_on_phone) and np.isnan(d.firms_at_address) and np.isnan(d.registered_together)
    assert evidence["co:uscc:A"]["firms_at_address"] == "3 firms registered at 某路1号"
    assert evidence["co:uscc:A"]["rep_fronts_firms"] == "legal rep 王五 is legal rep of 2 firms"
    assert evidence["co:uscc:B"]["short_life"] == "founded 2020-01-20, deregistered 2021-01-01"
    assert evidence["co:uscc:C"]["firms_on_phone"] == "unavailable: no phone"


@pytest.mark.parametrize("post", ["獨立董事", "Independent Director", "dldsxr"])
def test_independent_directors_are_no_tie_in_any_script(post):
    from creditgraph.analytics.clusters import firm_clusters
    from creditgraph.analytics.features import company_indicators

    G = _city_block()
    for u, v, k, d in list(G.edges(keys=True, data=True)):
        if d.get("role") == "独立董事":
            G.remove_edge(u, v, k)
            G.add_edge(u, v, key=f"OFFICER_OF:{post}", type="OFFICER_OF", role=post)
    X, _ = company_indicators(G)
    assert X.at["co:uscc:D", "officer_fronts_firms"] == 0 and X.at["co:uscc:A", "officer_fronts_firms"] == 2
    H = nx.MultiDiGraph()  # two firms sharing nobody but the director: no cluster
    H.add_node("pe:ind", label="Person", name="独董")
    for k in ("co:uscc:X", "co:uscc:Y"):
        H.add_node(k, label="Company", name=k)
        H.add_edge("pe:ind", k, key=f"OFFICER_OF:{post}", type="OFFICER_OF", role=post)
    assert firm_clusters(H, min_size=2).empty


def test_an_organisation_holding_board_seats_fronts_firms_like_a_person():
    from creditgraph.analytics.features import company_indicators

    G = nx.MultiDiGraph()
    G.add_node("co:name:翹麗投資", label="Company", name="翹麗投資(股)")
    for k in ("co:stock:TW:1101", "co:stock:TW:1102", "co:stock:TW:1103"):
        G.add_node(k, label="Company", name=k, founded="2001-01-01")
        G.add_edge("co:name:翹麗投資", k, key="OFFICER_OF:董事", type="OFFICER_OF", role="董事")
    X, evidence = company_indicators(G)
    assert X.loc["co:stock:TW:1101", "officer_fronts_firms"] == 3  # keyed by stock code, scored all the same
    assert evidence["co:stock:TW:1101"]["officer_fronts_firms"] == "翹麗投資(股) holds posts in 3 firms"


def test_firm_clusters_are_networkx_components_of_the_firm_graph(city):
    from creditgraph.analytics.clusters import SPLIT_ABOVE, firm_clusters, firm_graph
    from creditgraph.training.cities import resolved_city_graph

    G = resolved_city_graph(city)
    fr = graph_frames(G)
    F, _ = firm_graph(G, frames=fr)
    want = _canon(c for c in nx.connected_components(F) if 2 <= len(c) <= SPLIT_ABOVE)
    C = firm_clusters(G, frames=fr)
    split = {f for c in nx.connected_components(F) if len(c) > SPLIT_ABOVE for f in c}
    assert _canon(m for m in C["members"] if not set(m) & split) == want
    assert sorted(f for m in C["members"] if set(m) & split for f in m) == sorted(split)


def test_spread_equals_networkx_pagerank_on_the_entity_graph(city):
    from creditgraph.analytics.spread import dishonesty_spread, entity_graph
    from creditgraph.training.cities import resolved_city_graph

    G = resolved_city_graph(city)
    nodes, A, seeds = entity_graph(G)
    D = nx.relabel_nodes(nx.from_scipy_sparse_array(A, create_using=nx.DiGraph), dict(enumerate(nodes)))
    pr = nx.pagerank(D, alpha=0.85, personalization=seeds, tol=1e-13, max_iter=1000)
    top = max(pr.values())
    got = dishonesty_spread(G, tol=1e-13, max_iter=1000)
    assert max(abs(got[k] - pr[k] / top) for k in nodes) < 1e-8


def test_node_scores_put_every_score_where_a_per_node_loop_puts_it(city):
    """The vectorised write-back table equals the plain loop: every score — firm scores (shell,
    hidden assets) and entity scores (repeat offenders, spread, cluster, the debtor side of
    hidden assets) — on every node resolved
    to the entity, so a firm's 失信-list record shows what its registry record shows."""
    import json
    from collections import defaultdict

    from creditgraph.analytics.clusters import firm_clusters
    from creditgraph.analytics.offenders import repeat_offenders
    from creditgraph.analytics.spread import dishonesty_spread
    from creditgraph.training.cities import resolved_city_graph
    from creditgraph.scoring import node_scores, score_graph

    G = resolved_city_graph(city)
    fr = graph_frames(G)
    r = score_graph(G, frames=fr)
    nodes_of = defaultdict(list)
    for k, d in G.nodes(data=True):
        nodes_of[d.get("resolved") or k].append(k)
    want: dict[str, dict] = defaultdict(dict)
    for firm, row in r["shells"].iterrows():
        for k in nodes_of[G.nodes[firm].get("resolved") or firm]:
            want[k].update(shell_score=float(row["score"]), shell_flag=bool(row["flag"]),
                           shell_reasons=json.dumps(row["reasons"], ensure_ascii=False),
                           shell_unseen=json.dumps(row["unseen"], ensure_ascii=False))
    for ent, row in r["repeat"].iterrows():
        for k in nodes_of[ent]:
            want[k].update(repeat_cases=int(row["cases"]), repeat_flag=bool(row["flag"]), repeat_reason=row["reason"])
    place = hiding_firm_ranking(r["hidden"], pd.Index(r["hidden"]["firm"].unique()))["rank"]
    for firm, found in r["hidden"].groupby("firm", sort=False):
        for k in nodes_of[firm]:
            want[k]["asset_hiding"] = json.dumps(found.drop(columns="firm").to_dict("records"), ensure_ascii=False)
            want[k]["hiding_rank"] = int(place[firm])
    for debtor, found in r["hidden"].groupby("debtor", sort=False):  # the debtor side, on the debtor's nodes
        for k in nodes_of[debtor]:
            want[k]["moved_assets"] = json.dumps(found.to_dict("records"), ensure_ascii=False)
    for ent, risk in r["spread"].round(6).items():
        if risk == 0:  # stored only where some risk arrives
            continue
        for k in nodes_of[ent]:
            want[k]["spread"] = risk
    for i, members in enumerate(r["clusters"]["members"]):
        for firm in members:
            for k in nodes_of[firm]:
                want[k]["cluster"] = f"cl-{i:05d}"
    def plain(row: dict) -> dict:  # JSON columns compare as the values they hold, not their spacing
        return {c: json.loads(v) if c in ("shell_reasons", "shell_unseen", "asset_hiding", "moved_assets") else v
                for c, v in row.items() if v is not None}

    got = node_scores(fr, **r)
    assert {k: plain(row) for k, row in got.iterrows()} == {k: plain(row) for k, row in want.items()}
    by_id = node_scores(fr, **{**r, "spread": dishonesty_spread(None, frames=fr, by_id=True),
                                "repeat": repeat_offenders(None, frames=fr, by_id=True),
                                "clusters": firm_clusters(None, frames=fr, by_id=True)})
    pd.testing.assert_frame_equal(by_id, got)
    assert len(r["repeat"]) and len(r["hidden"]) and len(r["clusters"])
    assert any(len(nodes_of[e]) > 1 for e in r["repeat"].index)  # a resolved entity of several nodes


def test_scoring_reads_only_the_properties_it_declares(city):
    """``run_scoring`` asks the store for SCORING_NODE/EDGE_PROPERTIES only: scores from those
    tables equal scores from the whole graph."""
    import pandas as pd

    from creditgraph.analytics.frames import (SCORING_EDGE_PROPERTIES, SCORING_NODE_PROPERTIES, frames_from_tables,
                                              graph_tables)
    from creditgraph.training.cities import resolved_city_graph
    from creditgraph.scoring import score_graph

    import re
    from pathlib import Path

    import creditgraph.analytics as analytics

    read = {m for f in Path(analytics.__path__[0]).glob("*.py")
            for m in re.findall(r"\.(?:attr|edge_prop)\(\"(\w+)\"", f.read_text(encoding="utf-8"))}
    assert read and read <= set(SCORING_NODE_PROPERTIES) | set(SCORING_EDGE_PROPERTIES), read
    G = resolved_city_graph(city)
    full = score_graph(G, frames=graph_frames(G))
    lean = score_graph(None, frames=frames_from_tables(graph_tables(G, SCORING_NODE_PROPERTIES,
                                                                    SCORING_EDGE_PROPERTIES)))
    for name, want in full.items():
        assert len(want), name
        if isinstance(want, pd.Series):
            pd.testing.assert_series_equal(lean[name], want)
        else:
            pd.testing.assert_frame_equal(lean[name], want)


def test_present_is_unique_with_ranks():
    rng = np.random.default_rng(3)
    parts = [rng.integers(0, 50, size) for size in (0, 7, 40)]
    values, rank = kernels.present(50, *parts)
    assert values.tolist() == np.unique(np.concatenate(parts)).tolist()
    assert (rank[values] == np.arange(len(values))).all()
    assert (rank[np.setdiff1d(np.arange(50), values)] == -1).all()


def test_frames_read_arrow_text_and_python_strings_alike(city):
    """Stores export text as Arrow strings; tables of Python strings (older pickles, hand-built
    tables) give the same frames, key for key and property for property."""
    from creditgraph.analytics.frames import frames_from_tables, graph_tables
    from creditgraph.training.cities import resolved_city_graph
    from creditgraph.graph.records import TEXT, GraphTables

    tables = graph_tables(resolved_city_graph(city))
    assert str(tables.nodes["Company"]["key"].dtype) == TEXT and str(tables.edges["OFFICER_OF"]["role"].dtype) == TEXT
    plain = lambda t: t.astype(object).where(t.notna(), None)
    arrow, objects = (frames_from_tables(tables),
                      frames_from_tables(GraphTables({k: plain(t) for k, t in tables.nodes.items()},
                                                     {k: plain(t) for k, t in tables.edges.items()})))
    assert arrow.keys.tolist() == objects.keys.tolist() and arrow.entities.tolist() == objects.entities.tolist()
    assert (arrow.entity == objects.entity).all() and arrow.edges.equals(objects.edges)
    everyone = np.arange(len(arrow))
    for name in ("resolved", "name", "founded", "registered_capital"):
        assert arrow.attr(name, everyone).tolist() == objects.attr(name, everyone).tolist(), name
    assert arrow.edge_prop("role", arrow.edges["row"].to_numpy()).tolist() == \
        objects.edge_prop("role", arrow.edges["row"].to_numpy()).tolist()


def test_frames_refuse_a_repeated_key_an_edge_to_nowhere_and_a_key_that_is_no_string():
    from creditgraph.analytics.frames import frames_from_tables
    from creditgraph.graph.records import GraphTables, text_columns

    nodes = lambda *keys: {"Company": text_columns(pd.DataFrame({"key": list(keys)}, dtype=object))}
    edges = lambda *pairs: {"OFFICER_OF": text_columns(pd.DataFrame(pairs, columns=["start", "end"], dtype=object))}
    with pytest.raises(ValueError, match="'co:a' is in the tables twice"):
        frames_from_tables(GraphTables(nodes("co:a", "co:b", "co:a"), {}))
    with pytest.raises(ValueError, match="co:a -> co:x names a node that is not in the tables"):
        frames_from_tables(GraphTables(nodes("co:a", "co:b"), edges(("co:a", "co:b"), ("co:a", "co:x"))))
    with pytest.raises(ValueError, match="key holds something that is not a string"):
        frames_from_tables(GraphTables({"Company": pd.DataFrame({"key": ["co:a", 7]}, dtype=object)}, {}))
