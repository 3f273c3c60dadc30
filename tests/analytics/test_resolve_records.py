"""Resolution reads a store's tables (``Records.from_tables``) instead of its exported graph, and
resolves exactly as it did from the graph: the same firm links, the same mentions, the same
person links, clusters and refusals, full and incremental, on every backend's values."""

from __future__ import annotations

import pytest

from creditgraph.analytics.resolve.companies import resolve_companies
from creditgraph.analytics.resolve.mentions import mentions
from creditgraph.analytics.resolve.persons import resolve_persons
from creditgraph.analytics.resolve.records import EDGE_PROPS, NODE_PROPS, Records
from creditgraph.loaders.pipeline import load_paths
from creditgraph.resolution import run_resolution


def _people(res):
    return (sorted((l.a, l.b, l.score, l.method, repr(sorted(l.evidence.items()))) for l in res.links),
            res.canonical, sorted((l.a, l.b, why) for l, why in res.refused), res.candidates)


def _firms(res):
    """A firm resolution, comparable: the order of links and ambiguities follows the nodes' order."""
    return (sorted(map(repr, res.links)), res.canonical, sorted(map(repr, res.ambiguous)),
            sorted(map(repr, res.branches)))


def _assert_same_resolution(store):
    G = store.export()
    R = Records.from_tables(store.export_tables(NODE_PROPS, EDGE_PROPS))
    assert set(R.nodes) == {k for k, d in G.nodes(data=True) if d.get("label") in ("Company", "Person")}
    firms = resolve_companies(G)
    assert _firms(resolve_companies(R)) == _firms(firms)
    ms = mentions(G, firms.canonical)
    assert len(ms) > 500 and mentions(R, firms.canonical) == ms
    assert any(m.addresses and m.founded for m in ms.values()) and any(m.cases for m in ms.values())
    for incremental in (False, True):
        want = resolve_persons(G, company_canonical=firms.canonical, incremental=incremental)
        got = resolve_persons(R, company_canonical=firms.canonical, incremental=incremental)
        assert _people(got) == _people(want)
        assert want.links or incremental


def test_a_scored_store_resolves_from_its_tables_as_from_its_graph(scored_store):
    """Over Bolt: resolved keys, SAME_AS links and scores already in the store."""
    _assert_same_resolution(scored_store)


def test_a_fresh_load_resolves_from_its_tables_as_from_its_graph(memory_store, small_seeded_city, tmp_path):
    load_paths(memory_store, [small_seeded_city / "data"], hash_key="k", report_dir=tmp_path, progress=False)
    _assert_same_resolution(memory_store)
    summary, _ = run_resolution(memory_store)
    assert summary.persons["links"] > 0 and summary.companies["records"] > 300


def test_records_refuse_what_is_neither_a_graph_nor_tables():
    with pytest.raises(TypeError, match="NetworkX graph"):
        Records.of({"co:1": {"label": "Company"}})
