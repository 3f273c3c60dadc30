"""k shortest paths: ordered by length, loopless, bounded, with every relation of each hop."""

from __future__ import annotations

import networkx as nx
import pytest

from creditgraph.analytics.paths import hop_relations, k_shortest_paths


@pytest.fixture
def G():
    G = nx.MultiDiGraph()
    G.add_edge("debtor", "firmA", key="LEGAL_REP_OF", type="LEGAL_REP_OF")
    G.add_edge("relative", "firmA", key="OFFICER_OF:监事", type="OFFICER_OF", role="监事")
    G.add_edge("relative", "firmA", key="SHAREHOLDER_OF", type="SHAREHOLDER_OF", ratio=0.4)
    G.add_edge("relative", "firmB", key="LEGAL_REP_OF", type="LEGAL_REP_OF")
    G.add_edge("firmA", "addr", key="REGISTERED_AT", type="REGISTERED_AT")
    G.add_edge("firmB", "addr", key="REGISTERED_AT", type="REGISTERED_AT")
    G.add_edge("firmB", "far1", key="x", type="SHAREHOLDER_OF")
    G.add_edge("far1", "far2", key="x", type="SHAREHOLDER_OF")
    G.add_node("island")
    return G


def test_paths_shortest_first_and_loopless(G):
    paths = k_shortest_paths(G, "debtor", "firmB", k=5)
    assert paths == [["debtor", "firmA", "relative", "firmB"], ["debtor", "firmA", "addr", "firmB"]]
    assert all(len(set(p)) == len(p) for p in paths)


def test_paths_respect_k_and_max_hops(G):
    assert len(k_shortest_paths(G, "debtor", "firmB", k=1)) == 1
    assert k_shortest_paths(G, "debtor", "far2", max_hops=4) == []
    assert k_shortest_paths(G, "debtor", "far2", max_hops=5) != []


def test_no_path_missing_node_or_same_end(G):
    assert k_shortest_paths(G, "debtor", "island") == []
    assert k_shortest_paths(G, "debtor", "nobody") == []
    assert k_shortest_paths(G, "debtor", "debtor") == []


def test_matches_networkx_shortest_path_length(G):
    U = nx.Graph(G.to_undirected())
    for t in ("firmA", "firmB", "addr", "far2"):
        assert len(k_shortest_paths(G, "debtor", t, k=1)[0]) - 1 == nx.shortest_path_length(U, "debtor", t)


def test_hop_relations_lists_both_directions_and_all_edges(G):
    hops = hop_relations(G, ["debtor", "firmA", "relative"])
    assert [r["type"] for r in hops[0]] == ["LEGAL_REP_OF"]
    assert sorted(r["type"] for r in hops[1]) == ["OFFICER_OF", "SHAREHOLDER_OF"]
    assert {(r["start"], r["end"]) for r in hops[1]} == {("relative", "firmA")}
