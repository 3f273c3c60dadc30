"""Resolution through the port, on each store: links and canonical keys are written, a
reviewer's "not the same" survives a reload and a re-run, and dishonesty reaches firms."""

from __future__ import annotations

import pytest

from creditgraph.errors import CreditGraphError
from creditgraph.graph.schema import schema
from creditgraph.loaders.pipeline import load_paths
from creditgraph.resolution import review, run_resolution
from creditgraph.synth.truth import load_truth

KEY = "k"


def _load(store, city, tmp_path, n):
    report = load_paths(store, [city / "data"], hash_key=KEY, report_dir=tmp_path / str(n), progress=False)
    assert report.rows_quarantined == 0


def test_not_same_survives_reload_and_re_resolution(store, small_seeded_city, tmp_path):
    city = small_seeded_city
    _load(store, city, tmp_path, 1)
    summary, people = run_resolution(store)
    assert summary.persons["links"] > 100 and summary.companies["links"] > 10
    link = next(l for l in people.links if l.method == "model" and "shared_firms" in l.evidence)
    assert store.get(link.a).props["resolved"] == store.get(link.b).props["resolved"]

    review(store, link.a, link.b, "not_same", by="tester", why="different people, checked with the registry")
    _load(store, city, tmp_path, 2)  # a full reload
    summary, people = run_resolution(store)
    assert store.get(link.a).props["resolved"] != store.get(link.b).props["resolved"]
    assert summary.persons["judgements"] == 1
    (j,) = store.judgements("Person")
    assert (j["verdict"], j["by"], j["why"]) == ("not_same", "tester", "different people, checked with the registry")
    with pytest.raises(CreditGraphError, match="refused: tester judged"):
        review(store, link.a, link.b, "same", by="someone else", why="looks alike")


def test_a_firm_sees_the_dishonesty_of_its_legal_rep_and_the_rep_sees_the_firm(store, small_seeded_city, tmp_path):
    city = small_seeded_city
    _load(store, city, tmp_path, 1)
    run_resolution(store)
    case = load_truth(city).of("asset_hiding")[0]
    firm = schema().make_key("Company", "uscc", case["facts"]["debtor_firm"])
    rows = store.related_listings(firm)
    own = [r for r in rows if r["via"] == "self" and r["label"] == "DishonestRecord"]
    through_rep = [r for r in rows if r["via"] != "self" and r["label"] == "DishonestRecord"]
    assert own and through_rep, rows
    assert all(r["props"]["case_no"] for r in through_rep)
    assert all(0.5 < r["confidence"] <= 1 for r in rows)

    around = store.export([firm] + [n.key for n in store.neighbourhood(firm).nodes])
    rep = next(s for s, _, d in around.in_edges(firm, data=True) if d["type"] == "LEGAL_REP_OF")
    back = store.related_listings(rep)
    assert any(r["via"] != "self" and r["label"] == "DishonestRecord" for r in back)


def test_incremental_run_places_new_records_like_a_full_run(store, small_seeded_city, tmp_path):
    city = small_seeded_city
    registry, lists = tmp_path / "registry", tmp_path / "lists"
    for folder, names in ((registry, ["enterprise_registration.csv", "key_personnel.csv", "shareholders.csv"]),
                          (lists, ["dishonest_records_zxgk.csv", "consumption_restrictions.csv", "judgments.jsonl"])):
        folder.mkdir()
        for name in names:
            (folder / name).write_bytes((city / "data" / name).read_bytes())
    load_paths(store, [registry], hash_key=KEY, report_dir=tmp_path / "r1", progress=False)
    run_resolution(store)
    load_paths(store, [lists], hash_key=KEY, report_dir=tmp_path / "r2", progress=False)
    summary, people = run_resolution(store, incremental=True)
    assert 0 < summary.persons["records"] < store.counts().nodes["Person"] / 2  # only the touched names
    after_incremental = _partition(store)
    run_resolution(store)
    assert _partition(store) == after_incremental


def _partition(store) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for k, d in store.export().nodes(data=True):
        if d["label"] == "Person":
            groups.setdefault(d["resolved"], set()).add(k)
    return {frozenset(g) for g in groups.values()}
