"""Fronting is counted in business groups (issue 19): a group's director on the boards of the
subsidiaries one parent grew over the years runs one business, while a nominee's firms — tied by
no owning company, only by a cross-holding ring, or held by one company that was registered with
them in a batch or is as hollow as they are — each count. The evidence says both counts."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from creditgraph.analytics.evidence import parse, render
from creditgraph.analytics.features import business_groups, company_indicators, ownership_groups
from creditgraph.analytics.frames import NO_DAY, graph_frames

#: The group's firms, founded over fourteen years; the nominee's, within a month.
GROUP = {"P": "2000-01-01", "S1": "2003-05-01", "S2": "2008-07-01", "S3": "2014-03-01"}
BATCH = {"N1": "2021-03-01", "N2": "2021-03-05", "N3": "2021-03-20"}


def _firm(G: nx.MultiDiGraph, k: str, founded: str, *, paid: float = 1e6) -> None:
    G.add_node(f"co:uscc:{k}", label="Company", founded=founded, name=k, registered_capital=1e6, paid_in_capital=paid)


def _fronted(G: nx.MultiDiGraph, rep: str, mate: str, firms) -> None:
    for f in firms:
        G.add_edge(f"pe:{rep}", f"co:uscc:{f}", key="LEGAL_REP_OF", type="LEGAL_REP_OF")
        G.add_edge(f"pe:{mate}", f"co:uscc:{f}", key="OFFICER_OF:监事", type="OFFICER_OF", role="监事")


def _held(G: nx.MultiDiGraph, owner: str, firms) -> None:
    for f in firms:
        G.add_edge(f"co:uscc:{owner}", f"co:uscc:{f}", key="SHAREHOLDER_OF", type="SHAREHOLDER_OF", ratio=1.0)


def _group_and_nominee(*, holding: str | None = None, holding_founded: str = "2021-02-20",
                       nominee_paid: float = 1e6, batch: dict[str, str] = BATCH) -> nx.MultiDiGraph:
    """Group 集团 (P) holds S1–S3; its director 吴伟 is legal rep of S1–S3 with 陈一 beside him on
    each board. Nominee 王五 is legal rep of N1–N3 with 李四 beside him; N1 and N2 hold each other
    (a ring). With ``holding``, one company of that key holds all of N1–N3."""
    G = nx.MultiDiGraph()
    for k, founded in GROUP.items():
        _firm(G, k, founded)
    for k, founded in batch.items():
        _firm(G, k, founded, paid=nominee_paid)
    for k, name in {"wu": "吴伟", "chen": "陈一", "wang": "王五", "li": "李四", "boss": "集团董事长"}.items():
        G.add_node(f"pe:{k}", label="Person", name=name)
    G.add_edge("pe:boss", "co:uscc:P", key="LEGAL_REP_OF", type="LEGAL_REP_OF")
    _fronted(G, "wu", "chen", ("S1", "S2", "S3"))
    _fronted(G, "wang", "li", batch)
    _held(G, "P", ("S1", "S2", "S3"))
    for n in batch:
        G.add_edge("pe:wang", f"co:uscc:{n}", key="SHAREHOLDER_OF", type="SHAREHOLDER_OF", ratio=0.9)
    G.add_edge("co:uscc:N1", "co:uscc:N2", key="SHAREHOLDER_OF", type="SHAREHOLDER_OF", ratio=0.1)
    G.add_edge("co:uscc:N2", "co:uscc:N1", key="SHAREHOLDER_OF", type="SHAREHOLDER_OF", ratio=0.1)
    if holding:
        _firm(G, holding, holding_founded, paid=nominee_paid)
        _held(G, holding, batch)
    return G


def test_a_parent_ties_its_subsidiaries_and_a_ring_ties_nothing():
    fr = graph_frames(_group_and_nominee())
    firms = fr.of_label("Company")
    label = dict(zip(fr.keys[firms].tolist(), ownership_groups(fr, firms).tolist()))
    group = {label[f"co:uscc:{k}"] for k in GROUP}
    nominee = [label[f"co:uscc:{k}"] for k in BATCH]
    assert len(group) == 1  # parent and siblings: one group
    assert len(set(nominee)) == 3 and group.isdisjoint(nominee)  # the ring N1⇄N2 is no tree


def test_a_groups_director_fronts_one_business_and_a_nominee_three():
    X, evidence = company_indicators(_group_and_nominee())
    s1, n1 = X.loc["co:uscc:S1"], X.loc["co:uscc:N1"]
    assert (s1.rep_fronts_firms, n1.rep_fronts_firms) == (1, 3)
    assert (s1.officer_fronts_firms, n1.officer_fronts_firms) == (1, 3)
    # S1 shares 吴伟 and 陈一 with S2 and S3, all one group; N1 shares 王五 and 李四 with N2 and N3
    assert (s1.shared_crew, n1.shared_crew) == (0, 2)
    assert evidence["co:uscc:N1"]["rep_fronts_firms"] == "legal rep 王五 is legal rep of 3 firms"


def test_the_evidence_states_the_firms_and_the_groups_in_both_languages():
    X, evidence = company_indicators(_group_and_nominee())
    at = X.index.get_loc("co:uscc:S1")
    assert evidence["co:uscc:S1"]["rep_fronts_firms"] == "legal rep 吴伟 is legal rep of 3 firms in 1 ownership group"
    assert evidence["co:uscc:S1"]["officer_fronts_firms"] == "吴伟 holds posts in 3 firms in 1 ownership group"
    assert evidence["co:uscc:S1"]["shared_crew"] == \
        "2 other firms share two or more of its people, in 0 ownership groups besides its own"
    zh = lambda indicator: evidence.sentence(at, indicator, "zh")
    assert zh("rep_fronts_firms") == "法定代表人 吴伟 担任 3 家企业的法定代表人（属 1 个股权集团）"
    assert zh("shared_crew") == "另有 2 家企业与其共用两名以上人员（本集团以外属 0 个股权集团）"
    fact = evidence.facts(np.array([at]), "rep_fronts_firms")[0]
    assert fact == {"template": "rep_fronts_firms", "n": 3, "person": "吴伟", "groups": 1}
    assert parse(render(fact)) == fact  # a stored English sentence reads back with both counts


@pytest.mark.parametrize("case", ["fresh holding company", "old holding company", "hollow spread-out shells"])
def test_one_holding_company_over_a_nominees_shells_leaves_each_shell_counted(case):
    """The evasion: put one company over the nominee's shells, so that they form one ownership
    group. A batch (founded within days of each other) or a hollow set (capital unpaid) is not a
    business group, whether the holding company is new or old."""
    if case == "fresh holding company":
        G = _group_and_nominee(holding="H")
    elif case == "old holding company":
        G = _group_and_nominee(holding="H", holding_founded="2005-06-01")
    else:  # founded years apart, but nothing paid in anywhere
        G = _group_and_nominee(holding="H", holding_founded="2005-06-01", nominee_paid=0.0,
                               batch={"N1": "2012-03-01", "N2": "2016-03-05", "N3": "2020-03-20"})
    fr = graph_frames(G)
    firms = fr.of_label("Company")
    label = dict(zip(fr.keys[firms].tolist(), ownership_groups(fr, firms).tolist()))
    assert len({label[f"co:uscc:{k}"] for k in ("H", *BATCH)}) == 1  # one ownership group...
    X, evidence = company_indicators(G)
    n1 = X.loc["co:uscc:N1"]
    assert (n1.rep_fronts_firms, n1.officer_fronts_firms, n1.shared_crew) == (3, 3, 2)  # ...counted as three
    assert evidence["co:uscc:N1"]["rep_fronts_firms"] == "legal rep 王五 is legal rep of 3 firms"
    assert X.loc["co:uscc:S1"].rep_fronts_firms == 1  # the real group still collapses


def test_business_groups_keeps_a_group_grown_over_time_and_splits_the_rest():
    day = lambda y: (y - 1970) * 365
    group = np.array([0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 4])
    founded = np.array([day(2000), day(2005), day(2010),  # 0: grown over ten years
                        day(2020), day(2020) + 3, day(2020) + 40,  # 1: a batch
                        day(2000), day(2010),  # 2: years apart, but both hollow
                        day(2015),  # 3: alone
                        NO_DAY, day(2012)])  # 4: one date known: cannot tell, not kept
    hollow = np.array([0, np.nan, 0, 0, 0, 0, 1, 1, np.nan, 0, 0], dtype=float)
    out = business_groups(group, founded, hollow)
    assert len(set(out[:3])) == 1
    assert len(set(out.tolist())) == 1 + 8  # every other firm a group of its own
