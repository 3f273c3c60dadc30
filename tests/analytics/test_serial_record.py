"""What a legal rep's default record carries to a firm in the dishonest ranking (issue 19).

A nominee fronting many firms, some of which are listed, is no serial defaulter by volume alone:
the record counts by the share of the rep's firms that defaulted, and a firm not listed itself
carries it as likely as a firm of that rep defaults. And a serial defaulter's firm that the dates
leave out of the chain (its successor dated only by a filing) carries the chain it would make,
weighed by its lead's chance, above the firms with two cases of their own."""

from __future__ import annotations

import networkx as nx

from creditgraph.analytics.dishonest_ranking import dishonest_firm_ranking


def _firm(G: nx.MultiDiGraph, key: str, rep: str, founded: str | None, listed: str | None = None,
          filed: str | None = None, cases: int = 1) -> None:
    """A firm whose legal rep is the person node ``rep`` (added once), listed ``cases`` times when ``listed``
    or ``filed`` is given."""
    G.add_node(key, label="Company", name=key, founded=founded)
    G.add_node(rep, label="Person", name=rep.rsplit(":", 1)[-1].split("@")[0])
    G.add_edge(rep, key, key="LEGAL_REP_OF", type="LEGAL_REP_OF")
    for i in range(cases if listed or filed else 0):
        G.add_node(f"dr:{key}:{i}", label="DishonestRecord", case_no=f"（2016）闽01执{key}{i}号",
                   published=listed, filed=filed or listed, unperformed_amount=0)
        G.add_edge(key, f"dr:{key}:{i}", key="LISTED_IN", type="LISTED_IN")


def _nominee_city() -> nx.MultiDiGraph:
    """One person (resolved: one node) ran three firms into default in turn and opened a fourth;
    a nominee fronts 60 firms, 9 of them listed; 30 firms with one case of their own."""
    G = nx.MultiDiGraph()
    boss = "pe:id:黄杰美"
    _firm(G, "co:s1", boss, "2012-02-10", "2014-05-27")
    _firm(G, "co:s2", boss, "2014-08-01", "2016-05-29")
    _firm(G, "co:s3", boss, "2016-09-26", "2018-04-28")
    _firm(G, "co:s4", boss, "2018-07-01")  # not listed (yet)
    for i in range(60):
        _firm(G, f"co:front{i:02d}", "pe:id:刘福伟", "2020-01-01", "2021-06-01" if i < 9 else None)
    for i in range(30):
        _firm(G, f"co:one{i:02d}", f"pe:x:路人{i}", "2011-01-01", "2015-03-01")
    return G


def test_a_nominees_fronted_firms_rank_below_a_serial_defaulters():
    ranking = dishonest_firm_ranking(_nominee_city())
    serial = ranking.loc[["co:s1", "co:s2", "co:s3"], "rank"]
    fronted = ranking.loc[[f"co:front{i:02d}" for i in range(60)], "rank"]
    assert serial.max() < fronted.min()  # before: each fronted firm carried 2 × 9 defaults, above 1 + 2 × 3
    # 3 defaults of 4 firms: 2 × 3 × 3/4 to each listed firm, × 3/4 again to the one not listed
    assert ranking.at["co:s1", "risk"] == 1 + 2 * 3 * 0.75
    assert ranking.at["co:s4", "risk"] == 2 * 3 * 0.75 * 0.75
    # 9 of 60: a listed fronted firm 1 + 2 × 9 × 0.15, one not listed 2 × 9 × 0.15²
    assert abs(ranking.at["co:front00", "risk"] - (1 + 2 * 9 * 0.15)) < 1e-9
    assert abs(ranking.at["co:front50", "risk"] - 2 * 9 * 0.15 ** 2) < 1e-9
    # the serial defaulter's firm not yet listed still ranks above the one-case firms and the nominee's not listed
    assert ranking.at["co:s4", "rank"] < min(fronted.iloc[9:].min(), ranking.at["co:one00", "rank"])


def _broken_chain_city() -> nx.MultiDiGraph:
    """黄杰美's three firms, one record per firm (no ID): the second publishes no founding, so
    its link to the first cannot be dated; 60 firms with two cases of their own rank above one case."""
    G = nx.MultiDiGraph()
    _firm(G, "co:s1", "pe:x:黄杰美@1", "2012-02-10", "2014-05-27")
    _firm(G, "co:s2", "pe:x:黄杰美@2", None, "2016-05-29", filed="2015-12-26")
    _firm(G, "co:s3", "pe:x:黄杰美@3", "2016-09-26", "2018-04-28")
    for i in range(60):
        _firm(G, f"co:two{i:02d}", f"pe:x:路人{i}", "2011-01-01", "2015-03-01", cases=2)
    for i in range(400):
        _firm(G, f"co:quiet{i:03d}", f"pe:x:过客{i}", "2011-01-01")
    return G


def test_a_firm_its_chain_leaves_out_ranks_with_the_chain_not_below_two_case_firms():
    ranking = dishonest_firm_ranking(_broken_chain_city())
    assert ranking.at["co:s1", "succession"] == 0 and ranking.at["co:s1", "chain_chance"] < 0.2
    assert ranking.at["co:s1", "rank"] == 3  # before: risk 1, below the 60 firms with two cases (rank 63)


def test_dates_that_place_a_namesake_apart_from_the_chain_give_no_lead():
    """A dishonest firm of the name founded long before the chain and listed long after it: both
    ends dated, neither could follow the other."""
    G = _broken_chain_city()
    _firm(G, "co:namesake", "pe:x:黄杰美@9", "2003-01-01", "2021-01-01")
    ranking = dishonest_firm_ranking(G)
    assert ranking.at["co:namesake", "risk"] == 1 and ranking.at["co:namesake", "chain_chance"] == float("inf")
    assert ranking.at["co:s1", "rank"] == 3


def test_a_chain_split_over_several_records_counts_its_share_over_all_their_firms():
    """A nominee's records stay four people (one per batch of three fronted firms, no ID); one firm of
    each batch defaults, each opened within a year of the last listing, so the name's chain holds 4
    defaults — of 12 firms, not of the 3 a record fronts."""
    G = _broken_chain_city()
    for i, (founded, listed) in enumerate((("2012-01-01", "2013-03-01"), ("2013-06-01", "2014-08-01"),
                                           ("2014-10-01", "2016-01-01"), ("2016-04-01", "2017-05-01"))):
        rep = f"pe:x:傅晨@{i}"
        _firm(G, f"co:fu{i}d", rep, founded, listed)
        _firm(G, f"co:fu{i}a", rep, founded)
        _firm(G, f"co:fu{i}b", rep, founded)
    ranking = dishonest_firm_ranking(G)
    assert ranking.at["co:fu0d", "succession"] == 4
    assert abs(ranking.at["co:fu0a", "risk"] - 2 * 4 * (4 / 12) ** 2) < 1e-9  # before: 2 x 4 x (4/4)^2 = 8
    assert abs(ranking.at["co:fu0d", "risk"] - (1 + 2 * 4 * 4 / 12)) < 1e-9
    assert ranking.at["co:fu0a", "rank"] > ranking.at["co:two59", "rank"]  # below every firm with two cases
