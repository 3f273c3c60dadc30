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
