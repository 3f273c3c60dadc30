"""Cypher and HTML payloads in loaded names and in search strings are inert, on both stores.

Firms, their legal representatives and addresses are loaded through the real registry
layout with payloads in their names. Then search, get, neighbourhood and shortest paths run
with the payloads as input: names come back byte-identical to what the loader wrote, no
query errs, nothing is created or deleted, and a search finds only what contains its text.
"""

from __future__ import annotations

import csv
import io

import pytest

from creditgraph.errors import NotFound, SchemaError
from creditgraph.loaders.pipeline import load_paths
from robust_support import KEY, canonical
from recording import RecordingStore

PAYLOADS = [
    "x'}) DETACH DELETE n //",
    '"}) MATCH (n) DETACH DELETE n RETURN 1 //',
    "') CALL db.labels() YIELD label RETURN label //",
    "x' OR 1=1 WITH n MATCH (m) SET m.name = 'pwned' //",
    "\\' OR \\\"1\\\"=\\\"1",
    "a\\\\b\\u0027c",
    "$text $key {key: $key}",
    "`Company`:Person",
    "<script>alert(document.cookie)</script>",
    '"><img src=x onerror=alert(1)>',
    "=cmd|' /C calc'!A0",
    "%_.*[^]()?+|",
    "UNWIND range(1,100000) AS i CREATE (:Company {key: toString(i)})",
]

# Search strings made of query syntax: each finds exactly the nodes whose text holds it.
SEARCHES = ["') RETURN 1 //", "'", '"', "\\", "`", "$limit", "*/", "/*", "//", "{", "\u0000", "\ufffd",
            "' OR '1'='1", ".*", "%", "_"]


@pytest.fixture
def loaded(store, layouts, tmp_path):
    """The payload firms loaded into ``store``; returns (store, {key: node row} the loader wrote)."""
    reg = layouts["gsxt_enterprise"]
    base = dict(zip(reg.header, reg.rows[0]))
    rows = [{**base, "公司名": f"{p}有限公司", "统一社会信用代码": "", "法人信息": p, "法定代表人证件号码": "",
             "地址": f"{p}路{i}号", "联系电话": f"0591-8{i:07d}"} for i, p in enumerate(PAYLOADS)]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=reg.header, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    f = tmp_path / reg.filename
    f.write_text(buf.getvalue(), encoding="utf-8")
    expected = RecordingStore()
    load_paths(expected, [f], hash_key=KEY, report_dir=tmp_path / "expected", progress=False)
    report = load_paths(store, [f], hash_key=KEY, report_dir=tmp_path / "report", progress=False)
    assert report.rows_quarantined == 0, report.top_reasons()
    return store, expected.nodes


def test_payload_names_are_stored_byte_identical_and_nothing_else_is_created(loaded):
    store, wrote = loaded
    G = store.export()
    assert set(G.nodes) == set(wrote)
    for key, row in wrote.items():
        for prop, value in row.props.items():
            assert G.nodes[key][prop] == (value.isoformat() if hasattr(value, "isoformat") else value)
    names = {G.nodes[k].get("name") for k in G}
    assert {f"{p}有限公司" for p in PAYLOADS} <= names and set(PAYLOADS) <= names
    assert "pwned" not in names


@pytest.mark.parametrize("payload", PAYLOADS)
def test_search_get_neighbourhood_and_paths_with_a_payload_are_inert(loaded, payload):
    store, wrote = loaded
    before = canonical(store.export())

    hits = store.search(payload, limit=50)
    firm, = [k for k, r in wrote.items() if r.label == "Company" and r.props["name"] == f"{payload}有限公司"]
    person, = [k for k, r in wrote.items() if r.label == "Person" and r.props["name"] == payload]
    assert {firm, person} <= {e.key for e in hits}
    for e in hits:  # only what holds the text, each exactly as loaded
        assert any(payload in str(v) for v in e.props.values()), e
        loaded = wrote[e.key].props
        assert e.props["name" if "name" in e.props else "text"] == loaded.get("name", loaded.get("text"))

    assert store.get(firm).props["name"] == f"{payload}有限公司"
    hood = store.neighbourhood(firm, hops=2)
    assert {n.key for n in hood.nodes} >= {firm, person}
    assert {n.key: n.props.get("name") for n in hood.nodes} == {
        n.key: wrote[n.key].props.get("name") for n in hood.nodes}
    assert [len(p) for p in store.shortest_paths(person, firm)] == [1]
    with pytest.raises(NotFound):
        store.get(f"co:name:{payload}")  # the bare payload is no firm's key

    assert canonical(store.export()) == before


def test_search_strings_made_of_query_syntax_find_exactly_what_holds_them(loaded):
    from creditgraph.graph.schema import schema

    store, wrote = loaded
    before = store.counts()
    for text in SEARCHES:
        want = {k for k, r in wrote.items()
                if any(text in str(r.props.get(p, "")) for p in schema().node(r.label).search)}
        assert {e.key for e in store.search(text, limit=100)} == want, text
    assert store.counts() == before


def test_labels_are_checked_before_they_reach_a_query(loaded):
    store, _ = loaded
    with pytest.raises(SchemaError):
        store.search("有限公司", labels=["Company) DETACH DELETE n //"])
    with pytest.raises(SchemaError):
        store.get("zz:x'}) DETACH DELETE n //")
