"""The in-memory store answers as the embedded Bolt store does on a whole (small) city, needs no
JVM, and shares its write rule with the other sinks (Fold, NetworkXSink)."""

from __future__ import annotations

import logging

import json
import subprocess
import sys

import networkx as nx
import pandas as pd
import pytest

from creditgraph.analytics.confidence import chain_confidence
from creditgraph.analytics.frames import SCORING_EDGE_PROPERTIES, SCORING_NODE_PROPERTIES
from creditgraph.analytics.resolve.companies import resolve_companies
from creditgraph.analytics.resolve.persons import resolve_persons
from creditgraph.errors import CreditGraphError
from creditgraph.graph import runs
from creditgraph.graph.bulk import Fold
from creditgraph.graph.memory import MemoryGraphStore
from creditgraph.graph.port import GraphSink
from creditgraph.loaders.nx_sink import NetworkXSink
from creditgraph.loaders.pipeline import load_paths
from recording import RecordingStore

KEY = "memory-store-test-key"


@pytest.fixture(scope="module")
def small_city(tmp_path_factory):
    """300 firms (a few more than the planted patterns need), seed 7."""
    from creditgraph.synth.generate import generate

    out = tmp_path_factory.mktemp("small-city")
    generate(300, seed=7, out=out, progress=False)
    return out / "data"


def _load(sink, data, tmp_path):
    report = load_paths(sink, [data], hash_key=KEY, report_dir=tmp_path, progress=False)
    assert report.rows_quarantined == 0
    return sink


def _canonical(G):
    """Nodes and edges with their properties, but for when a resolution run wrote a link."""
    nodes = sorted((n, tuple(sorted((k, repr(v)) for k, v in d.items()))) for n, d in G.nodes(data=True))
    edges = sorted((u, v, k, tuple(sorted((a, repr(b)) for a, b in d.items() if a != "run")))
                   for u, v, k, d in G.edges(keys=True, data=True))
    return nodes, edges


def test_the_memory_store_starts_no_jvm_and_imports_no_driver_session():
    code = ("import sys; from creditgraph.graph.memory import MemoryGraphStore; MemoryGraphStore().counts(); "
            "print('jpype' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_writer_is_a_sink():
    for sink in (Fold(), NetworkXSink(), RecordingStore(), MemoryGraphStore()):
        assert isinstance(sink, GraphSink), sink


def test_cypher_is_refused_with_a_reason_and_run_records_are_skipped(caplog):
    caplog.set_level(logging.INFO, logger="creditgraph")  # for the memory store it is news, not a warning
    store = MemoryGraphStore()
    for name in ("read_rows", "write_rows"):
        with pytest.raises(CreditGraphError, match="memory store does not run Cypher"):
            getattr(store, name)("reading run records", "MATCH (n) RETURN n")
    assert not isinstance(store, runs.RunStore)
    with runs.recorded(store, runs.RESOLVE) as run:
        run.stage("resolving")
    assert "keeps no run records" in caplog.text


def test_sinks_fold_a_city_alike(small_city, tmp_path):
    """The NetworkX sink, a bulk fold and the memory store hold the same graph; a reload changes nothing."""
    store = _load(MemoryGraphStore(), small_city, tmp_path / "m")
    sink = _load(NetworkXSink(), small_city, tmp_path / "n")
    fold = _load(Fold(), small_city, tmp_path / "f")
    want = _canonical(store.export())
    assert _canonical(sink.graph) == _canonical(fold.to_graph()) == want
    assert _canonical(Fold.from_graph(store.export()).to_graph()) == want
    _load(store, small_city, tmp_path / "again")
    assert _canonical(store.export()) == want


def test_chain_confidence_is_the_weakest_link_from_the_start():
    members = [{"key": k, "resolved": "a"} for k in "abcd"] + [{"key": "x", "resolved": "x"}]
    links = [{"a": "a", "b": "b", "score": 0.9}, {"a": "b", "b": "c", "score": 0.6},
             {"a": "a", "b": "d", "score": None}]
    got = chain_confidence(members, links, ["a", "x", "lonely"], start={"a": "c"})
    assert got == {"a": {"a": 0.6, "b": 0.6, "c": 1.0, "d": 0.0}, "x": {"x": 1.0}, "lonely": {"lonely": 1.0}}


# -- the same answers as the embedded store -------------------------------------------------

@pytest.fixture(scope="module")
def twins(small_city, arcadedb_server, tmp_path_factory):
    """The small city in the memory store and in the embedded store, resolved alike and scored alike."""
    from creditgraph.graph.connect import connect_bolt

    ep = arcadedb_server.endpoint
    bolt = connect_bolt(ep.uri, ep.user, ep.password, database=ep.database, backend="arcadedb")
    bolt.ensure_schema()
    bolt.wipe()
    memory = MemoryGraphStore()
    for s in (memory, bolt):
        _load(s, small_city, tmp_path_factory.mktemp("report"))
    G = memory.export()  # resolved once: both stores get the same links
    firms = resolve_companies(G)
    people = resolve_persons(G, company_canonical=firms.canonical, judgements=[])
    rows = {"Company": [{"a": l.a, "b": l.b, "score": l.score, "method": "rule", "evidence": "{}"}
                        for l in firms.links],
            "Person": [{"a": l.a, "b": l.b, "score": l.score, "method": l.method, "evidence": "{}"}
                       for l in people.links]}
    firms_keys = sorted(k for k, d in G.nodes(data=True) if d["label"] == "Company")
    scores = pd.DataFrame({"shell_score": [round((i * 37 % 100) / 100, 2) for i in range(len(firms_keys))],
                           "shell_flag": [i % 7 == 0 for i in range(len(firms_keys))],
                           "cluster": [f"cl-{i % 9:05d}" if i % 3 else None for i in range(len(firms_keys))],
                           "repeat_flag": [i % 5 == 0 for i in range(len(firms_keys))]}, index=firms_keys)
    for s in (memory, bolt):
        s.write_resolution("Company", rows["Company"], firms.canonical)
        s.write_resolution("Person", rows["Person"], people.canonical)
        s.write_scores(scores)
    yield memory, bolt
    bolt.wipe()
    bolt.close()


def _edges(edges):
    return [(e.type, e.start, e.end, {k: v for k, v in e.props.items() if k != "run"}) for e in edges]


def _sample(G, label, n):
    keys = sorted(k for k, d in G.nodes(data=True) if d["label"] == label)
    return keys[:: max(1, len(keys) // n)][:n]


def _listings(rows):
    return sorted((r["via"], r["relation"], r["subject"], r["key"], r["label"], r["confidence"],
                   json.dumps(r["props"], sort_keys=True, ensure_ascii=False)) for r in rows)


def test_twins_hold_the_same_graph(twins):
    memory, bolt = twins
    assert memory.counts().as_dict() == bolt.counts().as_dict()
    assert _canonical(memory.export()) == _canonical(bolt.export())
    got = memory.export_tables(SCORING_NODE_PROPERTIES, SCORING_EDGE_PROPERTIES)
    want = bolt.export_tables(SCORING_NODE_PROPERTIES, SCORING_EDGE_PROPERTIES)
    for kind in ("nodes", "edges"):
        for name, table in getattr(want, kind).items():
            other = getattr(got, kind)[name]
            if kind == "edges":  # several edges of one type may share start and end: order them whole
                table, other = (t.sort_values(list(t.columns), ignore_index=True, key=lambda c: c.astype(str))
                                for t in (table, other))
            pd.testing.assert_frame_equal(other, table, obj=f"{kind} {name}")


def test_twins_tie_the_same_listings_to_every_entity(twins):
    memory, bolt = twins
    G = memory.export()
    subjects = sorted({u for u, _, d in G.edges(data=True) if d["type"] == "LISTED_IN"})
    keys = subjects + _sample(G, "Company", 15) + _sample(G, "Person", 15)
    reached = 0
    for key in keys:
        got = memory.related_listings(key)
        assert _listings(got) == _listings(bolt.related_listings(key)), key
        reached += any(r["via"] != "self" and r["confidence"] < 1 for r in got)
    assert reached  # some entry reaches its entity through a scored link


def test_twins_walk_the_same_neighbourhoods_and_paths(twins):
    memory, bolt = twins
    G = memory.export()
    firms, people = _sample(G, "Company", 8), _sample(G, "Person", 8)
    for key in firms + people:
        for kw in ({"hops": 1}, {"hops": 2, "limit": 25, "per_node": 4}):
            a, b = memory.neighbourhood(key, **kw), bolt.neighbourhood(key, **kw)
            assert [n.key for n in a.nodes] == [n.key for n in b.nodes], (key, kw)
            assert _edges(a.edges) == _edges(b.edges) and a.more == b.more, (key, kw)
    U = G.to_undirected(as_view=True)
    for start in firms + people:  # to the farthest node within 4 hops, and to one 7 hops or more away
        hops = nx.single_source_shortest_path_length(U, start, cutoff=7)
        ends = [max(k for k, d in hops.items() if d == max(d for d in hops.values() if d <= 4))]
        ends += [k for k in sorted(G)[:: max(1, len(G) // 7)] if k not in hops][:1]
        for end in ends:
            a = memory.shortest_paths(start, end, max_hops=6, limit=100)
            b = bolt.shortest_paths(start, end, max_hops=6, limit=100)
            assert [([n.key for n in p.nodes], _edges(p.edges)) for p in a] == [
                ([n.key for n in p.nodes], _edges(p.edges)) for p in b]
            assert bool(a) == (end in hops and end != start), (start, end)


def test_twins_search_rank_and_summarise_alike(twins):
    memory, bolt = twins
    for text in ("有限公司", "科技", "张", "(20", "91"):
        assert [e.key for e in memory.search(text, limit=500)] == [e.key for e in bolt.search(text, limit=500)], text
    filters = [{}, {"flagged": True}, {"min": 0.3, "max": 0.8}, {"founded_from": "2015-01-01"}]
    for f in filters:
        assert ([e.key for e in memory.ranked("Company", "shell_score", filters=f, flag="shell_flag", limit=50)]
                == [e.key for e in bolt.ranked("Company", "shell_score", filters=f, flag="shell_flag", limit=50)]), f
    assert memory.facet("Company", "cluster") == bolt.facet("Company", "cluster")
    assert memory.clusters() == bolt.clusters()
    assert memory.cluster_members("cl-00001") == bolt.cluster_members("cl-00001")
    assert sorted(memory.names("Person")) == sorted(bolt.names("Person"))
