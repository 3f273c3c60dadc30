"""The in-process write-backs of the embedded store (``graph/embedded_store.py``) write the same
SAME_AS links, ``resolved`` keys, score properties and counts as the Bolt route they replace, on a
seeded city."""

from __future__ import annotations

import hashlib
import json

import pytest

from creditgraph.analytics.resolve.companies import resolve_companies
from creditgraph.analytics.resolve.persons import resolve_persons
from creditgraph.loaders.pipeline import load_paths
from creditgraph.resolution import _link_rows
from creditgraph.scoring import SCORE_COLUMNS, run_scoring


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


def _scores(store):
    """sha256 over every node's score properties (values and types as read over Bolt); how many nodes hold any."""
    rows = []
    for label in ("Company", "Person"):
        for r in store.read_rows("reading scores", f"MATCH (n:{label}) RETURN n.key AS k, properties(n) AS p"):
            rows.append((r["k"], sorted((c, repr(v)) for c, v in r["p"].items() if c in SCORE_COLUMNS)))
    rows.sort()
    return hashlib.sha256(repr(rows).encode()).hexdigest(), sum(1 for _, p in rows if p)


def test_in_process_score_write_back_equals_the_bolt_one(stores, resolution):
    """Two score runs per route on the resolved city, each run's old scores cleared first (a stale
    score on a node the run does not score included): same properties, same counts."""
    bolt, inproc = stores
    _write(inproc, resolution)
    unscored = next(r["k"] for r in bolt.read_rows("reading a key", "MATCH (n:Person) RETURN n.key AS k"))
    stale = {unscored: {"spread": 0.5, "repeat_reason": "stale"}}  # both declared on Person
    got = {}
    for name, store in (("bolt", bolt), ("in process", inproc), ("in process again", inproc)):
        assert store.write_scores(stale) == 1
        first = run_scoring(store, progress=False, processes=1)
        assert store.clear_scores(["cluster"]) > 0 and store.clear_scores(["cluster"]) == 0
        second = run_scoring(store, progress=False, processes=1)  # clears what the first wrote
        assert first["nodes_written"] == second["nodes_written"] > 100
        got[name] = _scores(store), second["nodes_written"]
    assert got["in process"] == got["bolt"] == got["in process again"]
    assert got["bolt"][0][1] == got["bolt"][1]  # every node written holds a score, the stale one none


def test_in_process_write_scores_removes_nulls_and_skips_what_is_not_there(stores):
    bolt, inproc = stores
    keys = [r["k"] for r in bolt.read_rows("reading keys", "MATCH (n:Company) RETURN n.key AS k ORDER BY k LIMIT 3")]
    rows = {keys[0]: {"shell_score": 0.25, "shell_flag": True, "repeat_cases": 3, "cluster": "cl-x"},
            keys[1]: {"shell_score": 0.5}, "co:test:nobody": {"shell_score": 1.0}}
    later = {keys[0]: {"shell_score": None, "repeat_cases": 4}}
    want = []
    for store in (bolt, inproc):
        store.clear_scores(list(SCORE_COLUMNS))
        assert store.write_scores(rows) == 2 and store.write_scores(later) == 1
        want.append(_scores(store))
        assert store.clear_scores(list(SCORE_COLUMNS)) == 2
    assert want[0] == want[1] and want[0][1] == 2
    assert inproc.get(keys[0]).props.get("shell_score") is None


def test_a_rescore_keeps_the_nodes_it_rewrites_whole_and_ends_as_a_clear_rescore(stores):
    """``clear_scores(keep=…)`` then ``write_scores(complete=…)``, as scoring rescores: each node
    scored again is rewritten once, and what it no longer gets is gone, as after clearing everything."""
    bolt, inproc = stores
    keys = [r["k"] for r in bolt.read_rows("reading keys", "MATCH (n:Company) RETURN n.key AS k ORDER BY k LIMIT 3")]
    old = {keys[0]: {"shell_score": 0.25, "cluster": "cl-old"}, keys[1]: {"shell_score": 0.5, "spread": 0.1},
           keys[2]: {"repeat_cases": 2}}
    new = {keys[0]: {"shell_score": 0.75}, keys[1]: {"shell_score": 0.5, "spread": 0.2}}  # keys[2] unscored now
    got = []
    for store in (bolt, inproc):
        store.clear_scores(list(SCORE_COLUMNS))
        store.write_scores(old)
        assert store.clear_scores(list(SCORE_COLUMNS), keep=set(new)) == 1  # only the node not scored again
        assert store.write_scores(new, complete=SCORE_COLUMNS) == 2
        p0, p1, p2 = (store.get(k).props for k in keys)
        assert p0["shell_score"] == 0.75 and "cluster" not in p0 and p1["spread"] == 0.2
        assert not any(c in p2 for c in SCORE_COLUMNS)
        got.append(_scores(store))
        assert store.clear_scores(list(SCORE_COLUMNS)) == 2
    assert got[0] == got[1] and got[0][1] == 2
