"""find_paths: the one path strategy of the explorer's paths page and ``creditgraph paths`` —
resolved ends, both ends' neighbourhoods meeting in the middle, the store's search as fallback."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest

from creditgraph.analytics.paths import AREA_LIMIT, PER_NODE, PathReader, find_paths
from creditgraph.graph.memory import MemoryGraphStore
from creditgraph.graph.records import EdgeRow, NodeRow, Subgraph

SEEN = dt.date(2025, 1, 1)
A, B, HUB = "co:uscc:91350100PATHS001X", "co:uscc:91350100PATHS002X", "co:uscc:91350100PATHS003X"
BOSS, ALIAS = "pe:test:boss", "pe:test:boss-record"


def node(label: str, key: str, **props) -> NodeRow:
    return NodeRow(label, key, props, "test", key, SEEN)


def edge(type_: str, a: str, b: str, **props) -> EdgeRow:
    return EdgeRow(type_, a, b, props, "test", f"{a}>{b}", SEEN)


@pytest.fixture
def store() -> MemoryGraphStore:
    """A and B tied through one person, whose second record (resolved to him) holds B's stake;
    HUB has more officers than a neighbourhood reads per node, the last of them also B's officer."""
    s = MemoryGraphStore()
    crowd = [f"pe:test:p{i:02d}" for i in range(PER_NODE + 5)]
    s.upsert_nodes([node("Company", A, name="甲公司"), node("Company", B, name="乙公司"),
                    node("Company", HUB, name="丙公司"), node("Person", BOSS, name="王大"),
                    node("Person", ALIAS, name="王大", resolved=BOSS),
                    *(node("Person", p, name=f"职员{p[-2:]}") for p in crowd)])
    s.upsert_edges([edge("LEGAL_REP_OF", BOSS, A), edge("SHAREHOLDER_OF", ALIAS, B, ratio=0.5),
                    *(edge("OFFICER_OF", p, HUB, role="监事") for p in crowd),
                    edge("OFFICER_OF", crowd[-1], B, role="董事")])
    return s


def test_paths_run_between_resolved_entities(store):
    found = find_paths(store, ALIAS, A, k=3, max_hops=4)
    assert (found.start, found.end, found.via) == (BOSS, A, "neighbourhoods")
    assert found.paths == [[BOSS, A]]
    via_b = find_paths(store, A, B, k=3, max_hops=4)
    assert via_b.paths[0] == [A, BOSS, B]  # the stake of his other record counts as his
    assert [r["type"] for r in via_b.hops(via_b.paths[0])[1]] == ["SHAREHOLDER_OF"]
    assert {n.key for n in via_b.on_paths().nodes} == {A, BOSS, B} and ALIAS not in via_b.graph


def test_the_store_search_finds_what_capped_neighbourhoods_miss(store):
    found = find_paths(store, HUB, B, k=2, max_hops=2)  # HUB's 45th officer is past the 40 read per node
    assert found.via == "store"
    assert found.paths == [[HUB, f"pe:test:p{PER_NODE + 4:02d}", B]]
    assert all(found.graph.has_node(n) for n in found.paths[0])


def test_no_path_is_an_empty_answer_not_an_error(store):
    found = find_paths(store, A, HUB, k=5, max_hops=1)
    assert found.paths == [] and found.start == A and found.end == HUB


def test_each_end_is_read_half_the_hops_deep(store):
    read = mock.create_autospec(PathReader, instance=True)
    read.get.side_effect = store.get
    read.neighbourhood.return_value = Subgraph((), (), {})
    read.shortest_paths.return_value = []
    find_paths(read, A, B, k=4, max_hops=5)
    assert read.neighbourhood.call_args_list == [mock.call(A, hops=3, per_node=PER_NODE, limit=AREA_LIMIT),
                                                 mock.call(B, hops=3, per_node=PER_NODE, limit=AREA_LIMIT)]
    read.shortest_paths.assert_called_once_with(A, B, max_hops=5, limit=4)


@pytest.mark.parametrize("k, max_hops", [(0, 3), (3, 0)])
def test_k_and_hops_below_one_are_refused(store, k, max_hops):
    with pytest.raises(ValueError, match="at least 1"):
        find_paths(store, A, B, k=k, max_hops=max_hops)
