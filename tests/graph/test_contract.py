"""The GraphStore contract: every backend gives the same answers on the same data.

Runs on the in-memory store (``graph/memory.py``) and on the two Bolt backends (``tests/conftest.py``:
the embedded ArcadeDB, and Neo4j under the ``neo4j`` marker).
"""

from __future__ import annotations

import datetime as dt

import pytest

from creditgraph.errors import NotFound, SchemaError, StoreError
from creditgraph.graph.port import GraphSink, GraphStore
from creditgraph.graph.records import TEXT, EdgeRow, NodeRow

D1, D2, D3 = dt.date(2018, 1, 1), dt.date(2019, 6, 30), dt.date(2020, 12, 31)
TAIFU = "co:uscc:91230199744190927K"
LOAN = "co:name:哈尔滨泰富小额贷款有限公司"
WEIHAI = "co:name:威海泰富西玛电机有限公司"
YANG = "pe:test:yang"
CHUAI = "pe:test:chuai"
ADDR = "ad:哈尔滨市南岗区"
CASE = "ca:(2017)黑01执750号"


def _n(label, key, seen=D1, source="test", **props):
    return NodeRow(label, key, props, source, key, seen)


def _e(type_, start, end, seen=D1, source="test", **props):
    return EdgeRow(type_, start, end, props, source, f"{start}>{end}", seen)


NODES = [
    _n("Company", TAIFU, name="哈尔滨泰富电气有限公司", uscc="91230199744190927K", founded=dt.date(2003, 4, 10)),
    _n("Company", LOAN, name="哈尔滨泰富小额贷款有限公司"),
    _n("Company", WEIHAI, name="威海泰富西玛电机有限公司"),
    _n("Person", YANG, name="杨天夫", sex="M", birth_year=1962),
    _n("Person", CHUAI, name="揣云辉"),
    _n("Address", ADDR, text="哈尔滨市南岗区"),
    _n("Case", CASE, case_no="(2017)黑01执750号", court="哈尔滨市中级人民法院"),
]
EDGES = [
    _e("LEGAL_REP_OF", YANG, TAIFU),
    _e("OFFICER_OF", YANG, TAIFU, role="董事长"),
    _e("OFFICER_OF", YANG, TAIFU, role="总经理"),
    _e("SHAREHOLDER_OF", YANG, LOAN, ratio=0.6),
    _e("SHAREHOLDER_OF", TAIFU, WEIHAI, ratio=1.0),
    _e("OFFICER_OF", CHUAI, LOAN, role="监事"),
    _e("REGISTERED_AT", TAIFU, ADDR),
    _e("PARTY_TO", TAIFU, CASE, role="respondent"),
    _e("PARTY_TO", YANG, CASE, role="respondent"),
]




@pytest.fixture
def loaded(store):
    assert store.upsert_nodes(NODES) == len(NODES)
    assert store.upsert_edges(EDGES) == len(EDGES)
    return store


def _canonical(G):
    nodes = sorted((n, tuple(sorted((k, repr(v)) for k, v in d.items()))) for n, d in G.nodes(data=True))
    edges = sorted((u, v, k, tuple(sorted((a, repr(b)) for a, b in d.items())))
                   for u, v, k, d in G.edges(keys=True, data=True))
    return nodes, edges


def test_counts(loaded):
    c = loaded.counts()
    assert c.nodes == {"Company": 3, "Person": 2, "Address": 1, "Case": 1}
    assert c.relationships == {"LEGAL_REP_OF": 1, "OFFICER_OF": 3, "SHAREHOLDER_OF": 2,
                               "REGISTERED_AT": 1, "PARTY_TO": 2}


def test_reload_changes_nothing(loaded):
    before = _canonical(loaded.export())
    loaded.ensure_schema()
    loaded.upsert_nodes(NODES)
    loaded.upsert_edges(EDGES)
    assert _canonical(loaded.export()) == before


def test_provenance_merges_sources_and_widens_seen(loaded):
    loaded.upsert_nodes([_n("Company", TAIFU, seen=D3, source="other", status="吊销")])
    loaded.upsert_nodes([_n("Company", TAIFU, seen=D2, source="other")])
    e = loaded.get(TAIFU)
    assert e.props["sources"] == ["test", "other"]
    assert e.props["source_ids"] == [f"test:{TAIFU}", f"other:{TAIFU}"]
    assert (e.props["first_seen"], e.props["last_seen"]) == ("2018-01-01", "2020-12-31")
    assert e.props["status"] == "吊销" and e.props["name"] == "哈尔滨泰富电气有限公司"


def test_dates_are_dates(loaded):
    # Stored as temporal values (they compare as dates), read back as ISO strings.
    assert loaded.get(TAIFU).props["founded"] == "2003-04-10"


def test_get_and_not_found(loaded):
    e = loaded.get(YANG)
    assert (e.label, e.name, e.props["birth_year"]) == ("Person", "杨天夫", 1962)
    with pytest.raises(NotFound):
        loaded.get("pe:test:nobody")
    with pytest.raises(SchemaError):
        loaded.get("zz:unknown-prefix")


def test_edge_to_missing_node_is_an_error_not_a_silent_drop(loaded):
    with pytest.raises(StoreError, match="pe:test:ghost"):
        loaded.upsert_edges([_e("OFFICER_OF", "pe:test:ghost", TAIFU, role="董事")])


def test_edge_endpoints_are_checked_against_the_schema(loaded):
    with pytest.raises(SchemaError):
        loaded.upsert_edges([_e("OFFICER_OF", TAIFU, YANG, role="董事")])


def test_search_chinese_substring_and_identifiers(loaded):
    # Exact matches first, then shorter names (closer matches) first.
    assert [e.key for e in loaded.search("泰富", labels=["Company"])] == [TAIFU, WEIHAI, LOAN]
    assert [e.key for e in loaded.search("91230199744190927K")] == [TAIFU]
    assert [e.key for e in loaded.search("(2017)黑01执750号")] == [CASE]
    assert [e.key for e in loaded.search("杨天夫")] == [YANG]
    assert loaded.search("") == []


def test_neighbourhood_one_and_two_hops(loaded):
    one = loaded.neighbourhood(YANG, hops=1)
    assert {n.key for n in one.nodes} == {YANG, TAIFU, LOAN, CASE}
    assert len([e for e in one.edges if e.type == "OFFICER_OF"]) == 2
    two = loaded.neighbourhood(YANG, hops=2)
    assert {n.key for n in two.nodes} == {YANG, TAIFU, LOAN, CASE, WEIHAI, CHUAI, ADDR}
    assert not two.truncated


def test_neighbourhood_caps_supernodes(loaded):
    capped = loaded.neighbourhood(TAIFU, hops=1, per_node=2)
    assert len(capped.nodes) == 3  # the centre and two neighbours, by key order
    assert capped.more == {TAIFU: 2}
    limited = loaded.neighbourhood(YANG, hops=2, limit=3)
    assert len(limited.nodes) == 3 and limited.truncated


def test_shortest_paths(loaded):
    paths = loaded.shortest_paths(CHUAI, WEIHAI)
    # Yang and Taifu are joined by three parallel edges, so three shortest paths.
    assert {tuple(n.key for n in p.nodes) for p in paths} == {(CHUAI, LOAN, YANG, TAIFU, WEIHAI)}
    assert [(p.edges[2].type, p.edges[2].props.get("role")) for p in paths] == [
        ("LEGAL_REP_OF", None), ("OFFICER_OF", "总经理"), ("OFFICER_OF", "董事长")]
    assert {len(p) for p in loaded.shortest_paths(YANG, TAIFU)} == {1}
    assert loaded.shortest_paths(CHUAI, WEIHAI, max_hops=3) == []


def test_export_whole_and_subgraph(loaded):
    G = loaded.export()
    assert G.number_of_nodes() == 7 and G.number_of_edges() == 9
    assert G.nodes[YANG]["label"] == "Person" and G.nodes[YANG]["name"] == "杨天夫"
    assert G.edges[YANG, TAIFU, "OFFICER_OF:董事长"]["role"] == "董事长"
    sub = loaded.export([YANG, TAIFU])
    assert set(sub.nodes) == {YANG, TAIFU} and sub.number_of_edges() == 3


def test_write_scores(loaded):
    assert loaded.write_scores({TAIFU: {"shell_score": 0.9}, YANG: {"repeat_score": 3}}) == 2
    assert loaded.get(TAIFU).props["shell_score"] == 0.9


def test_clear_scores_removes_them_and_nothing_else(loaded):
    loaded.write_scores({TAIFU: {"shell_score": 0.9, "cluster": "cl-00001"}, LOAN: {"cluster": "cl-00001"},
                         YANG: {"spread": 0.5}})
    assert loaded.clear_scores(["shell_score", "cluster", "spread"]) == 3
    assert loaded.clear_scores(["shell_score", "cluster", "spread"]) == 0
    taifu = loaded.get(TAIFU).props
    assert "shell_score" not in taifu and "cluster" not in taifu and taifu["name"] == "哈尔滨泰富电气有限公司"
    assert "spread" not in loaded.get(YANG).props and loaded.get(YANG).props["name"] == "杨天夫"


def test_payloads_are_inert(loaded):
    evil = "x'}) DETACH DELETE n //<script>alert(1)</script>"
    loaded.upsert_nodes([_n("Company", "co:name:" + evil, name=evil)])
    assert loaded.get("co:name:" + evil).name == evil
    assert [e.name for e in loaded.search("DETACH DELETE")] == [evil]
    assert loaded.counts().nodes["Company"] == 4


def test_wipe(loaded):
    loaded.wipe()
    assert loaded.counts().nodes == {} and loaded.counts().relationships == {}


@pytest.mark.neo4j
def test_backends_give_identical_exports(arcadedb_store, neo4j_store):
    out = []
    for s in (arcadedb_store, neo4j_store):
        s.wipe()
        s.upsert_nodes(NODES)
        s.upsert_edges(EDGES)
        out.append((_canonical(s.export()), s.counts().as_dict(),
                    [[n.key for n in p.nodes] for p in s.shortest_paths(YANG, TAIFU)],
                    [n.key for n in s.neighbourhood(CHUAI, hops=3).nodes]))
    assert out[0] == out[1]


def _rows(table) -> list[tuple]:
    """A table's rows as tuples of Python values, ``None`` where missing (Arrow text reads as ``<NA>``)."""
    return list(table.astype(object).where(table.notna(), None).itertuples(index=False, name=None))


def test_export_tables_are_the_export_in_columns(loaded):
    """What scoring reads at city scale: the same records as ``export``, the asked-for
    properties a label declares, sorted by key (edges by start, end, then properties)."""
    from creditgraph.analytics.frames import graph_tables

    props, eprops = ("resolved", "name", "founded", "case_no", "no_such"), ("role", "ratio")
    got = loaded.export_tables(props, eprops)
    want = graph_tables(loaded.export(), props, eprops)
    assert list(got.nodes["Company"].columns) == ["key", "resolved", "name", "founded"]
    assert list(got.edges["OFFICER_OF"].columns) == ["start", "end", "role"]
    assert str(got.nodes["Company"]["name"].dtype) == TEXT and str(got.edges["OFFICER_OF"]["end"].dtype) == TEXT
    for label, t in got.nodes.items():
        assert t["key"].tolist() == sorted(t["key"].tolist())
        w = want.nodes.get(label)
        rows = {tuple(r.get(c) for c in t.columns) for r in w.to_dict("records")} if w is not None else set()
        assert set(_rows(t)) == rows, label
    for type_, t in got.edges.items():
        w = want.edges.get(type_)
        records = w.to_dict("records") if w is not None else []
        rows = sorted((tuple(r.get(c) for c in t.columns) for r in records), key=repr)
        assert sorted(_rows(t), key=repr) == rows, type_
    assert got.nodes["Company"].set_index("key").loc[TAIFU, "founded"] == "2003-04-10"
    officers = _rows(got.edges["OFFICER_OF"])
    assert officers == sorted(officers) and len(officers) == 3


def test_every_store_is_a_sink(store):
    assert isinstance(store, GraphStore) and isinstance(store, GraphSink)


# -- entity resolution ------------------------------------------------------------------

YANG2, YANG3 = "pe:test:yang2", "pe:test:yang3"
DR_YANG, DR_TAIFU = "dr:(2019)黑01执1号:杨天夫", "dr:(2019)黑01执2号:哈尔滨泰富电气有限公司"
ROLES = "LEGAL_REP_OF, OFFICER_OF:总经理, OFFICER_OF:董事长"


@pytest.fixture
def resolved(loaded):
    """Three records of Yang joined by a chain of links scored 0.9 then 0.7; a dishonest record
    names the last one, another the firm Yang represents."""
    loaded.upsert_nodes([_n("Person", YANG2, name="杨天夫"), _n("Person", YANG3, name="杨天夫"),
                         _n("DishonestRecord", DR_YANG, case_no="(2019)黑01执1号", subject_name="杨天夫"),
                         _n("DishonestRecord", DR_TAIFU, case_no="(2019)黑01执2号",
                            subject_name="哈尔滨泰富电气有限公司")])
    loaded.upsert_edges([_e("LISTED_IN", YANG3, DR_YANG, match="name"), _e("LISTED_IN", TAIFU, DR_TAIFU, match="uscc")])
    links = [{"a": YANG, "b": YANG2, "score": 0.9, "evidence": "{}", "method": "model"},
             {"a": YANG2, "b": YANG3, "score": 0.7, "evidence": "{}", "method": "model"}]
    assert loaded.write_resolution("Person", links, {YANG: YANG, YANG2: YANG, YANG3: YANG}) == 2
    return loaded


def _listed(rows):
    return sorted((r["via"], r["relation"], r["key"], r["label"], r["props"]["case_no"], r["confidence"]) for r in rows)


def test_related_listings_are_as_sure_as_the_weakest_link(resolved):
    assert _listed(resolved.related_listings(TAIFU)) == [
        ("self", "own record", DR_TAIFU, "DishonestRecord", "(2019)黑01执2号", 1.0),
        ("杨天夫", f"杨天夫 ({ROLES})", DR_YANG, "DishonestRecord", "(2019)黑01执1号", 0.7)]
    firm = "哈尔滨泰富电气有限公司"
    assert _listed(resolved.related_listings(YANG3)) == [
        ("self", "own record", DR_YANG, "DishonestRecord", "(2019)黑01执1号", 1.0),
        (firm, f"{firm} ({ROLES})", DR_TAIFU, "DishonestRecord", "(2019)黑01执2号", 0.7)]
    assert resolved.related_listings(CHUAI) == []
    with pytest.raises(NotFound):
        resolved.related_listings("pe:test:nobody")
    with pytest.raises(SchemaError):
        resolved.related_listings(ADDR)


def test_resolution_rewrites_machine_links_and_keeps_reviewers(resolved):
    assert resolved.get(YANG3).props["resolved"] == YANG
    assert resolved.write_resolution("Person", [{"a": YANG, "b": YANG3, "score": 1.0, "evidence": "{}",
                                                 "method": "reviewer"}], {}, replace=False) == 1
    assert resolved.counts().relationships["SAME_AS"] == 3
    assert resolved.write_resolution("Person", [], {YANG3: YANG3}) == 0
    assert resolved.counts().relationships["SAME_AS"] == 1
    assert resolved.get(YANG3).props["resolved"] == YANG3
    assert resolved.write_resolution("Person", [{"a": YANG, "b": "pe:test:nobody", "score": 0.9, "evidence": "{}",
                                                 "method": "model"}], {}, replace=False) == 0


def test_judgements_one_per_pair_the_latest_wins(resolved):
    resolved.judge(YANG2, YANG, "not_same", by="tester", why="two people")
    resolved.judge(YANG, YANG2, "same", by="lead", why="one person after all")
    (j,) = resolved.judgements("Person")
    assert {k: j[k] for k in ("a", "b", "verdict", "by", "why")} == {
        "a": YANG, "b": YANG2, "verdict": "same", "by": "lead", "why": "one person after all"}
    assert isinstance(j["at"], str) and resolved.judgements("Company") == []
    with pytest.raises(NotFound):
        resolved.judge(YANG, "pe:test:nobody", "same", by="x", why="y")
    with pytest.raises(SchemaError):
        resolved.judge(YANG, TAIFU, "same", by="x", why="y")
    with pytest.raises(ValueError):
        resolved.judge(YANG, YANG2, "maybe", by="x", why="y")
    with pytest.raises(SchemaError):
        resolved.judgements("Address")


def test_entities_names_and_find(loaded):
    assert [e.key for e in loaded.entities([LOAN, "co:name:nobody", TAIFU, LOAN])] == [LOAN, TAIFU]
    assert sorted(loaded.names("Address")) == [(ADDR, "哈尔滨市南岗区")]
    assert sorted(k for k, _ in loaded.names("Company")) == sorted([TAIFU, LOAN, WEIHAI])
    assert [e.key for e in loaded.find("Company", "uscc", "91230199744190927K")] == [TAIFU]
    assert sorted(e.key for e in loaded.find("Company", "name", "哈尔滨泰富", prefix=True)) == sorted([TAIFU, LOAN])
    with pytest.raises(SchemaError):
        loaded.entities(["zz:unknown-prefix"])


def test_write_scores_from_a_table_skips_missing_cells(loaded):
    import pandas as pd

    table = pd.DataFrame({"shell_score": [0.25, float("nan")], "cluster": [None, "cl-00009"]}, index=[TAIFU, LOAN])
    assert loaded.write_scores(table) == 2
    taifu, loan = loaded.get(TAIFU).props, loaded.get(LOAN).props
    assert taifu["shell_score"] == 0.25 and "cluster" not in taifu
    assert loan["cluster"] == "cl-00009" and "shell_score" not in loan
    assert [e.key for e in loaded.cluster_members("cl-00009")] == [LOAN]
