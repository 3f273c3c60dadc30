"""Watchlists and alerts: a reload of a changed city raises exactly the alerts its changes
make for the entities followed, computed from two runs' snapshots; the queue's decisions."""

from __future__ import annotations

import datetime as dt

import pytest

from govcity import BOSS, CLERK, FIRM, FIRM2, edge, node
from creditgraph.governance import alerts
from creditgraph.governance.state import GovernanceError

KIN = "pe:test:kin"  # 王小: same surname and ID region as the debtor 王大
NEWFIRM = "co:uscc:91350100TEST00003X"


def test_a_changed_city_raises_exactly_the_expected_alerts(gov_any):
    gov = gov_any
    alerts.follow(gov, "entity", BOSS, note="debtor in (2024)闽01执5号")
    alerts.follow(gov, "list", "court=福州中院")  # every active debtor of that court: the firm
    first = alerts.record_run(gov, "load")
    assert first["alerts"] == []  # the first run is the baseline
    assert alerts.record_run(gov, "score")["alerts"] == []  # nothing changed: nothing raised
    # the next load: the debtor's relative founds a firm; the firm's clerk becomes its legal rep;
    # an unrelated firm changes hands (nobody follows it)
    gov.store.upsert_nodes([node("Person", KIN, name="王小", id_masked="3501021995****5678"),
                            node("Company", NEWFIRM, name="福州丙商贸有限公司", founded=dt.date(2025, 3, 1)),
                            node("Person", "pe:test:other", name="赵三")])
    gov.store.upsert_edges([edge("LEGAL_REP_OF", KIN, NEWFIRM), edge("SHAREHOLDER_OF", KIN, NEWFIRM, ratio=1.0),
                            edge("LEGAL_REP_OF", CLERK, FIRM), edge("LEGAL_REP_OF", "pe:test:other", FIRM2)])
    run = alerts.record_run(gov, "load")
    got = sorted((a["kind"], a["entity"], a["detail"].get("firm")) for a in run["alerts"])
    assert got == [("associate_new_firm", BOSS, NEWFIRM), ("legal_rep_change", FIRM, None)]
    new_firm = next(a for a in run["alerts"] if a["kind"] == "associate_new_firm")
    assert new_firm["detail"]["associate"] == KIN and "family-like" in new_firm["detail"]["tie"]
    assert new_firm["detail"]["founded"] == "2025-03-01"
    rep = next(a for a in run["alerts"] if a["kind"] == "legal_rep_change")
    assert rep["detail"]["before"] == [BOSS] and rep["detail"]["after"] == [BOSS, CLERK]
    assert len(alerts.queue(gov)) == 2


def test_a_surname_and_birthplace_dozens_share_is_no_family(gov):
    # 30 more 王 born in 350102; the next load, 10 of them and 王小 found firms: ~31 x 11/32 moves of
    # the key by chance, so 王小's new firm says nothing of the debtor 王大 (with 王大 and 王小 alone it did)
    alerts.follow(gov, "entity", BOSS)
    gov.store.upsert_nodes([node("Person", f"pe:test:w{i}", name=f"王{i}", id_masked="3501021980****0000")
                            for i in range(30)])
    alerts.record_run(gov, "load")
    gov.store.upsert_nodes([node("Person", KIN, name="王小", id_masked="3501021995****5678"),
                            node("Company", NEWFIRM, name="福州丙商贸有限公司", founded=dt.date(2025, 3, 1))]
                           + [node("Company", f"co:test:n{i}", name=f"福州王{i}有限公司", founded=dt.date(2025, 3, 1))
                              for i in range(10)])
    gov.store.upsert_edges([edge("LEGAL_REP_OF", KIN, NEWFIRM)]
                           + [edge("LEGAL_REP_OF", f"pe:test:w{i}", f"co:test:n{i}") for i in range(10)])
    assert [a for a in alerts.record_run(gov, "load")["alerts"] if a["kind"] == "associate_new_firm"] == []


def test_a_new_record_and_a_tie_with_a_debtor_alert_the_follower(gov):
    from govcity import SEEN
    from creditgraph.graph.records import EdgeRow

    alerts.follow(gov, "entity", FIRM2)
    alerts.record_run(gov, "load")
    gov.store.upsert_nodes([node("Penalty", "pn:test:2", decision_no="test:2", subject_name="福州乙科技有限公司",
                                 amount=5000.0, decided=dt.date(2025, 5, 1))])
    gov.store.upsert_edges([EdgeRow("LISTED_IN", FIRM2, "pn:test:2", {"match": "uscc"}, "test", "x", SEEN),
                            edge("SHAREHOLDER_OF", BOSS, FIRM2, ratio=0.3)])
    got = sorted((a["kind"], a["entity"]) for a in alerts.record_run(gov, "load")["alerts"])
    assert got == [("dishonest_link", FIRM2), ("new_record", FIRM2)]


def test_the_queue_confirms_and_dismisses_with_a_reason(gov):
    alerts.follow(gov, "entity", BOSS)
    alerts.record_run(gov, "load")
    gov.store.upsert_nodes([node("Company", NEWFIRM, name="福州丙商贸有限公司", founded=dt.date(2025, 3, 1))])
    gov.store.upsert_edges([edge("SHAREHOLDER_OF", CLERK, NEWFIRM, ratio=0.5)])  # the debtor's co-worker
    (a,) = alerts.record_run(gov, "load")["alerts"]
    assert a["kind"] == "associate_new_firm" and "shares" in a["detail"]["tie"]
    with pytest.raises(GovernanceError, match="reason"):
        alerts.dismiss(gov, a["id"], reason="")
    done = alerts.dismiss(gov, a["id"], reason="the clerk left the firm in 2023")
    assert done["status"] == "dismissed" and alerts.queue(gov) == []
    with pytest.raises(GovernanceError, match="dismissed"):
        alerts.confirm(gov, a["id"])
    assert [e["action"] for e in gov.audit.entries()][-1] == "governance.alert.dismiss"


def test_a_watch_on_a_missing_entity_is_refused(gov):
    from creditgraph.errors import NotFound

    with pytest.raises(NotFound):
        alerts.follow(gov, "entity", "co:uscc:NOPE")
    with pytest.raises(GovernanceError, match="court="):
        alerts.follow(gov, "list", "福州中院")


def test_after_a_load_decisions_are_reasserted_and_a_run_recorded(small_city, tmp_path):
    from govcity import NEW, city_rows
    from creditgraph.governance import after, from_settings
    from creditgraph.governance import objections
    from creditgraph.settings import Settings

    settings = Settings(data_dir=tmp_path, user="loader", id_hash_key="after-test-key", _env_file=None)
    gov = from_settings(settings, small_city)
    objections.file(gov, NEW, "wrong amount")
    alerts.follow(gov, "entity", FIRM)
    assert after(settings, small_city, "score")["run"]["alerts"] == []
    nodes, edges = city_rows()
    small_city.upsert_nodes(nodes)
    small_city.upsert_edges([*edges, edge("LEGAL_REP_OF", CLERK, FIRM)])
    out = after(settings, small_city, "load")
    assert out["reasserted"] == {"objections_open": 1}
    assert [a["kind"] for a in out["run"]["alerts"]] == ["legal_rep_change"]


def test_a_snapshot_holds_every_distinct_tie_between_two_entities_in_key_order(tmp_path):
    """The ties are computed as arrays; here, as the plain set of (entity, firm entity, type) over
    the exported graph of a resolved city, sorted as lists sort."""
    from creditgraph.graph.memory import MemoryGraphStore
    from creditgraph.loaders.pipeline import load_paths
    from creditgraph.resolution import run_resolution
    from creditgraph.synth.generate import generate

    generate(300, seed=7, out=tmp_path / "city", progress=False)
    store = MemoryGraphStore()
    load_paths(store, [tmp_path / "city" / "data"], hash_key="k", report_dir=tmp_path / "report", progress=False)
    run_resolution(store)
    G = store.export()
    of = {k: d.get("resolved") or k for k, d in G.nodes(data=True)}
    want = sorted({(of[a], of[b], d["type"]) for a, b, d in G.edges(data=True)
                   if d["type"] in ("LEGAL_REP_OF", "OFFICER_OF", "SHAREHOLDER_OF") and of[a] != of[b]
                   and G.nodes[a]["label"] in ("Person", "Company") and G.nodes[b]["label"] == "Company"})
    got = alerts.snapshot(store)["ties"]
    assert len(got) > 500 and any(of[k] != k for k in of)  # resolved: ties between entities, not records
    assert got == [list(t) for t in want]


def test_the_snapshot_a_score_takes_is_the_one_read_after_it(small_seeded_city, tmp_path):
    """A score hands governance the snapshot of what it read and wrote (no second whole-store
    read after it): the same as reading the scored store, a rescore's included."""
    from creditgraph.governance import SnapshotTaker
    from creditgraph.graph.memory import MemoryGraphStore
    from creditgraph.loaders.pipeline import load_paths
    from creditgraph.resolution import run_resolution
    from creditgraph.scoring import run_scoring

    store = MemoryGraphStore()  # the snapshot is computed on frames: the store's reads are tested apart
    load_paths(store, [small_seeded_city / "data"], hash_key="k", report_dir=tmp_path / "report", progress=False)
    run_resolution(store)
    for _ in range(2):  # a first score, then a rescore over it
        taker = SnapshotTaker()
        run_scoring(store, progress=False, processes=1, snapshot=taker)
        read = alerts.snapshot(store)
        assert taker.taken == read
        assert read["clusters"] and read["ties"] and read["records"] and read["kin"]
