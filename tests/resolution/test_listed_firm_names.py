"""A listed firm that publishes no USCC is keyed by its stock code; the 失信 list names it by its
full registered name. Company resolution joins the two (rule 6: an enterprise name is unique
within its registration authority), so the firm's case is carried by one ranked entity; two
listed firms of one name, or any person's name, join nothing."""

from __future__ import annotations

import networkx as nx

from creditgraph.analytics.dishonest_ranking import dishonest_firm_ranking
from creditgraph.analytics.resolve.companies import SCORE_NAME, resolve_companies

_NAME = "福州丰晨建材有限公司"


def _city(*listed: tuple[str, str]) -> nx.MultiDiGraph:
    """``listed``: (stock-keyed node, name); a 失信 record names ``_NAME`` (full-width brackets
    and all normalised as the loaders do), with its legal rep as the list prints them."""
    G = nx.MultiDiGraph()
    for key, name in listed:
        G.add_node(key, label="Company", name=name, stock_code=key.rsplit(":", 1)[1] + ".SZ", founded="2010-01-01")
    G.add_node(f"co:name:{_NAME}", label="Company", name=_NAME)
    G.add_node("dr:1", label="DishonestRecord", case_no="(2020)闽0111执1号", published="2020-06-01",
               filed="2020-03-01", unperformed_amount=100000)
    G.add_edge(f"co:name:{_NAME}", "dr:1", key="LISTED_IN", type="LISTED_IN")
    G.add_node("pe:zxgk:黄秀晓@1", label="Person", name="黄秀晓")
    G.add_edge("pe:zxgk:黄秀晓@1", f"co:name:{_NAME}", key="LEGAL_REP_OF", type="LEGAL_REP_OF")
    for i in range(5):
        G.add_node(f"co:stock:SZ:00010{i}", label="Company", name=f"福州甲{i}有限公司", stock_code=f"00010{i}.SZ")
    return G


def _resolved(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    for k, c in resolve_companies(G).canonical.items():
        G.nodes[k]["resolved"] = c
    return G


def test_a_name_keyed_record_joins_the_one_listed_firm_of_that_name():
    G = _city(("co:stock:SZ:300054", _NAME))
    res = resolve_companies(G)
    assert res.canonical[f"co:name:{_NAME}"] == "co:stock:SZ:300054"
    (link,) = res.links
    assert link.score == SCORE_NAME and link.evidence["rule"] == "same_name+stock"
    assert link.evidence["stock_code"] == "300054.SZ" and link.evidence["names"] == [_NAME, _NAME]
    assert "pe:zxgk:黄秀晓@1" not in res.canonical  # firms only


def test_the_ranking_carries_the_case_on_the_resolved_firm_once():
    ranking = dishonest_firm_ranking(_resolved(_city(("co:stock:SZ:300054", _NAME))))
    assert ranking.index[0] == "co:stock:SZ:300054" and ranking.iloc[0]["own_cases"] == 1
    assert f"co:name:{_NAME}" not in ranking.index and ranking.index.is_unique


def test_two_listed_firms_of_one_name_join_nothing_and_say_why():
    G = _city(("co:stock:SZ:300054", _NAME), ("co:stock:SZ:200054", _NAME))
    res = resolve_companies(G)
    assert res.canonical[f"co:name:{_NAME}"] == f"co:name:{_NAME}" and not res.links
    (amb,) = res.ambiguous
    assert amb.reason.startswith("several_stock") and sorted(amb.candidates) == ["co:stock:SZ:200054",
                                                                                   "co:stock:SZ:300054"]


def test_a_registry_firm_of_the_name_takes_precedence_and_people_are_never_joined():
    G = _city(("co:stock:SZ:300054", _NAME))
    G.add_node("co:uscc:9135011163080234XU", label="Company", name=_NAME, uscc="9135011163080234XU")
    res = resolve_companies(G)
    assert res.canonical[f"co:name:{_NAME}"] == "co:uscc:9135011163080234XU"  # rule 2, as before
    assert all(not k.startswith("pe:") for k in res.canonical)
