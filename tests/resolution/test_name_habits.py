"""People without ID numbers, in a crowd: a name met again and again beside one item (a nominee's
phone, his crew's names, the agent's address) is one person's habit, however crowded the item;
a namesake who meets that item once, by chance, stays apart. Small graphs built by hand."""

from __future__ import annotations

import networkx as nx

from creditgraph.analytics.resolve.mentions import firm_context, mentions
from creditgraph.analytics.resolve.pairs import CROWDED, evidence, supported
from creditgraph.analytics.resolve.persons import resolve_persons

NOMINEE = "陈芳"
AGENT_PHONE = "ph:19867070778"


def _crowded_city(nominee_firms: int = 30, other_firms: int = 400) -> nx.MultiDiGraph:
    """``other_firms`` unrelated firms, each with its own officer, all giving the agent's phone; the
    nominee sits at ``nominee_firms`` more that give it too; one namesake sits at an unrelated firm
    that gives it; one more namesake sits at a firm of his own. More than :data:`CROWDED` firms
    share the phone, so the phone alone says nothing of who is who."""
    G = nx.MultiDiGraph()
    G.add_node(AGENT_PHONE, label="Phone", number=AGENT_PHONE)

    def firm(f: str, phone: str | None, *people: tuple[str, str]) -> None:
        G.add_node(f, label="Company", name=f, founded="2015-01-01")
        if phone:
            G.add_edge(f, phone, key="HAS_PHONE", type="HAS_PHONE")
        for key, name in people:
            G.add_node(key, label="Person", name=name)
            G.add_edge(key, f, key="LEGAL_REP_OF", type="LEGAL_REP_OF")
    for i in range(other_firms):
        firm(f"co:other{i}", AGENT_PHONE, (f"pe:x:other{i}", f"路人{i}"))
    for i in range(nominee_firms):
        firm(f"co:shell{i}", AGENT_PHONE, (f"pe:x:{NOMINEE}@{i}", NOMINEE))
    firm("co:twin", AGENT_PHONE, (f"pe:x:{NOMINEE}@twin", NOMINEE), ("pe:x:twin-partner", "王强"))
    firm("co:far", None, (f"pe:x:{NOMINEE}@far", NOMINEE))
    return G


def test_co_occurrence_counts_the_names_firms_beside_the_item_against_chance():
    G = _crowded_city()
    ctx = firm_context(G)
    together, chance = ctx.co_occurrence(NOMINEE, "p:" + AGENT_PHONE)
    assert together == 31  # thirty shells and the namesake's firm
    firms = 400 + 30 + 2
    assert chance == (32 - 31) * 431 / firms  # his own firms left out of how common the name looks
    assert ctx.firms_of_item["p:" + AGENT_PHONE] and len(ctx.firms_of_item["p:" + AGENT_PHONE]) > CROWDED


def test_a_crowded_item_vouches_for_a_name_that_keeps_meeting_it():
    G = _crowded_city()
    ctx = firm_context(G)
    ms = mentions(G, context=ctx)
    a, b = ms[f"pe:x:{NOMINEE}@0"], ms[f"pe:x:{NOMINEE}@1"]
    ev = evidence(a, b, 32, ctx)
    assert ev["shared_phones"] == [[AGENT_PHONE, 431]]  # far over CROWDED: no evidence by the old rule
    assert ev["co_occurrence"] == [["p:" + AGENT_PHONE, 31, round(431 / 432, 4)]]
    assert supported(ev)


def test_an_item_a_common_name_meets_by_chance_vouches_for_nobody():
    # 400 firms give the phone; a name at 3 of 40 firms beside it is what chance gives
    G = _crowded_city(nominee_firms=0)
    for i in range(3):
        G.add_node(f"pe:x:{NOMINEE}@more{i}", label="Person", name=NOMINEE)
        G.add_edge(f"pe:x:{NOMINEE}@more{i}", f"co:other{i}", key="LEGAL_REP_OF", type="LEGAL_REP_OF")
    for i in range(40):
        G.add_node(f"co:elsewhere{i}", label="Company", name=f"co:elsewhere{i}")
        G.add_node(f"pe:x:{NOMINEE}@else{i}", label="Person", name=NOMINEE)
        G.add_edge(f"pe:x:{NOMINEE}@else{i}", f"co:elsewhere{i}", key="LEGAL_REP_OF", type="LEGAL_REP_OF")
    ctx = firm_context(G)
    ms = mentions(G, context=ctx)
    ev = evidence(ms[f"pe:x:{NOMINEE}@more0"], ms[f"pe:x:{NOMINEE}@more1"], 44, ctx)
    assert ev["shared_phones"] and not supported(ev)


def test_the_nominee_is_one_person_and_his_namesakes_stay_apart():
    G = _crowded_city()
    res = resolve_persons(G)
    shells = {res.canonical[f"pe:x:{NOMINEE}@{i}"] for i in range(30)}
    assert len(shells) == 1
    assert res.canonical[f"pe:x:{NOMINEE}@far"] not in shells  # nothing but the name: never merged
    link = next(link for link in res.links if link.a.startswith(f"pe:x:{NOMINEE}@"))
    assert link.evidence["co_occurrence"][0][0] == "p:" + AGENT_PHONE
