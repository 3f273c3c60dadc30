"""The port's explorer reads (find, ranked, facet, clusters) give the same answers on both stores."""

from __future__ import annotations

import datetime as dt

import pytest

from creditgraph.errors import SchemaError
from creditgraph.graph.records import NodeRow

FIRMS = [
    # key suffix, industry, city, founded, shell_score, shell_flag, cluster, repeat_flag
    ("A", "制造业", "福州市", dt.date(2015, 1, 1), 0.95, True, "cl-00001", True),
    ("B", "制造业", "福州市", dt.date(2018, 6, 1), 0.80, True, "cl-00001", False),
    ("C", "批发和零售业", "厦门市", dt.date(2019, 3, 1), 0.40, False, "cl-00002", False),
    ("D", "批发和零售业", "福州市", dt.date(2020, 5, 1), 0.10, False, "cl-00002", True),
    ("E", "制造业", "厦门市", dt.date(2021, 7, 1), None, None, None, None),
]


def _firm(s, industry, city, founded, score, flag, cluster, repeat):
    props = {"name": f"测试{s}有限公司", "industry": industry, "city": city, "founded": founded,
             "uscc_masked": f"9135010{s}****", "shell_score": score, "shell_flag": flag,
             "cluster": cluster, "repeat_flag": repeat}
    return NodeRow("Company", f"co:name:测试{s}", {k: v for k, v in props.items() if v is not None},
                   "test", s, dt.date(2020, 1, 1))


@pytest.fixture
def firms(store):
    store.upsert_nodes([_firm(*f) for f in FIRMS])
    return store


def _keys(entities):
    return [e.key[-1] for e in entities]


def test_find_exact_and_prefix(firms):
    assert _keys(firms.find("Company", "uscc_masked", "9135010C****")) == ["C"]
    assert sorted(_keys(firms.find("Company", "name", "测试", prefix=True))) == list("ABCDE")
    assert firms.find("Company", "name", "测试") == []


def test_find_rejects_unknown_properties(firms):
    with pytest.raises(SchemaError):
        firms.find("Company", "name) DETACH DELETE n //", "x")


def test_ranked_orders_by_score_and_skips_unscored(firms):
    assert _keys(firms.ranked("Company", "shell_score")) == list("ABCD")
    assert _keys(firms.ranked("Company", "shell_score", limit=2, skip=1)) == list("BC")
    assert _keys(firms.ranked("Company", "shell_score", ascending=True)) == list("DCBA")  # a place: 1 first


def test_ranked_lists_one_row_per_resolved_entity(firms):
    """Entity scores sit on every record of the entity; a ranking shows the entity's own record once."""
    props = {"name": "测试A有限公司", "shell_score": 0.95, "shell_flag": True, "resolved": "co:name:测试A"}
    firms.upsert_nodes([NodeRow("Company", "co:uscc:91350100A", props, "test", "A2", dt.date(2020, 1, 1)),
                        NodeRow("Company", "co:name:测试A", {"name": "测试A有限公司", "resolved": "co:name:测试A"},
                                "test", "A", dt.date(2020, 1, 1))])
    assert [e.key for e in firms.ranked("Company", "shell_score")][:2] == ["co:name:测试A", "co:name:测试B"]


def test_ranked_filters(firms):
    r = lambda **f: _keys(firms.ranked("Company", "shell_score", filters=f, flag="shell_flag"))
    assert r(industry="制造业") == list("AB")
    assert r(city="厦门市") == ["C"]
    assert r(flagged=True) == list("AB")
    assert r(min=0.3, max=0.9) == list("BC")
    assert r(founded_from="2018-01-01", founded_to="2019-12-31") == list("BC")
    assert r(industry=None, city="") == list("ABCD")  # empty filters are ignored


def test_facet_counts_values(firms):
    assert firms.facet("Company", "industry") == [("制造业", 3), ("批发和零售业", 2)]


def test_clusters_riskiest_first(firms):
    got = firms.clusters()
    assert [(c["cluster"], c["size"], c["dishonest"], c["shells"]) for c in got] == [
        ("cl-00001", 2, 1, 2), ("cl-00002", 2, 1, 0)]
    assert got[0]["top_shell_score"] == pytest.approx(0.95)
    assert _keys(firms.cluster_members("cl-00002")) == list("CD")


# -- the one search box ---------------------------------------------------------------

from creditgraph.graph.lookup import interpret, lookup  # noqa: E402
from creditgraph.graph.name_index import NameIndex  # noqa: E402
from creditgraph.normalize import hash_id  # noqa: E402

KEY = "lookup-test-key"
FULL_ID = "350102197203153657"
USCC = "91230199744190927K"


@pytest.fixture
def searchable(store):
    store.upsert_nodes([
        NodeRow("Company", f"co:uscc:{USCC}", {"name": "哈尔滨泰富电气有限公司", "uscc": USCC,
                                                "shell_score": 0.2}, "test", "1"),
        NodeRow("Company", "co:name:泰富小额贷款", {"name": "哈尔滨泰富小额贷款有限公司", "shell_score": 0.9},
                "test", "2"),
        NodeRow("Person", "pe:test:id:x", {"name": "杨天夫", "id_hash": hash_id(FULL_ID, KEY),
                                           "id_masked": "3501021972****3657"}, "test", "3"),
        NodeRow("Case", "ca:(2017)黑01执750号", {"case_no": "(2017)黑01执750号"}, "test", "4"),
    ])
    return store


def test_interpret_tells_identifiers_from_names():
    assert interpret(USCC, hash_key=KEY)[0] == "uscc"
    assert interpret("91230199744****927K", hash_key=KEY)[0] == "uscc"
    kind, probes = interpret(FULL_ID, hash_key=KEY)
    assert kind == "id" and FULL_ID not in str(probes)  # only the hash and the mask travel
    assert interpret("〔2017〕黑01执750号", hash_key=KEY)[0] == "case"
    assert interpret("泰富", hash_key=KEY)[0] == "name"
    assert interpret("  ", hash_key=KEY) == ("empty", [])


@pytest.mark.parametrize("query, expected", [
    (USCC, [f"co:uscc:{USCC}"]),
    ("91230199744****927K", [f"co:uscc:{USCC}"]),
    (FULL_ID, ["pe:test:id:x"]),
    ("3501021972****3657", ["pe:test:id:x"]),
    ("（2017）黑01执750号", ["ca:(2017)黑01执750号"]),
    ("〔2017〕黑01执750号", ["ca:(2017)黑01执750号"]),
    (f"co:uscc:{USCC}", [f"co:uscc:{USCC}"]),
])
def test_lookup_by_identifier(searchable, query, expected):
    assert [h.entity.key for h in lookup(searchable, query, hash_key=KEY)[1]] == expected


def test_name_search_finds_trade_names_riskiest_first_with_or_without_the_index(searchable):
    scan = [h.entity.key for h in lookup(searchable, "泰富", hash_key=KEY)[1]]
    indexed = [h.entity.key for h in lookup(searchable, "泰富", hash_key=KEY, names=NameIndex.build(searchable))[1]]
    assert scan == indexed == ["co:name:泰富小额贷款", f"co:uscc:{USCC}"]


def test_name_index_orders_shortest_first_and_limits():
    idx = NameIndex([("a", "福州泰富电气有限公司"), ("b", "泰富"), ("c", "无关公司")])
    assert idx.search("泰富") == ["b", "a"] and idx.search("泰富", limit=1) == ["b"]
    assert idx.search("") == [] and len(idx) == 3
