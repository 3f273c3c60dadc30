"""Undated leads of asset hiding (issue 19): where the files date no move (a blank founding, a
stake with no subscription date), a debtor firm's relative who controls another firm under a rare
name, or under a record resolved to them, orders the hiding ranking after every finding and before
the commoner-named timing leads — and finds nothing."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from creditgraph.analytics.hiding_ranking import hiding_firm_ranking
from creditgraph.analytics.offenders import hidden_assets


def _add_firm(G: nx.MultiDiGraph, key: str, founded: str | None, people: list[tuple[str, str, str]],
              holders: list[tuple[str, str, float]] = ()) -> None:
    """``people``: (node key, name, edge type); ``holders``: (node key, name, ratio), stakes with no
    subscription date. Every record its own node, as a registry without IDs writes them."""
    G.add_node(key, label="Company", **({"founded": founded} if founded else {}))
    for node, name, type_ in people:
        G.add_node(node, label="Person", name=name)
        G.add_edge(node, key, key=type_, type=type_)
    for node, name, ratio in holders:
        G.add_node(node, label="Person", name=name)
        G.add_edge(node, key, key="SHAREHOLDER_OF", type="SHAREHOLDER_OF", ratio=ratio)


def _city(*, background_namesakes: int = 0, silent_owners: int = 0) -> nx.MultiDiGraph:
    """Debtor firm DEBT (林军 legal rep, 林溪建 supervisor), judged 2020-01-01. HIDDEN: no founding
    date, 林溪建 its legal rep and sole holder (another record). STAKE: founded 2015, 林溪建 its
    largest holder, undated. BOSS: no founding date, 林军 (the rep himself) its legal rep. LATE:
    founded after the window, 林溪建 its largest holder, undated. 200 ordinary firms, a quarter held by
    their rep with no date (about a quarter of all name-firm records are undated control), one in ten
    with no founding date (as the listed layout blanks 10 %: running a firm nothing dates is that common);
    ``background_namesakes`` of them have a 林溪建 (the name made common); the last ``silent_owners``
    of them a majority holder in no post (an undated passive stake, as STAKE's 林溪建 holds)."""
    G = nx.MultiDiGraph()
    _add_firm(G, "co:uscc:DEBT", "2012-05-01", [("pe:d1", "林军", "LEGAL_REP_OF"), ("pe:d2", "林溪建", "OFFICER_OF")])
    G.add_node("dr:1", label="DishonestRecord", case_no="(2020)执1号", basis_doc_no="(2019)民1号", filed="2020-03-01")
    G.add_node("cs:1", label="Case", case_no="(2019)民1号", judgment_date="2020-01-01")
    G.add_edge("co:uscc:DEBT", "dr:1", key="LISTED_IN", type="LISTED_IN")
    _add_firm(G, "co:uscc:HIDDEN", None, [("pe:h1", "林溪建", "LEGAL_REP_OF")], [("pe:h2", "林溪建", 1.0)])
    _add_firm(G, "co:uscc:STAKE", "2015-03-01", [("pe:s1", "王强", "LEGAL_REP_OF")],
              [("pe:s2", "林溪建", 0.6), ("pe:s3", "王强", 0.4)])
    _add_firm(G, "co:uscc:BOSS", None, [("pe:b1", "林军", "LEGAL_REP_OF")])
    _add_firm(G, "co:uscc:LATE", "2022-06-01", [("pe:l1", "赵敏", "LEGAL_REP_OF")], [("pe:l2", "林溪建", 0.9)])
    for i in range(200):
        year, name = 2000 + i % 22, "林溪建" if i < background_namesakes else f"路人{i}"
        holders = [(f"pe:r{i}", name, 1.0)] if i % 4 == 0 else []
        if i >= 200 - silent_owners:
            holders = [(f"pe:o{i}", f"股东{i}", 0.7), (f"pe:r{i}", name, 0.3)]
        founded = None if i % 10 == 5 else f"{year}-{1 + i % 12:02d}-15"
        _add_firm(G, f"co:uscc:B{i:03d}", founded, [(f"pe:r{i}", name, "LEGAL_REP_OF")], holders)
    return G


def _undated(H: pd.DataFrame) -> pd.DataFrame:
    return H[~H["dated"].astype(bool)].set_index("firm")


def test_a_rare_named_relative_controlling_an_undated_firm_is_an_undated_lead():
    lead = _undated(hidden_assets(_city(), weak=True))
    assert sorted(lead.index) == ["co:uscc:HIDDEN", "co:uscc:STAKE"]
    assert lead.loc["co:uscc:HIDDEN", "mode"] == "new_firm"  # legal rep of a firm nothing dates
    assert lead.loc["co:uscc:STAKE", "mode"] == "equity_transfer"  # largest holder, stake undated
    assert (lead["moved_on"] == "").all() and (lead["strength"] == 0).all() and not lead["finding"].any()
    assert (lead["ties"] == "namesake").all()
    # the name's two other firms x ~a quarter of records undated control: ~0.5, below 1
    assert (lead["chance"].astype(float) < 1).all()


def test_an_undated_lead_is_no_finding():
    assert not {"co:uscc:HIDDEN", "co:uscc:STAKE"} & set(hidden_assets(_city())["firm"])


def test_the_rep_s_own_firm_and_a_firm_founded_after_the_window_are_no_lead():
    firms = set(_undated(hidden_assets(_city(), weak=True)).index)
    assert "co:uscc:BOSS" not in firms  # the boss's own name: nothing hidden from a search of it
    assert "co:uscc:LATE" not in firms  # founded after the window: the stake cannot have moved in it


def test_a_common_name_is_no_undated_lead():
    # 44 firms of the name; a quarter of ~260 name-firm records run a firm undated, and 50 silent
    # owners make a silent stake common too: ~10 and ~8 such records by chance
    H = hidden_assets(_city(background_namesakes=40, silent_owners=50), weak=True)
    assert _undated(H).empty


def test_a_silent_stake_is_read_by_how_rare_silent_stakes_are_in_the_city():
    # the same common name, in a city where only 林溪建 holds a majority in no post (STAKE, LATE):
    # chance gives STAKE's silent 60 % ~42 x 2/210 = 0.4; running HIDDEN, a firm nothing dates, under
    # that name ~42 x 22/210 = 4.4 (one firm in ten is undated)
    lead = _undated(hidden_assets(_city(background_namesakes=40), weak=True))
    assert lead.index.tolist() == ["co:uscc:STAKE"]
    assert float(lead.loc["co:uscc:STAKE", "chance"]) < 0.5
    # the rarer kind is the stronger lead, also for a rare name: STAKE before HIDDEN
    rare = _undated(hidden_assets(_city(), weak=True))
    assert float(rare.loc["co:uscc:STAKE", "chance"]) < float(rare.loc["co:uscc:HIDDEN", "chance"])


def test_a_record_resolved_to_the_relative_is_an_associate_lead_of_no_chance():
    G = _city()
    for node in ("pe:d2", "pe:h1", "pe:h2"):
        G.nodes[node]["resolved"] = "pe:LINXIJIAN"
    lead = _undated(hidden_assets(G, weak=True))
    assert lead.loc["co:uscc:HIDDEN", "ties"] == "associate"
    assert float(lead.loc["co:uscc:HIDDEN", "chance"]) == 0.0
    assert lead.loc["co:uscc:HIDDEN", "strength"] == 0  # it says nothing of when: no tie counted


def test_undated_leads_rank_after_every_finding_and_before_weak_timing_leads():
    H = pd.DataFrame({
        "firm": ["co:find", "co:find0", "co:weak", "co:undated", "co:undated2", "co:undated3"],
        "debtor": ["x", "x", "x", "x", "x", "y"], "strength": [1, 0, 0, 0, 0, 0],
        "chance": [np.nan, 0.5, 1.2, 0.3, 0.3, 0.3], "judged": ["2020-01-01"] * 6,
        "moved_on": ["2020-02-01", "2020-02-01", "2020-03-01", "", "", ""],
        "finding": [True, True, False, False, False, False], "dated": [True, True, True, False, False, False]})
    H = pd.concat([H, H.iloc[[5]].assign(debtor="x")], ignore_index=True)  # co:undated3: two debtors
    ranking = hiding_firm_ranking(H, pd.Index(["co:none", "co:weak", "co:undated2", "co:undated", "co:undated3",
                                               "co:find0", "co:find"]))
    # ties in chance go to more debtors, then the key: one place per firm, no tie block
    assert ranking.index.tolist() == ["co:find", "co:find0", "co:undated3", "co:undated", "co:undated2", "co:weak",
                                      "co:none"]
    assert ranking["tier"].tolist() == [0, 0, 1, 1, 1, 2, 3]
