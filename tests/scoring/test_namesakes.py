"""Namesake leads of asset hiding (issue 19): without IDs, a relative's record at the debtor
firm and at the firm opened after the judgment share only a name. The lead is kept for a rare
name met in the window, not for a common one, and ranks behind every lead with a tie."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from creditgraph.analytics.hiding_ranking import hiding_firm_ranking
from creditgraph.analytics.offenders import hidden_assets


def _add_firm(G: nx.MultiDiGraph, key: str, founded: str, people: list[tuple[str, str, str]]) -> None:
    """``people``: (node key, name, edge type) — every record its own node, as a registry
    without IDs writes them."""
    G.add_node(key, label="Company", founded=founded)
    for node, name, type_ in people:
        G.add_node(node, label="Person", name=name)
        G.add_edge(node, key, key=type_, type=type_, **({"since": founded} if type_ == "SHAREHOLDER_OF" else {}))


def _city(*, background_namesakes: int = 0) -> nx.MultiDiGraph:
    """Debtor firm DEBT (林军 legal rep, 林溪建 supervisor), judged 2020-01-01; in the window
    林溪建 founds NEW and 陈伟 (not the rep's surname) founds OTHER; 林军's own name opens
    LATE after the window. 200 ordinary firms founded over 22 years set the base rate;
    ``background_namesakes`` of them have a 林溪建 too (the name made common)."""
    G = nx.MultiDiGraph()
    _add_firm(G, "co:uscc:DEBT", "2012-05-01", [("pe:d1", "林军", "LEGAL_REP_OF"), ("pe:d2", "林溪建", "OFFICER_OF"),
                                                 ("pe:d3", "陈伟", "OFFICER_OF")])
    G.add_node("dr:1", label="DishonestRecord", case_no="(2020)执1号", basis_doc_no="(2019)民1号", filed="2020-03-01")
    G.add_node("cs:1", label="Case", case_no="(2019)民1号", judgment_date="2020-01-01")
    G.add_edge("co:uscc:DEBT", "dr:1", key="LISTED_IN", type="LISTED_IN")
    _add_firm(G, "co:uscc:NEW", "2020-03-01", [("pe:n1", "林溪建", "LEGAL_REP_OF")])
    _add_firm(G, "co:uscc:OTHER", "2020-04-01", [("pe:o1", "陈伟", "LEGAL_REP_OF")])
    _add_firm(G, "co:uscc:LATE", "2022-06-01", [("pe:l1", "林军", "LEGAL_REP_OF")])
    for i in range(200):
        year, name = 2000 + i % 22, "林溪建" if i < background_namesakes else f"路人{i}"
        _add_firm(G, f"co:uscc:B{i:03d}", f"{year}-{1 + i % 12:02d}-15", [(f"pe:b{i}", name, "LEGAL_REP_OF")])
    return G


def test_a_rare_name_of_the_rep_s_family_met_right_after_the_judgment_is_a_lead():
    H = hidden_assets(_city())
    lead = H[H["firm"] == "co:uscc:NEW"]
    assert lead[["mode", "via", "ties", "strength"]].values.tolist() == [["new_firm", "pe:n1", "namesake", 0]]
    assert 0 < lead["chance"].iloc[0] < 0.2  # one other firm of the name, ~1 in 20 founded in that year
    assert "co:uscc:OTHER" not in set(H["firm"])  # 陈伟 does not bear the legal rep's surname
    assert "co:uscc:LATE" not in set(H["firm"])  # after the window


def test_a_common_name_is_no_lead():
    H = hidden_assets(_city(background_namesakes=40))  # 41 firms of the name: ~2 expected in any year
    assert "co:uscc:NEW" not in set(H["firm"])


def test_a_namesake_lead_ranks_behind_every_tie_and_by_its_chance():
    H = pd.DataFrame({"firm": ["co:tie", "co:rare", "co:common"], "debtor": ["x", "x", "x"], "strength": [1, 0, 0],
                      "chance": [np.nan, 0.05, 0.5], "judged": ["2020-01-01"] * 3,
                      "moved_on": ["2020-12-01", "2020-02-01", "2020-01-15"]})
    ranking = hiding_firm_ranking(H, pd.Index(["co:none", "co:common", "co:rare", "co:tie"]))
    assert ranking.index.tolist() == ["co:tie", "co:rare", "co:common", "co:none"]


def test_a_common_name_s_lead_is_no_finding_but_orders_the_ranking_below_every_finding():
    """Asked for (``weak=True``), the common name's lead comes back marked ``finding`` False: it
    places NEW below the rare-name and tie findings but above the firms nothing points at."""
    H = hidden_assets(_city(background_namesakes=40), weak=True)
    lead = H[H["firm"] == "co:uscc:NEW"]
    assert lead[["ties", "strength", "finding"]].values.tolist() == [["namesake", 0, False]]
    assert lead["chance"].iloc[0] >= 1.0
    assert H["finding"].tolist() == sorted(H["finding"].tolist(), reverse=True)  # findings first
    findings = pd.DataFrame({"firm": ["co:tie", "co:rare"], "debtor": ["x", "x"], "strength": [1, 0],
                             "chance": [np.nan, 0.05], "judged": ["2020-01-01"] * 2,
                             "moved_on": ["2020-12-01", "2020-02-01"]})
    ranking = hiding_firm_ranking(pd.concat([findings, lead], ignore_index=True),
                                  pd.Index(["co:none", "co:uscc:NEW", "co:rare", "co:tie"]))
    assert ranking.index.tolist() == ["co:tie", "co:rare", "co:uscc:NEW", "co:none"]


def test_a_namesake_chance_would_give_less_than_once_in_a_hundred_counts_as_a_tie():
    """2,000 more firms founded in 2005 make a founding in the judgment's year rare (~0.5 %):
    林溪建 met again there is one person as surely as a resolved link must be."""
    G = _city()
    for i in range(2000):
        _add_firm(G, f"co:uscc:C{i:04d}", "2005-06-15", [(f"pe:c{i}", f"路人乙{i}", "LEGAL_REP_OF")])
    lead = hidden_assets(G)
    lead = lead[lead["firm"] == "co:uscc:NEW"]
    assert lead["chance"].iloc[0] < 0.01 and lead[["ties", "strength"]].values.tolist() == [["namesake", 1]]
    assert hidden_assets(_city()).set_index("firm").at["co:uscc:NEW", "strength"] == 0  # ~0.05: no tie
