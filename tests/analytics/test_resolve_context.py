"""People without ID numbers: same-name records at different firms are joined when the network
around their firms says they are one person, and kept apart when only the name (or a crowded
building) matches. Small graphs built by hand, one per piece of evidence; no JVM."""

from __future__ import annotations

import networkx as nx
import pytest

from creditgraph.analytics.resolve.evaluate import inferable_pairs, noid_metrics
from creditgraph.analytics.resolve.mentions import firm_context, mentions
from creditgraph.analytics.resolve.pairs import CROWDED, candidate_pairs, evidence
from creditgraph.analytics.resolve.persons import resolve_persons

NAME = "张伟"


def _city(firms: dict[str, dict], people: list[tuple[str, str, str]], *, holdings=(), cases=()) -> nx.MultiDiGraph:
    """``firms``: key → {address, founded, phone}; ``people``: (person key, name, firm) role edges."""
    G = nx.MultiDiGraph()
    for f, d in firms.items():
        G.add_node(f, label="Company", name=f, founded=d.get("founded", "2010-01-01"))
        if d.get("address"):
            G.add_node(d["address"], label="Address", text=d["address"])
            G.add_edge(f, d["address"], key="REGISTERED_AT", type="REGISTERED_AT")
        if d.get("phone"):
            G.add_node(d["phone"], label="Phone", number=d["phone"])
            G.add_edge(f, d["phone"], key="HAS_PHONE", type="HAS_PHONE")
    for key, name, firm in people:
        G.add_node(key, label="Person", name=name)
        G.add_edge(key, firm, key="OFFICER_OF", type="OFFICER_OF", role="董事")
    for owner, held in holdings:
        G.add_edge(owner, held, key="SHAREHOLDER_OF", type="SHAREHOLDER_OF")
    for firm, case in cases:
        G.add_node(case, label="Case", case_no=case)
        G.add_edge(firm, case, key="PARTY_TO", type="PARTY_TO", role="defendant")
    return G


def _same(G, a, b, **kw) -> bool:
    res = resolve_persons(G, **kw)
    return res.canonical[a] == res.canonical[b]


def test_joined_by_a_shared_small_address_and_a_registration_batch():
    G = _city({"co:a": {"address": "ad:鼓楼区五四路1号301室", "founded": "2020-03-01"},
               "co:b": {"address": "ad:鼓楼区五四路1号301室", "founded": "2020-04-15"}},
              [("pe:x:张伟@a", NAME, "co:a"), ("pe:x:张伟@b", NAME, "co:b")])
    res = resolve_persons(G)
    assert res.canonical["pe:x:张伟@a"] == res.canonical["pe:x:张伟@b"]
    (link,) = res.links
    assert link.evidence["shared_addresses"] == [["ad:鼓楼区五四路1号301室", 2]]
    assert link.evidence["registered_days_apart"] == 45


def test_joined_by_a_co_officer_they_keep_meeting():
    # a nominee and his crew: 王芳 and 李娜 sit beside 张伟 at both firms (and at a third)
    firms = {f: {"address": f"ad:{f}"} for f in ("co:a", "co:b", "co:c")}
    people = [(f"pe:x:张伟@{f}", NAME, f) for f in firms] + \
             [(f"pe:x:王芳@{f}", "王芳", f) for f in firms] + [(f"pe:x:李娜@{f}", "李娜", f) for f in firms]
    G = _city(firms, people)
    res = resolve_persons(G)
    assert len({res.canonical[f"pe:x:张伟@{f}"] for f in firms}) == 1
    ev = res.links[0].evidence
    assert [c[0] for c in ev["co_officers"]] == ["李娜", "王芳"] and ev["co_officers"][0][2] == 3
    assert not ev["shared_addresses"]


def test_joined_by_a_phone_and_by_a_holding():
    G = _city({"co:a": {"phone": "ph:13800000001"}, "co:b": {"phone": "ph:13800000001"}, "co:c": {}},
              [("pe:x:张伟@a", NAME, "co:a"), ("pe:x:张伟@b", NAME, "co:b"), ("pe:x:张伟@c", NAME, "co:c")],
              holdings=[("co:b", "co:c")])
    ms = mentions(G)
    assert set(candidate_pairs(ms)) == {("pe:x:张伟@a", "pe:x:张伟@b"), ("pe:x:张伟@b", "pe:x:张伟@c")}
    ev = evidence(ms["pe:x:张伟@b"], ms["pe:x:张伟@c"], 3, firm_context(G))
    assert ev["holding_links"] == ["co:b", "co:c"]


def test_kept_apart_when_only_the_name_matches():
    G = _city({"co:a": {"address": "ad:1", "founded": "2020-03-01", "phone": "ph:1"},
               "co:b": {"address": "ad:2", "founded": "2020-03-02", "phone": "ph:2"}},
              [("pe:x:张伟@a", NAME, "co:a"), ("pe:x:张伟@b", NAME, "co:b"),
               ("pe:x:王芳@a", "王芳", "co:a"), ("pe:x:李娜@b", "李娜", "co:b")])
    assert list(candidate_pairs(mentions(G))) == []       # a registration batch alone blocks nothing
    assert not _same(G, "pe:x:张伟@a", "pe:x:张伟@b")


def test_kept_apart_when_the_only_shared_address_is_a_200_firm_building():
    building = "ad:台江区杨桥中路255号东百中心(集群注册)"
    firms = {f"co:{i:03d}": {"address": building, "founded": f"20{10 + i % 10}-01-01"} for i in range(200)}
    people = [("pe:x:张伟@1", NAME, "co:001"), ("pe:x:张伟@2", NAME, "co:150")] + \
             [(f"pe:x:p{i}", f"员工{i}", f) for i, f in enumerate(firms)]
    G = _city(firms, people)
    ms = mentions(G)
    assert list(candidate_pairs(ms)) == [("pe:x:张伟@1", "pe:x:张伟@2")]   # a candidate, scored …
    ev = evidence(ms["pe:x:张伟@1"], ms["pe:x:张伟@2"], 2, firm_context(G))
    assert ev["shared_addresses"] == [[building, 200]] and 200 > CROWDED
    assert not _same(G, "pe:x:张伟@1", "pe:x:张伟@2")                    # … but no evidence


def test_a_not_same_judgement_wins_over_context():
    G = _city({"co:a": {"address": "ad:小楼", "phone": "ph:1"}, "co:b": {"address": "ad:小楼", "phone": "ph:1"}},
              [("pe:x:张伟@a", NAME, "co:a"), ("pe:x:张伟@b", NAME, "co:b")])
    assert _same(G, "pe:x:张伟@a", "pe:x:张伟@b")
    res = resolve_persons(G, judgements=[("pe:x:张伟@a", "pe:x:张伟@b", "not_same")])
    assert res.canonical["pe:x:张伟@a"] != res.canonical["pe:x:张伟@b"]
    assert any("reviewer judged" in why for _, why in res.refused)


def test_inferable_pairs_follow_the_persons_own_firms_only():
    # pid 1 at a, b, c: a–b share an address, c touches nothing of his; pid 2 is a co-officer at b and d
    G = _city({"co:a": {"address": "ad:1"}, "co:b": {"address": "ad:1"}, "co:c": {"address": "ad:9"},
               "co:d": {"address": "ad:8"}},
              [("pe:a", NAME, "co:a"), ("pe:b", NAME, "co:b"), ("pe:c", NAME, "co:c"), ("pe:d", NAME, "co:d"),
               ("pe:q@b", "王芳", "co:b"), ("pe:q@d", "王芳", "co:d")])
    ms = mentions(G)
    truth = {"pe:a": 1, "pe:b": 1, "pe:c": 1, "pe:d": 1, "pe:q@b": 2, "pe:q@d": 2}
    inf = inferable_pairs(ms, truth, firm_context(G))
    # b–d through the co-officer who is truly one person (and, for 王芳, through 张伟); a–d
    # through b; c stays out
    assert inf == {("pe:a", "pe:b"), ("pe:b", "pe:d"), ("pe:a", "pe:d"), ("pe:q@b", "pe:q@d")}
    perfect = {"pe:a": "A", "pe:b": "A", "pe:d": "A", "pe:c": "C", "pe:q@b": "Q", "pe:q@d": "Q"}
    m = noid_metrics(perfect, truth, ms, inf)
    assert m["precision"] == 1.0 and m["recall_inferable"] == 1.0 and m["recall_all"] < 1.0


@pytest.mark.parametrize("profile", ["noid"])
def test_blanked_city_keeps_its_mention_lines(tmp_path, profile):
    from creditgraph.training.cities import make_city
    import csv

    city = make_city(tmp_path, 300, seed=3, profile=profile)
    with (city / "data" / "key_personnel.csv").open(encoding="utf-8") as fh:
        assert all(r["证件号码"] == "" for r in csv.DictReader(fh))
    with (city / "data" / "shareholders.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert all(r["证照号码"] == "" for r in rows if r["股东类型"] == "自然人股东")
    assert any(r["证照号码"] for r in rows if r["股东类型"] == "企业法人")   # firms' USCCs stay
