"""Company resolution: same-name firms join their registry node, identifiers confirm or veto,
ambiguity is reported rather than guessed, and branches stay separate from their parents."""

from __future__ import annotations

import csv

import networkx as nx
import pytest

from creditgraph.analytics.resolve.companies import (
    SCORE_NAME, SCORE_NAME_AND_ID, Branch, company_canonical, resolve_companies)
from creditgraph.normalize import company_match_key, normalize_company_name, uscc_check_char
from creditgraph.loaders.pipeline import load_paths
from recording import RecordingStore


def _uscc(n: int, area: str = "350102") -> str:
    body = f"91{area}{n:09d}"
    return body + uscc_check_char(body)


def _masked(uscc: str) -> str:
    """The 失信 list's style: characters 12–14 hidden."""
    return uscc[:11] + "****" + uscc[14:]


def _graph(*companies: tuple[str, dict]) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    for key, props in companies:
        G.add_node(key, label="Company", **props)
    return G


def _reg(uscc: str, name: str) -> tuple[str, dict]:
    return f"co:uscc:{uscc}", {"name": name, "uscc": uscc}


def _named(name: str, **props) -> tuple[str, dict]:
    return f"co:name:{name}", {"name": name, **props}


# ------------------------------------------------------------------ same name


def test_limited_liability_and_fullwidth_brackets_link_to_the_registry_node():
    u = _uscc(1)
    G = _graph(_reg(u, "福州华瑞贸易(福建)有限公司"),
               _named("福州华瑞贸易（福建）有限责任公司"),
               _named("福州華瑞貿易 (福建) 有限公司"))
    res = resolve_companies(G)
    assert {(link.a, link.b) for link in res.links} == {
        ("co:name:福州华瑞贸易（福建）有限责任公司", f"co:uscc:{u}"),
        ("co:name:福州華瑞貿易 (福建) 有限公司", f"co:uscc:{u}")}
    for link in res.links:
        assert link.score == SCORE_NAME == 0.95
        assert link.evidence["rule"] == "same_name"
        assert link.evidence["match_key"] == "福州华瑞贸易福建有限公司"
        assert "uscc_masked" not in link.evidence
    assert set(res.canonical.values()) == {f"co:uscc:{u}"}
    assert res.ambiguous == [] and res.branches == []


def test_stock_keyed_node_links_to_the_registry_node_too():
    u = _uscc(2)
    G = _graph(_reg(u, "福建航顺集团股份有限公司"),
               ("co:stock:600001", {"name": "福建航顺集团股份有限公司", "stock_code": "600001"}))
    assert company_canonical(G) == {"co:stock:600001": f"co:uscc:{u}", f"co:uscc:{u}": f"co:uscc:{u}"}


def test_different_names_do_not_link():
    # 股份有限公司 and 有限公司 are different legal forms: the match key keeps them apart
    G = _graph(_reg(_uscc(3), "福州荣悦建材有限公司"), _named("福州荣悦建材股份有限公司"),
               _named("福州荣悦建材有限公司福州分公司"))
    res = resolve_companies(G)
    assert res.links == []
    assert all(k == v for k, v in res.canonical.items())


# ------------------------------------------------------------------ masked USCC


def test_agreeing_masked_uscc_links_with_score_one_and_says_so():
    u = _uscc(4)
    G = _graph(_reg(u, "福州荣悦建材有限公司"),
               _named("福州荣悦建材有限公司", uscc_masked=_masked(u)))
    [link] = resolve_companies(G).links
    assert (link.a, link.b) == ("co:name:福州荣悦建材有限公司", f"co:uscc:{u}")
    assert link.score == SCORE_NAME_AND_ID == 1.0
    assert link.evidence["rule"] == "same_name+masked_uscc"
    assert link.evidence["uscc_masked"] == _masked(u)


def test_contradicting_masked_uscc_is_not_linked_and_is_reported():
    u, other = _uscc(5), _uscc(6, area="350111")
    assert _masked(u) != _masked(other)
    G = _graph(_reg(u, "福州荣悦建材有限公司"),
               _named("福州荣悦建材有限公司", uscc_masked=_masked(other)))
    res = resolve_companies(G)
    assert res.links == []
    assert res.canonical["co:name:福州荣悦建材有限公司"] == "co:name:福州荣悦建材有限公司"
    [(node, candidates, reason)] = res.ambiguous
    assert (node, candidates) == ("co:name:福州荣悦建材有限公司", [f"co:uscc:{u}"])
    assert reason.startswith("contradicts:") and _masked(other) in reason


def test_contradicting_org_code_is_not_linked_and_agreeing_one_confirms():
    u = _uscc(7)
    G = _graph(_reg(u, "福州甲有限公司"), _named("福州甲有限公司", org_code=u[8:17]),
               _reg(_uscc(8), "福州乙有限公司"), _named("福州乙有限公司", org_code="123456789"))
    res = resolve_companies(G)
    [link] = res.links
    assert link.a == "co:name:福州甲有限公司" and link.score == 1.0
    assert link.evidence["rule"] == "same_name+org_code"
    assert [a.node for a in res.ambiguous] == ["co:name:福州乙有限公司"]


# ------------------------------------------------------- several registry firms


def test_two_registry_nodes_with_one_match_key_and_no_identifier_are_ambiguous():
    u1, u2 = _uscc(9), _uscc(10, area="350111")
    G = _graph(_reg(u1, "福州恒山贸易有限公司"), _reg(u2, "福州恒山贸易有限责任公司"),
               _named("福州恒山贸易有限公司"))
    res = resolve_companies(G)
    assert res.links == []
    [(node, candidates, reason)] = res.ambiguous
    assert node == "co:name:福州恒山贸易有限公司"
    assert sorted(candidates) == sorted([f"co:uscc:{u1}", f"co:uscc:{u2}"])
    assert reason.startswith("several_uscc:")
    assert all(k == v for k, v in res.canonical.items())  # registry nodes are not merged either


def test_masked_uscc_picks_the_one_compatible_registry_node():
    u1, u2 = _uscc(11), _uscc(12, area="350111")
    G = _graph(_reg(u1, "福州恒山贸易有限公司"), _reg(u2, "福州恒山贸易有限公司"),
               _named("福州恒山贸易有限公司", uscc_masked=_masked(u2)))
    [link] = resolve_companies(G).links
    assert (link.b, link.score) == (f"co:uscc:{u2}", 1.0)
    assert link.evidence["ruled_out"] == [f"co:uscc:{u1}"]


def test_masked_uscc_that_fits_several_registry_nodes_stays_ambiguous():
    u1 = _uscc(13)
    # another valid USCC that differs only where the mask hides (positions 12-14)
    u2 = next(v for a in "0123456789ABCDEFGHJKLMNPQRTUWXY" for b in "0123456789"
              if (v := u1[:11] + a + b + u1[13:]) != u1 and uscc_check_char(v[:17]) == v[17])
    assert _masked(u1) == _masked(u2)
    G = _graph(_reg(u1, "福州恒山贸易有限公司"), _reg(u2, "福州恒山贸易有限公司"),
               _named("福州恒山贸易有限公司", uscc_masked=_masked(u1)))
    res = resolve_companies(G)
    assert res.links == []
    [(_, candidates, reason)] = res.ambiguous
    assert sorted(candidates) == sorted([f"co:uscc:{u1}", f"co:uscc:{u2}"])
    assert reason.startswith("several_uscc:")


# ------------------------------------------------------------------- branches


@pytest.mark.parametrize("branch, parent", [
    ("兴业银行股份有限公司福州分行", "兴业银行股份有限公司"),
    ("中国工商银行股份有限公司福州台江支行", "中国工商银行股份有限公司"),
    ("福州荣悦建材有限责任公司（仓山分公司）", "福州荣悦建材有限公司"),
    ("兴业证券股份有限公司福州湖东路证券营业部", "兴业证券股份有限公司"),
])
def test_branch_is_not_merged_into_its_parent_but_related_to_it(branch, parent):
    assert company_match_key(branch) != company_match_key(parent)  # the key keeps the branch part
    u = _uscc(14)
    G = _graph(_reg(u, parent), _named(branch))
    res = resolve_companies(G)
    assert res.links == [] and res.ambiguous == []
    assert res.canonical[f"co:name:{branch}"] == f"co:name:{branch}"
    assert res.branches == [Branch(f"co:name:{branch}", f"co:uscc:{u}")]


def test_branch_links_to_its_own_registry_node_and_parent_is_the_canonical_one():
    u_parent, u_branch = _uscc(15), _uscc(16)
    G = _graph(_named("兴业银行股份有限公司"), _reg(u_parent, "兴业银行股份有限公司"),
               _reg(u_branch, "兴业银行股份有限公司福州分行"), _named("兴业银行股份有限公司福州分行"))
    res = resolve_companies(G)
    assert res.canonical["co:name:兴业银行股份有限公司福州分行"] == f"co:uscc:{u_branch}"
    assert set(res.branches) == {
        Branch(f"co:uscc:{u_branch}", f"co:uscc:{u_parent}"),
        Branch("co:name:兴业银行股份有限公司福州分行", f"co:uscc:{u_parent}")}


def test_branch_without_its_parent_in_the_graph_has_no_pair():
    G = _graph(_named("兴业银行股份有限公司福州分行"))
    res = resolve_companies(G)
    assert res.branches == [] and res.ambiguous == []


# ----------------------------------------------------------------- canonical


def test_node_without_counterpart_maps_to_itself_and_other_labels_are_ignored():
    u = _uscc(17)
    G = _graph(_reg(u, "福州甲有限公司"), _named("福州乙有限公司"))
    G.add_node("pe:zxgk:福州甲有限公司", label="Person", name="福州甲有限公司")
    G.add_edge("pe:zxgk:福州甲有限公司", f"co:uscc:{u}", type="LEGAL_REP_OF")
    assert company_canonical(G) == {f"co:uscc:{u}": f"co:uscc:{u}",
                                    "co:name:福州乙有限公司": "co:name:福州乙有限公司"}


def test_summary_counts_by_rule_and_reason():
    u = _uscc(18)
    G = _graph(_reg(u, "福州甲有限公司"), _named("福州甲有限公司"),
               ("co:stock:600002", {"name": "福州甲有限公司", "uscc_masked": _masked(_uscc(19))}))
    assert resolve_companies(G).summary() == {
        "companies": 3, "links": 1, "ambiguous": 1, "branches": 0,
        "links.same_name": 1, "ambiguous.contradicts": 1}


def test_rejects_what_is_not_a_graph():
    with pytest.raises(TypeError, match="NetworkX graph"):
        resolve_companies({"co:name:x": {}})


# ------------------------------------------------------------------ the city


def _city_graph(city, tmp_path) -> nx.MultiDiGraph:
    store = RecordingStore()
    load_paths(store, [city / "data"], hash_key="k", report_dir=tmp_path, progress=False)
    G = nx.MultiDiGraph()
    for row in store.nodes.values():
        G.add_node(row.key, label=row.label, **row.props)
    for row in store.edges.values():
        G.add_edge(row.start, row.end, type=row.type, **row.props)
    return G


def _read(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def test_city_dishonest_firms_resolve_to_their_registry_node_and_banks_stay_apart(city, tmp_path):
    G = _city_graph(city, tmp_path)
    res = resolve_companies(G)
    registry = {normalize_company_name(r["公司名"]): r["统一社会信用代码"]
                for r in _read(city / "data" / "enterprise_registration.csv")}

    firms = {normalize_company_name(r["被执行人姓名/名称"])
             for r in _read(city / "data" / "dishonest_records_zxgk.csv")
             if "公司" in r["被执行人姓名/名称"]}
    assert len(firms) >= 10
    by_key: dict[str, list[str]] = {}
    for n, d in G.nodes(data=True):
        if d["label"] == "Company":
            by_key.setdefault(company_match_key(d["name"]), []).append(n)
    name_keyed = 0
    for firm in firms:
        nodes = by_key[company_match_key(firm)]
        assert {res.canonical[n] for n in nodes} == {f"co:uscc:{registry[firm]}"}, firm
        name_keyed += sum(not n.startswith("co:uscc:") for n in nodes)
    assert name_keyed > 0  # the 失信 list named firms without a full USCC, and they were linked

    banks = [n for n, d in G.nodes(data=True)
             if d["label"] == "Company" and d["name"].endswith(("分行", "支行"))]
    assert banks
    for bank in banks:
        target = res.canonical[bank]
        assert target == bank or company_match_key(G.nodes[target]["name"]) == \
            company_match_key(G.nodes[bank]["name"]), f"{bank} merged into {target}"
    assert not {link.a for link in res.links} & {link.b for link in res.links}


def test_a_stock_keyed_record_joins_the_registry_firm_listing_that_code():
    G = nx.MultiDiGraph()
    G.add_node("co:stock:601058", label="Company", name="赛轮轮胎", stock_code="601058")
    G.add_node("co:uscc:913702007180307125", label="Company", name="赛轮集团股份有限公司", stock_code="601058")
    res = resolve_companies(G)
    assert res.canonical["co:stock:601058"] == "co:uscc:913702007180307125"
    assert res.links[0].evidence["rule"] == "same_stock_code" and res.links[0].score == 1.0


def test_a_stock_code_link_leaves_the_same_name_links_their_names():
    """The stock-code pass once overwrote the name table with its evidence list: the same-name
    pass after it then failed with a TypeError on the first firm it tried."""
    u = _uscc(30)
    G = _graph(("co:stock:601058", {"name": "赛轮轮胎", "stock_code": "601058"}),
               ("co:uscc:913702007180307125", {"name": "赛轮集团股份有限公司", "stock_code": "601058"}),
               _reg(u, "福州甲贸易有限公司"), _named("福州甲贸易有限公司"))
    res = resolve_companies(G)
    assert res.canonical["co:stock:601058"] == "co:uscc:913702007180307125"
    assert res.canonical["co:name:福州甲贸易有限公司"] == f"co:uscc:{u}"
    same_name, = [link for link in res.links if link.evidence["rule"] == "same_name"]
    assert same_name.evidence["names"] == ["福州甲贸易有限公司", "福州甲贸易有限公司"]
