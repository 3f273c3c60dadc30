"""A firm dated only by an enforcement filing is no successor: the filing bounds its founding from
above, and a successor must be shown founded *after* the last firm's listing. It can still head a
chain, and a dishonest firm left out of a chain under the chain rep's name carries a namesake
lead: the chain it would make, weighed by the chance that coincidence gives no such firm."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from creditgraph.analytics.frames import days, graph_frames
from creditgraph.analytics.dishonest_ranking import dishonest_firm_ranking
from creditgraph.analytics.succession import FOUNDED_BY, chain_namesakes, founding_days, succession


def _firm(G: nx.MultiDiGraph, key: str, rep: str, founded: str | None, filed: str | None,
          published: str | None = None) -> None:
    G.add_node(key, label="Company", name=key, founded=founded)
    G.add_node(f"pe:x:{rep}@{key}", label="Person", name=rep)
    G.add_edge(f"pe:x:{rep}@{key}", key, key="LEGAL_REP_OF", type="LEGAL_REP_OF")
    if filed or published:
        G.add_node(f"dr:{key}", label="DishonestRecord", case_no=f"（2015）闽01执{key}号", filed=filed,
                   published=published, unperformed_amount=0)
        G.add_edge(key, f"dr:{key}", key="LISTED_IN", type="LISTED_IN")


def _inputs(G: nx.MultiDiGraph):
    """Frames, (firm, rep) entity pairs and 失信 cases per entity (a firm with a record: one)."""
    fr = graph_frames(G)
    lr = fr.edges_of("LEGAL_REP_OF")
    reps = pd.DataFrame({"f": fr.entity[lr["v"].to_numpy()], "p": fr.entity[lr["u"].to_numpy()]})
    listed = {u for u, _, t in G.edges(data="type") if t == "LISTED_IN"}
    return fr, reps, np.array([1.0 if k in listed else 0.0 for k in fr.entities])


def _chain_of(G: nx.MultiDiGraph) -> dict[str, int]:
    fr, reps, cases = _inputs(G)
    chain = succession(fr, reps, cases)
    return {k: int(chain[i]) for i, k in enumerate(fr.entities) if G.nodes[k]["label"] == "Company"}


def _pair(successor_founded: str | None, successor_filed: str) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    _firm(G, "co:old", "张伟", "2010-01-01", "2012-03-01", published="2012-05-01")
    _firm(G, "co:new", "张伟", successor_founded, successor_filed, published=None)
    return G


def test_a_filing_dates_the_firm_at_the_latest_and_says_so():
    fr, _, _ = _inputs(_pair(None, "2012-09-01"))
    day, by = founding_days(fr)
    e = list(fr.entities).index("co:new")
    assert FOUNDED_BY[by[e]] == "first case filing" and day[e] == days(np.array(["2012-09-01"]))[0]


@pytest.mark.parametrize("filed", ["2012-06-01", "2012-09-01", "2013-04-30"])
def test_a_firm_dated_only_by_its_filing_succeeds_nothing(filed):
    """Sued one, four or twelve months after the old firm's listing: founded at the latest then,
    perhaps years before the listing, so no date shows it came after."""
    assert _chain_of(_pair(None, filed)) == {"co:old": 0, "co:new": 0}


def test_the_same_firm_with_its_founding_published_succeeds():
    assert _chain_of(_pair("2012-09-01", "2014-06-01")) == {"co:old": 2, "co:new": 2}


def test_a_firm_dated_only_by_its_filing_heads_a_chain():
    """Its own listing dates the succession of the firm founded after it."""
    G = nx.MultiDiGraph()
    _firm(G, "co:old", "张伟", None, "2012-03-01", published="2012-05-01")
    _firm(G, "co:new", "张伟", "2012-09-01", "2014-06-01")
    assert _chain_of(G) == {"co:old": 2, "co:new": 2}


def _serial_city() -> nx.MultiDiGraph:
    """黄杰美 runs three firms into default in turn; the middle one publishes no founding, so only
    the last link can be dated. 40 dishonest firms of other reps, and 40 clean ones, around them."""
    G = nx.MultiDiGraph()
    _firm(G, "co:s1", "黄杰美", "2012-02-10", "2014-02-10", published="2014-05-27")
    _firm(G, "co:s2", "黄杰美", None, "2015-12-26", published="2016-05-29")
    _firm(G, "co:s3", "黄杰美", "2016-09-26", "2018-01-07", published="2018-04-28")
    for i in range(40):
        _firm(G, f"co:other{i:02d}", f"路人{i}", "2011-01-01", "2015-01-01", published="2015-03-01")
        _firm(G, f"co:clean{i:02d}", f"行人{i}", "2011-01-01", None)
    for i in range(400):
        _firm(G, f"co:quiet{i:03d}", f"过客{i}", "2011-01-01", None)
    return G


def test_a_firm_left_out_of_its_reps_chain_carries_the_chain_as_likely_as_its_lead_holds():
    ranking = dishonest_firm_ranking(_serial_city())
    assert ranking.loc[["co:s1", "co:s2", "co:s3"], "succession"].tolist() == [0, 2, 2]
    chance = ranking.at["co:s1", "chain_chance"]
    assert chance == pytest.approx(1 * 43 / 483)  # the name's one firm outside the chain × the dishonest share
    p = np.exp(-chance)  # coincidence gives no such firm
    assert ranking.at["co:s1", "risk"] == pytest.approx(1 + 2 * 3 * p)  # the chain of three it would make
    assert ranking.at["co:s2", "risk"] == pytest.approx(1 + 2 * 2 + 2 * p)  # one more firm in its chain
    assert ranking.index[:3].tolist() == ["co:s2", "co:s3", "co:s1"]  # by its own case alone it would come 43rd
    assert np.isinf(ranking.loc[ranking.index != "co:s1", "chain_chance"]).all()


def test_no_lead_from_a_name_chance_gives_often():
    """A name on as many firms as the dishonest share takes to give one of them by chance leads to nothing."""
    G = _serial_city()
    for i in range(15):  # 15 more firms under the name: 16 outside the chain × 43/498 > 1
        _firm(G, f"co:namesake{i:02d}", "黄杰美", "2005-01-01", None)
    ranking = dishonest_firm_ranking(G)
    assert np.isinf(ranking.at["co:s1", "chain_chance"])
    assert ranking.at["co:s1", "rank"] == 2 + 40 + 1  # back to the unperformed amount, then the key


def test_chain_namesakes_is_empty_without_a_chain():
    fr, reps, cases = _inputs(_pair(None, "2012-09-01"))
    assert np.isinf(chain_namesakes(fr, reps, cases, np.zeros(len(fr.entities)))).all()
