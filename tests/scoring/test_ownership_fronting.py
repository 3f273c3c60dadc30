"""Fronting is counted in ownership groups (issue 19): a group's director on the boards of the
subsidiaries one parent holds runs one business, while a nominee's firms — tied by no owning
company, or only by a cross-holding ring — each count."""

from __future__ import annotations

import networkx as nx

from creditgraph.analytics.features import company_indicators, ownership_groups
from creditgraph.analytics.frames import graph_frames


def _group_and_nominee() -> nx.MultiDiGraph:
    """Group 集团 (P) holds S1–S3; its director 吴伟 is legal rep of S1–S3 with 陈一 beside him on
    each board. Nominee 王五 is legal rep of N1–N3 (held by people; N1 and N2 hold each other, a
    ring) with 李四 beside him on each board."""
    G = nx.MultiDiGraph()
    for k in ("P", "S1", "S2", "S3", "N1", "N2", "N3"):
        G.add_node(f"co:uscc:{k}", label="Company", founded="2020-01-01", name=k)
    people = {"wu": "吴伟", "chen": "陈一", "wang": "王五", "li": "李四", "boss": "集团董事长"}
    for k, name in people.items():
        G.add_node(f"pe:{k}", label="Person", name=name)
    G.add_edge("pe:boss", "co:uscc:P", key="LEGAL_REP_OF", type="LEGAL_REP_OF")
    for rep, mate, firms in (("wu", "chen", ("S1", "S2", "S3")), ("wang", "li", ("N1", "N2", "N3"))):
        for f in firms:
            G.add_edge(f"pe:{rep}", f"co:uscc:{f}", key="LEGAL_REP_OF", type="LEGAL_REP_OF")
            G.add_edge(f"pe:{mate}", f"co:uscc:{f}", key="OFFICER_OF:监事", type="OFFICER_OF", role="监事")
    for s in ("S1", "S2", "S3"):
        G.add_edge("co:uscc:P", f"co:uscc:{s}", key="SHAREHOLDER_OF", type="SHAREHOLDER_OF", ratio=1.0)
    for n in ("N1", "N2", "N3"):
        G.add_edge("pe:wang", f"co:uscc:{n}", key="SHAREHOLDER_OF", type="SHAREHOLDER_OF", ratio=0.9)
    G.add_edge("co:uscc:N1", "co:uscc:N2", key="SHAREHOLDER_OF", type="SHAREHOLDER_OF", ratio=0.1)
    G.add_edge("co:uscc:N2", "co:uscc:N1", key="SHAREHOLDER_OF", type="SHAREHOLDER_OF", ratio=0.1)
    return G


def test_a_parent_ties_its_subsidiaries_and_a_ring_ties_nothing():
    fr = graph_frames(_group_and_nominee())
    firms = fr.of_label("Company")
    label = dict(zip(fr.keys[firms].tolist(), ownership_groups(fr, firms).tolist()))
    group = {label[f"co:uscc:{k}"] for k in ("P", "S1", "S2", "S3")}
    nominee = [label[f"co:uscc:{k}"] for k in ("N1", "N2", "N3")]
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
