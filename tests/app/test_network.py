"""The network view's elements: inert text, opaque ids, folded supernodes, a cap per view."""

from __future__ import annotations

from creditgraph.app.network import build_view, collapse, inert, merge_view, node_id, to_networkx, union
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
    assert centre["label"] == "高风险企业" and centre["中心"] == "是"  # the info panel shows these, in Chinese
    assert centre["风险"] == "高风险"


def test_edges_carry_relation_and_date():
    view = build_view(SUB, centre=FIRM.key)
    captions = {e["data"]["label"]: e["data"]["caption"] for e in view.elements["edges"]}
    assert captions["法定代表人"] == "法定代表人 2019-03-01"
    assert build_view(SUB, centre=FIRM.key, lang="en").edges  # English captions too


def test_supernodes_fold_into_a_more_node_that_expanding_clears():
    view = build_view(SUB, centre=FIRM.key)
    more = [n["data"] for n in view.elements["nodes"] if n["data"]["label"] == "更多（已折叠）"]
    assert [m["name"] for m in more] == ["+37 更多"]
    view.more.pop(ADDR.key)
    merge_view(view, Subgraph((ADDR,), (), {}), centre=FIRM.key)
    assert not [n for n in view.elements["nodes"] if n["data"]["label"] == "更多（已折叠）"]


def test_the_view_stops_at_its_cap():
    many = Subgraph(tuple(Entity(f"co:name:f{i}", "Company", {"name": f"f{i}"}) for i in range(50)), ())
    view = build_view(many, centre="co:name:f0", cap=20)
    assert len(view.keys) == 20 and view.dropped == 30


def test_union_and_networkx_keep_every_edge():
    G = to_networkx(union([SUB, Subgraph((REP,), ())]))
    assert G.number_of_nodes() == 3 and G.number_of_edges() == 2
    assert G.nodes[FIRM.key]["label"] == "Company"


def test_every_node_has_a_position_and_expanding_moves_none_of_them():
    view = build_view(SUB, centre=FIRM.key)
    before = {n["data"]["id"]: n["position"] for n in view.elements["nodes"]}
    assert set(before) == set(view.nodes)
    more = Subgraph(tuple(Entity(f"co:name:x{i}", "Company", {"name": f"x{i}"}) for i in range(5)),
                    tuple(Edge("SHAREHOLDER_OF", REP.key, f"co:name:x{i}", {}) for i in range(5)))
    merge_view(view, more, centre=FIRM.key)
    after = {n["data"]["id"]: n["position"] for n in view.elements["nodes"]}
    assert len(after) == len(before) + 5
    assert all(after[i] == p for i, p in before.items() if not i.startswith("m"))


def test_collapse_draws_one_node_per_resolved_entity():
    a = Entity("pe:src1:张三", "Person", {"name": "张三", "resolved": "pe:id:1"})
    b = Entity("pe:src2:张三", "Person", {"name": "张三", "resolved": "pe:id:1"})
    canon = Entity("pe:id:1", "Person", {"name": "张三", "resolved": "pe:id:1",
                                         "moved_assets": '[{"firm": "co:uscc:2"}]'})
    f1 = Entity("co:uscc:1", "Company", {"name": "一号公司"})
    f2 = Entity("co:uscc:2", "Company", {"name": "二号公司"})
    sub = Subgraph((a, b, f1, f2), (Edge("LEGAL_REP_OF", a.key, f1.key), Edge("SHAREHOLDER_OF", b.key, f2.key),
                                   Edge("SAME_AS", a.key, b.key)), {b.key: 3})
    out = collapse(sub, {canon.key: canon}.__getitem__)
    assert {n.key for n in out.nodes} == {"pe:id:1", "co:uscc:1", "co:uscc:2"}
    assert {(x.type, x.start, x.end) for x in out.edges} == {("LEGAL_REP_OF", "pe:id:1", "co:uscc:1"),
                                                            ("SHAREHOLDER_OF", "pe:id:1", "co:uscc:2")}
    assert out.more == {"pe:id:1": 3}
    assert [n for n in out.nodes if n.key == "pe:id:1"][0].props["moved_assets"]  # the entity as stored
