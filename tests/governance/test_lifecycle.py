"""Record lifecycle: the table's rules, expiry on a store, and scores and lists that count only
active records while the entity's history keeps the rest."""

from __future__ import annotations

import datetime as dt

import pytest

from govcity import ABNORMAL, BOSS, FIRM, NEW, OLD, ORDER, OWN, PENALTY
from creditgraph.analytics.frames import frames_from_tables, graph_tables
from creditgraph.errors import SchemaError
from creditgraph.graph.governance import RECORD_LABELS, STATUS_PROPERTIES
from creditgraph.graph.schema import load_schema
from creditgraph.governance.lifecycle import expire, record
from creditgraph.governance.rules import exit_of, load_rules, rules

D = dt.date


def test_the_schema_declares_record_status():
    sch = load_schema()
    assert all(p in sch.node(l).properties for l in RECORD_LABELS for p in STATUS_PROPERTIES)


def test_every_rule_names_its_source():
    for label, spec in rules().labels.items():
        assert label in RECORD_LABELS
        for r in spec.rules:
            assert r.source and r.checked, r.id
    assert rules().labels["Restriction"].source  # no rule, but its basis is named


@pytest.mark.parametrize("label, props, as_of, want", [
    # 失信, art. 1 items 2-6: two years from publication
    ("DishonestRecord", {"published": "2020-01-10", "behaviour": "违反财产报告制度"}, D(2022, 1, 9), None),
    ("DishonestRecord", {"published": "2020-01-10", "behaviour": "违反财产报告制度"}, D(2022, 1, 10),
     ("dishonest.period", "period_ended", D(2022, 1, 10))),
    # item 1 (有履行能力而拒不履行): no period, however old
    ("DishonestRecord", {"published": "2010-01-10", "behaviour": "有履行能力而拒不履行生效法律文书确定义务"},
     D(2025, 1, 1), None),
    # performed: off on the day expiry sees it
    ("DishonestRecord", {"published": "2024-01-10", "performance": "全部已履行"}, D(2024, 2, 1),
     ("dishonest.performed", "performed", D(2024, 2, 1))),
    # no publication date: the filing date, then the first time a source asserted it
    ("DishonestRecord", {"first_seen": "2019-05-31", "behaviour": "违反限制消费令"}, D(2021, 6, 1),
     ("dishonest.period", "period_ended", D(2021, 5, 31))),
    ("AbnormalListing", {"listed": "2022-01-01", "removed": "2023-03-01", "list_type": "abnormal"}, D(2023, 2, 28),
     None),
    ("AbnormalListing", {"listed": "2022-01-01", "removed": "2023-03-01", "list_type": "abnormal"}, D(2023, 3, 1),
     ("abnormal.removed", "removed", D(2023, 3, 1))),
    ("AbnormalListing", {"listed": "2022-01-01", "list_type": "abnormal"}, D(2030, 1, 1), None),
    ("AbnormalListing", {"listed": "2021-02-28", "list_type": "serious_violation"}, D(2024, 3, 1),
     ("serious_violation.period", "period_ended", D(2024, 2, 28))),
    ("Penalty", {"decided": "2021-02-01", "amount": 50000.0}, D(2024, 2, 1),
     ("penalty.period", "period_ended", D(2024, 2, 1))),
    ("Penalty", {"decided": "2021-02-01", "amount": 50000.0}, D(2024, 1, 31), None),
    ("Penalty", {"decided": "2024-11-30", "amount": 2000.0}, D(2025, 3, 1),
     ("penalty.minor_period", "period_ended", D(2025, 2, 28))),
    ("Restriction", {"issued": "2000-01-01"}, D(2025, 1, 1), None),
])
def test_exit_rules(label, props, as_of, want):
    e = exit_of(label, props, as_of)
    assert (e and (e.rule, e.reason, e.since)) == want


def test_a_table_reading_an_undeclared_field_is_refused(tmp_path):
    bad = tmp_path / "lifecycle.yaml"
    bad.write_text("version: 1\nlabels:\n  Penalty:\n    name: x\n    rules:\n      - {id: p, exit: period_ended, "
                   "period: {years: 1, from: [decided_on]}, source: somewhere real, checked: seen there}\n",
                   encoding="utf-8")
    with pytest.raises(SchemaError, match="rule p reads Penalty.decided_on"):
        load_rules(bad)


def test_frames_leave_inactive_records_and_their_edges_out():
    import networkx as nx

    G = nx.MultiDiGraph()
    G.add_node("co:a", label="Company", name="A")
    G.add_node("dr:1", label="DishonestRecord", case_no="1", active=False)
    G.add_node("dr:2", label="DishonestRecord", case_no="2")
    G.add_edge("co:a", "dr:1", key="LISTED_IN", type="LISTED_IN")
    G.add_edge("co:a", "dr:2", key="LISTED_IN", type="LISTED_IN")
    fr = frames_from_tables(graph_tables(G))
    assert sorted(fr.keys) == ["co:a", "dr:2"] and len(fr.edges_of("LISTED_IN")) == 1
    every = frames_from_tables(graph_tables(G), active_only=False)
    assert len(every) == 3 and len(every.edges_of("LISTED_IN")) == 2


def test_expiry_takes_records_off_with_a_register_entry_and_keeps_them(gov_any):
    gov = gov_any
    out = expire(gov, as_of=D(2025, 6, 1))
    assert out["taken_off"] == 3, out  # the 2020 失信 record, the 2021 penalty, the removed listing
    off = {k: record(gov, k) for k in (OLD, PENALTY, ABNORMAL)}
    assert {k: (r["active"], r["inactive_reason"], r["inactive_rule"]) for k, r in off.items()} == {
        OLD: (False, "period_ended", "dishonest.period"), PENALTY: (False, "period_ended", "penalty.period"),
        ABNORMAL: (False, "removed", "abnormal.removed")}
    for k in (NEW, OWN, ORDER):
        assert record(gov, k)["active"] is None, k  # untouched: still on the lists
    entries = [e for e in gov.audit.entries() if e["action"] == "governance.expire"]
    assert sorted(eval_json(e["query"])["record"] for e in entries) == sorted([OLD, PENALTY, ABNORMAL])
    # the history keeps them
    history = {r["key"] for r in gov.store.related_listings(FIRM)}
    assert {OLD, PENALTY, ABNORMAL, NEW} <= history
    # a second run takes nothing more off and changes no date
    assert expire(gov, as_of=D(2025, 7, 1))["taken_off"] == 0


def test_an_expired_record_leaves_the_scores(gov_any):
    gov = gov_any
    from creditgraph.resolution import run_resolution
    from creditgraph.scoring import run_scoring

    run_resolution(gov.store)
    run_scoring(gov.store, progress=False, processes=1)
    assert gov.store.get(FIRM).props["repeat_cases"] == 2
    expire(gov, as_of=D(2025, 6, 1))
    run_scoring(gov.store, progress=False, processes=1)
    assert gov.store.get(FIRM).props["repeat_cases"] == 1  # the expired case no longer counts
    assert gov.store.get(BOSS).props["repeat_cases"] == 1


def eval_json(text: str) -> dict:
    import json

    return json.loads(text)


def test_every_page_can_say_why_a_record_is_off_the_lists():
    from creditgraph.governance.lifecycle import status_text

    assert status_text({}) is None and status_text({"active": True}) is None
    assert status_text({"objection": "异议中", "active": False}) == "异议中"
    assert status_text({"active": False, "inactive_reason": "period_ended", "inactive_since": "2022-01-10"}) \
        == "公示期届满 2022-01-10"
    assert status_text({"active": False, "inactive_reason": "repaired", "inactive_since": "2025-06-01"}, "en") \
        == "repaired 2025-06-01"
