"""The network view's elements: inert text, opaque ids, folded supernodes, a cap per view."""

from __future__ import annotations

from creditgraph.app.network import build_view, inert, merge_view, node_id, to_networkx, union
from creditgraph.graph.records import Edge, Entity, Subgraph

FIRM = Entity("co:name:<b>泰富</b>", "Company", {"name": "<script>alert('x')</script>泰富", "shell_flag": True})
REP = Entity("pe:t:杨天夫", "Person", {"name": "杨天夫"})
ADDR = Entity("ad:某路1号", "Address", {"text": "某路1号"})
SUB = Subgraph((FIRM, REP, ADDR), (Edge("LEGAL_REP_OF", REP.key, FIRM.key, {"first_seen": "2019-03-01"}),
                                   Edge("REGISTERED_AT", FIRM.key, ADDR.key, {})), {ADDR.key: 37})


def test_inert_replaces_every_html_special_character():
    assert inert("<a href=\"x\">&'") == "＜a href=＂x＂＞＆＇"
    assert inert("泰富电气") == "泰富电气"


def test_elements_are_inert_and_ids_opaque():
    view = build_view(SUB, centre=FIRM.key)
    for el in view.elements["nodes"] + view.elements["edges"]:
        for v in el["data"].values():
            assert not set(str(v)) & set("<>&\"'")
    assert view.keys[node_id(FIRM.key)] == FIRM.key
    centre = view.nodes[node_id(FIRM.key)]["data"]
    assert centre["label"] == "Company_risk" and centre["centre"] == "yes"


def test_edges_carry_relation_and_date():
    view = build_view(SUB, centre=FIRM.key)
    captions = {e["data"]["label"]: e["data"]["caption"] for e in view.elements["edges"]}
    assert captions["LEGAL_REP_OF"] == "法定代表人 2019-03-01"
    assert build_view(SUB, centre=FIRM.key, lang="en").edges  # English captions too


def test_supernodes_fold_into_a_more_node_that_expanding_clears():
    view = build_view(SUB, centre=FIRM.key)
    more = [n["data"] for n in view.elements["nodes"] if n["data"]["label"] == "More"]
    assert [m["name"] for m in more] == ["+37 更多"]
    view.more.pop(ADDR.key)
    merge_view(view, Subgraph((ADDR,), (), {}), centre=FIRM.key)
    assert not [n for n in view.elements["nodes"] if n["data"]["label"] == "More"]


def test_the_view_stops_at_its_cap():
    many = Subgraph(tuple(Entity(f"co:name:f{i}", "Company", {"name": f"f{i}"}) for i in range(50)), ())
    view = build_view(many, centre="co:name:f0", cap=20)
    assert len(view.keys) == 20 and view.dropped == 30


def test_union_and_networkx_keep_every_edge():
    G = to_networkx(union([SUB, Subgraph((REP,), ())]))
    assert G.number_of_nodes() == 3 and G.number_of_edges() == 2
    assert G.nodes[FIRM.key]["label"] == "Company"
