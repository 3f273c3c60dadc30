"""Serial default without ID numbers: a legal rep of one name whose next firm opens within a year
of the last one's 失信 listing, and turns dishonest in its turn, ranks those firms above a firm
with one case; a namesake's dishonest firm founded long before stays out of the chain."""

from __future__ import annotations

import networkx as nx

from creditgraph.analytics.dishonest_ranking import dishonest_firm_ranking


def _city() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()

    def firm(key: str, founded: str, rep: str | None, listed: str | None, cases: int = 1) -> None:
        G.add_node(key, label="Company", name=key, founded=founded)
        if rep:
            G.add_node(f"pe:x:{rep}@{key}", label="Person", name=rep)
            G.add_edge(f"pe:x:{rep}@{key}", key, key="LEGAL_REP_OF", type="LEGAL_REP_OF")
        for i in range(cases if listed else 0):
            rec = f"dr:{key}:{i}"
            G.add_node(rec, label="DishonestRecord", case_no=f"（2015）闽01执{key}{i}号", published=listed,
                       filed=listed, unperformed_amount=0)
            G.add_edge(key, rec, key="LISTED_IN", type="LISTED_IN")
    firm("co:first", "2010-01-01", "张伟", "2012-05-01")
    firm("co:second", "2012-08-01", "张伟", "2014-06-01")      # opened 3 months after the first's listing
    firm("co:third", "2014-09-01", "张伟", "2016-03-01")       # ... and after the second's
    firm("co:namesake", "2003-01-01", "张伟", "2019-01-01")    # same name, no succession in time
    firm("co:two_cases", "2011-01-01", "李娜", "2015-01-01", cases=2)
    for i in range(20):
        firm(f"co:clean{i}", "2012-01-01", f"路人{i}", None)
    return G


def test_a_succession_of_dishonest_firms_under_one_name_ranks_first():
    ranking = dishonest_firm_ranking(_city())
    assert ranking.loc[["co:first", "co:second", "co:third"], "succession"].tolist() == [3, 3, 3]
    assert ranking.loc["co:namesake", "succession"] == 0
    assert set(ranking.index[:3]) == {"co:first", "co:second", "co:third"}
    assert ranking.at["co:first", "risk"] == 1 + 2 * 3
    assert ranking.index[3] == "co:two_cases" and ranking["rank"].is_unique


def test_a_name_alone_makes_no_chain():
    G = _city()
    G.nodes["co:second"]["founded"] = "2022-06-01"   # years after every listing
    G.nodes["co:third"]["founded"] = "2005-01-01"
    ranking = dishonest_firm_ranking(G)
    assert (ranking["succession"] == 0).all()


def test_each_record_of_the_chains_legal_rep_is_flagged_a_serial_defaulter():
    from creditgraph.analytics.offenders import repeat_offenders
    repeat = repeat_offenders(_city())
    chain = [f"pe:x:张伟@co:{f}" for f in ("first", "second", "third")]
    assert repeat.loc[chain, "serial_firms"].tolist() == [3, 3, 3] and repeat.loc[chain, "flag"].all()
    assert "pe:x:张伟@co:namesake" not in repeat.index or not repeat.at["pe:x:张伟@co:namesake", "flag"]


def _undated(G: nx.MultiDiGraph, key: str) -> None:
    G.nodes[key]["founded"] = None


def test_a_firm_with_no_published_founding_is_dated_by_its_first_subscription():
    """A founder subscribes when the firm is founded: with 成立日期 blank, the first 认缴出资日期
    dates the firm at the latest, and the chain holds; the ranking says which record dated it."""
    G = _city()
    _undated(G, "co:third")
    G.add_node("pe:x:holder@co:third", label="Person", name="王芳")
    G.add_edge("pe:x:holder@co:third", "co:third", key="SHAREHOLDER_OF", type="SHAREHOLDER_OF", since="2014-10-15")
    ranking = dishonest_firm_ranking(G)
    assert ranking.loc[["co:first", "co:second", "co:third"], "succession"].tolist() == [3, 3, 3]
    assert ranking.loc["co:third", ["founded", "founded_by"]].tolist() == ["2014-10-15", "first subscription"]
    assert ranking.loc["co:second", ["founded", "founded_by"]].tolist() == ["2012-08-01", "founding"]


def test_an_enforcement_filing_dates_a_firm_no_earlier_record_dates():
    """Sued firms exist: the filing of the first case against an undated firm is the latest it was
    founded, and the ranking shows it. Filed long after the last one's listing, it proves no
    succession (the chain breaks)."""
    G = _city()
    _undated(G, "co:third")
    ranking = dishonest_firm_ranking(G)
    assert ranking.loc["co:third", ["founded", "founded_by"]].tolist() == ["2016-03-01", "first case filing"]
    assert ranking.loc["co:third", "succession"] == 0  # 21 months after co:second's listing
    assert ranking.loc[["co:first", "co:second"], "succession"].tolist() == [2, 2]


def test_a_firm_dated_only_by_its_case_filing_is_no_successor():
    """A filing bounds the founding from above only: sued seven months after co:second's listing,
    co:third may have been founded years before it, so it succeeds nothing by that date. The same
    firm dated by its first subscription (founders subscribe at the founding) in the window does."""
    G = _city()
    _undated(G, "co:third")
    G.nodes["dr:co:third:0"]["filed"] = "2015-01-10"
    ranking = dishonest_firm_ranking(G)
    assert ranking.loc["co:third", ["founded", "founded_by"]].tolist() == ["2015-01-10", "first case filing"]
    assert ranking.loc["co:third", "succession"] == 0
    assert ranking.loc[["co:first", "co:second"], "succession"].tolist() == [2, 2]
    G.add_node("pe:x:holder@co:third", label="Person", name="王芳")
    G.add_edge("pe:x:holder@co:third", "co:third", key="SHAREHOLDER_OF", type="SHAREHOLDER_OF", since="2014-10-15")
    ranking = dishonest_firm_ranking(G)
    assert ranking.loc["co:third", ["founded", "founded_by", "succession"]].tolist() == [
        "2014-10-15", "first subscription", 3]


def test_a_firm_dated_only_by_its_case_filing_still_heads_a_chain():
    """The bound from above costs only the claim that the firm came after another: its own listing
    still dates the succession of a firm founded after it."""
    G = _city()
    _undated(G, "co:first")
    ranking = dishonest_firm_ranking(G)
    assert ranking.loc["co:first", "founded_by"] == "first case filing"
    assert ranking.loc[["co:first", "co:second", "co:third"], "succession"].tolist() == [3, 3, 3]


def test_the_serial_defaulter_flag_reads_the_same_rule():
    """repeat_offenders dates the chain itself: a rep's records at firms joined only by a filing
    date are no serial defaulter."""
    from creditgraph.analytics.offenders import repeat_offenders
    G = _city()
    _undated(G, "co:third")
    G.nodes["dr:co:third:0"]["filed"] = "2015-01-10"
    repeat = repeat_offenders(G)
    assert repeat.loc[[f"pe:x:张伟@co:{f}" for f in ("first", "second")], "serial_firms"].tolist() == [2, 2]
    assert "pe:x:张伟@co:third" not in repeat.index or repeat.at["pe:x:张伟@co:third", "serial_firms"] < 2


def test_a_firm_nothing_dates_joins_no_chain():
    G = _city()
    _undated(G, "co:third")
    G.nodes["dr:co:third:0"]["filed"] = None
    G.nodes["dr:co:third:0"]["published"] = None
    ranking = dishonest_firm_ranking(G)
    assert ranking.loc["co:third", ["founded", "founded_by", "succession"]].tolist() == ["", "", 0]
