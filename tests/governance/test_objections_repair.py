"""Objections and credit repair on a store: the 异议中 mark, decisions with reasons and provenance,
reloads that keep them, the 黑榜 that leaves objected and repaired records out, and rescoring."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from govcity import BOSS, FIRM, NEW, OLD, OWN, city_rows
from creditgraph.governance import objections, repair
from creditgraph.governance.lifecycle import expire, record, sync
from creditgraph.governance.lists import blacklist, read_frames, redlist
from creditgraph.governance.state import GovernanceError

AS_OF = dt.date(2025, 6, 1)


def actions(gov) -> list[str]:
    return [e["action"] for e in gov.audit.entries()]


def black(gov) -> dict[str, int]:
    b = blacklist(read_frames(gov.store), as_of=AS_OF)
    return dict(zip(b["entity"], b["cases"]))


def test_an_open_objection_marks_the_record_and_keeps_it_off_the_blacklist(gov):
    assert black(gov) == {FIRM: 1, BOSS: 1}  # the firm's 2020 case is past its period on AS_OF
    o = objections.file(gov, NEW, "the debt was settled in 2024; receipt attached", subject=FIRM)
    assert gov.store.get(NEW).props["objection"] == "异议中"
    assert black(gov) == {BOSS: 1}  # blacklist_while_open: exclude
    with pytest.raises(GovernanceError, match=o["id"]):
        objections.file(gov, NEW, "again")
    assert actions(gov) == ["governance.objection.file"]


def test_upheld_withdrawal_takes_the_record_off_and_rescores(gov_any):
    gov = gov_any
    from creditgraph.resolution import run_resolution
    from creditgraph.scoring import run_scoring

    run_resolution(gov.store)
    run_scoring(gov.store, progress=False, processes=1)
    assert gov.store.get(BOSS).props["repeat_cases"] == 1
    o = objections.file(gov, OWN, "not this 王大: another ID number", subject=BOSS)
    done = objections.uphold(gov, o["id"], decision="withdrawn", reason="the court confirmed a namesake")
    rec = gov.store.get(OWN).props
    assert rec["active"] is False and rec["inactive_reason"] == "withdrawn" and rec["inactive_rule"] == o["id"]
    assert "objection" not in rec and rec["objection_id"] == o["id"]
    assert rec["sources"] == ["test"]  # provenance kept
    assert done["scoring"]["nodes_written"] > 0 and not gov.store.get(BOSS).props.get("repeat_cases")
    assert BOSS not in black(gov)
    assert actions(gov) == ["governance.objection.file", "governance.objection.uphold", "governance.rescore"]
    with pytest.raises(GovernanceError, match="already decided"):
        objections.reject(gov, o["id"], reason="late")


def test_a_rejected_objection_leaves_the_record_on_the_lists_with_the_reason(gov):
    o = objections.file(gov, NEW, "wrong amount")
    with pytest.raises(GovernanceError, match="reason"):
        objections.reject(gov, o["id"], reason=" ")
    done = objections.reject(gov, o["id"], reason="the amount matches the judgment")
    assert done["status"] == "rejected" and done["reason"] == "the amount matches the judgment"
    assert "objection" not in gov.store.get(NEW).props and black(gov) == {FIRM: 1, BOSS: 1}
    s = objections.statistics_of(gov)
    assert s["filed"] == 1 and s["open"] == 0 and s["rejected"] == 1 and s["median_days_to_decide"] >= 0


def test_objections_and_corrections_survive_a_reload(gov_any):
    gov = gov_any
    opened = objections.file(gov, NEW, "wrong amount")
    fixed = objections.file(gov, OLD, "wrong court")
    objections.uphold(gov, fixed["id"], decision="corrected", reason="typo in the court's name",
                      correction={"court": "福州市中级人民法院"}, rescore=False)
    nodes, edges = city_rows()  # the source published again: MERGE and SET n += props
    gov.store.upsert_nodes(nodes)
    gov.store.upsert_edges(edges)
    assert gov.store.get(NEW).props["objection"] == "异议中"  # status properties: no loader writes them
    assert gov.store.get(OLD).props["court"] == "福州中院"  # the reload wrote the published value back
    assert sync(gov) == {"objections_open": 1, "corrections": 1}
    old = gov.store.get(OLD).props
    assert old["court"] == "福州市中级人民法院"
    assert json.loads(old["correction"])["fields"] == {"court": ["福州中院", "福州市中级人民法院"]}
    assert objections.open_on(gov, NEW)["id"] == opened["id"]


def test_an_approved_repair_moves_the_debtor_off_the_blacklist(gov):
    from creditgraph.resolution import run_resolution

    run_resolution(gov.store)
    with pytest.raises(GovernanceError, match="evidence"):
        repair.apply(gov, OWN, [])
    a = repair.apply(gov, OWN, [{"kind": "performance", "ref": "(2024)闽01执5号之二", "note": "paid in full"},
                                {"kind": "training_certificate", "ref": "CX-2025-001"}], applicant=BOSS)
    assert BOSS in black(gov)
    done = repair.approve(gov, a["id"], reason="performance confirmed by the court")
    assert record(gov, OWN)["inactive_reason"] == "repaired" and done["scoring"]["repeat_entities"] == 1
    assert BOSS not in black(gov) and FIRM in black(gov)
    with pytest.raises(GovernanceError, match="already off"):
        repair.apply(gov, OWN, [{"kind": "other"}])
    assert actions(gov) == ["governance.repair.apply", "governance.repair.approve", "governance.rescore"]


def test_the_redlist_holds_clean_old_firms_only(gov):
    expire(gov, as_of=AS_OF)
    red = redlist(read_frames(gov.store), as_of=AS_OF)
    assert list(red["entity"]) == ["co:uscc:91350100TEST00002X"]  # the other firm has an active case
    assert red.iloc[0]["years"] == 9
