"""The in-process resolution write-back of the embedded store (``graph/embedded_store.py``) writes
the same SAME_AS links, ``resolved`` keys and counts as the Bolt route it replaces, on a seeded city."""

from __future__ import annotations

import json

import pytest

from creditgraph.analytics.resolve.companies import resolve_companies
from creditgraph.analytics.resolve.persons import resolve_persons
from creditgraph.graph.bolt_store import BoltGraphStore
from creditgraph.graph.connect import connect_bolt
from creditgraph.graph.embedded_store import EmbeddedGraphStore
from creditgraph.loaders.pipeline import load_paths
from creditgraph.resolution import _link_rows


@pytest.fixture(scope="module")
def stores(arcadedb_server, arcadedb_store):
    """The session's embedded database twice: over Bolt only, and with in-process write-backs."""
    ep = arcadedb_server.endpoint
    inproc = connect_bolt(ep.uri, ep.user, ep.password, database=ep.database, backend="arcadedb",
                          in_process=arcadedb_server.database(), batch_size=500)
    assert type(arcadedb_store) is BoltGraphStore and isinstance(inproc, EmbeddedGraphStore)
    yield arcadedb_store, inproc
    inproc.close()


@pytest.fixture(scope="module")
def resolution(stores, small_seeded_city, tmp_path_factory):
    """The seeded city loaded, and what resolution would write back: per label, links and keys."""
    bolt, _ = stores
    bolt.wipe()
    load_paths(bolt, [small_seeded_city / "data"], hash_key="k", report_dir=tmp_path_factory.mktemp("r"),
               progress=False)
    G = bolt.export()
    firms = resolve_companies(G)
    people = resolve_persons(G, company_canonical=firms.canonical, judgements=[])
    firm_links = [{"a": l.a, "b": l.b, "score": l.score, "method": "rule",
                   "evidence": json.dumps(l.evidence, ensure_ascii=False, sort_keys=True)} for l in firms.links]
    out = {"Company": (firm_links, firms.canonical), "Person": (_link_rows(people.links), people.canonical)}
    assert len(out["Person"][0]) > 100 and len(out["Company"][0]) > 10
    return out


def _written(store):
    """Every SAME_AS link (both ends, its properties, seen from either end) and every resolved key."""
    links = {}
    for label in ("Company", "Person"):
        rows = store.read_rows("reading links", f"MATCH (a:{label})-[e:SAME_AS]->(b:{label}) "
                               "RETURN a.key AS a, b.key AS b, properties(e) AS p")
        back = store.read_rows("reading links backwards", f"MATCH (b:{label})<-[e:SAME_AS]-(a:{label}) "
                               "RETURN a.key AS a, b.key AS b")
        assert sorted((r["a"], r["b"]) for r in rows) == sorted((r["a"], r["b"]) for r in back)
        links[label] = sorted((r["a"], r["b"], sorted((k, repr(v)) for k, v in r["p"].items() if k != "run"))
                              for r in rows)
        assert all(isinstance(r["p"]["run"], str) for r in rows)
    keys = {label: sorted((r["k"], r["r"]) for r in store.read_rows(
        "reading keys", f"MATCH (n:{label}) RETURN n.key AS k, n.resolved AS r")) for label in ("Company", "Person")}
    return links, keys


def _write(store, resolution):
    return [store.write_resolution(label, *resolution[label]) for label in ("Company", "Person")]


def test_in_process_write_back_equals_the_bolt_one(stores, resolution):
    bolt, inproc = stores
    counts = _write(bolt, resolution)
    want = _written(bolt)
    assert sum(len(v) for v in want[0].values()) == sum(counts) > 100
    assert inproc.clear_scores(["resolved"]) > 0
    assert _write(inproc, resolution) == counts  # replace: the Bolt run's machine links go first
    assert _written(inproc) == want
    assert _write(inproc, resolution) == counts  # a rerun: every key already holds its value
    assert _written(inproc) == want


def test_in_process_write_back_skips_what_is_not_there_and_keeps_reviewers(stores, resolution):
    _, inproc = stores
    links, canonical = resolution["Person"]
    a, b = links[0]["a"], links[0]["b"]
    reviewer = {"a": a, "b": b, "score": 1.0, "evidence": "{}", "method": "reviewer"}
    nobody = {"a": a, "b": "pe:test:nobody", "score": 0.9, "evidence": None, "method": "model"}
    assert inproc.write_resolution("Person", [reviewer, nobody], {"pe:test:nobody": a}, replace=False) == 1
    assert inproc.write_resolution("Person", links[:3], {a: a, b: a}) == 3
    rows = inproc.read_rows("reading links", "MATCH (a:Person)-[e:SAME_AS]->(b:Person) "
                            "RETURN a.key AS a, b.key AS b, e.method AS method, e.evidence AS evidence")
    assert sorted((r["a"], r["b"], r["method"]) for r in rows) == sorted(
        [(a, b, "reviewer")] + [(link["a"], link["b"], link["method"]) for link in links[:3]])
    assert inproc.get(b).props["resolved"] == a
