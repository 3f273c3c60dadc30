"""Scores on the seeded city: shells flagged with reasons and decoys spared, repeat offenders
and hidden assets found; through the store, scores are written and evaluated."""

from __future__ import annotations

import json

import pytest

from creditgraph.analytics.features import company_indicators
from creditgraph.analytics.offenders import hidden_assets, repeat_offenders
from creditgraph.analytics.shell import ShellModel, score_shells
from creditgraph.training.cities import resolved_city_graph
from creditgraph.training.shell import shell_labels
from creditgraph.loaders.pipeline import load_paths
from creditgraph.resolution import evaluate_persons, run_resolution
from creditgraph.scoring import evaluate_scores, run_scoring
from creditgraph.synth.truth import load_truth, mention_keys


@pytest.fixture(scope="module")
def scored(city):
    G = resolved_city_graph(city)
    X, evidence = company_indicators(G)
    return G, X, score_shells(X, evidence), shell_labels(X.index, city)


def test_shells_are_flagged_with_reasons_and_decoys_are_not(city, scored):
    G, X, s, y = scored
    tp = int((s["flag"] & y).sum())
    precision, recall = tp / max(1, s["flag"].sum()), tp / y.sum()
    assert precision >= 0.9 and recall >= 0.7, (precision, recall)  # shipped model, trained on seed 11
    decoys = {f"co:uscc:{u}" for t in load_truth(city).patterns if t["kind"] == "decoy" for u in t["companies"]}
    assert not (set(s.index[s["flag"]]) & decoys)
    top = s.sort_values("score", ascending=False).iloc[0]
    assert top["reasons"] and all(r["evidence"] and r["contribution"] > 0 for r in top["reasons"])


def test_shell_threshold_is_documented_by_its_training():
    m = ShellModel.load()
    assert m.provenance["held_out_precision"] >= m.provenance["min_precision"]
    assert m.thresholds[-1] is not None  # every indicator seen: a threshold read off held-out cities
    assert m.provenance["profiles"] == ["full", "registry"]  # sparse and listed are held out of training


def test_every_planted_repeat_offender_firm_is_flagged(city, scored):
    G = scored[0]
    R = repeat_offenders(G)
    for t in load_truth(city).of("repeat_offender"):
        if "company" in t["subject"]:
            firm = f"co:uscc:{t['subject']['company']}"
            assert R.at[firm, "flag"] and R.at[firm, "cases"] >= 3, t["id"]
    assert R["flag"].sum() < len(R) / 2  # most listed entities were listed once or twice


def test_a_firm_founded_under_a_relative_after_the_judgment_is_found(city, scored):
    G = scored[0]
    H = hidden_assets(G)
    for t in load_truth(city).of("asset_hiding"):
        if t["facts"]["mode"] == "new_firm":
            hit = H[H.firm == f"co:uscc:{t['facts']['hidden_firm']}"]
            assert not hit.empty and (hit["moved_on"] > hit["judged"]).all(), t["id"]


def test_scores_are_written_to_the_store_and_evaluated(store, small_seeded_city, tmp_path):
    city = small_seeded_city
    load_paths(store, [city / "data"], hash_key="k", report_dir=tmp_path, progress=False)
    run_resolution(store)
    stale = next(e.key for e in store.search("有限公司", labels=["Company"], limit=50))
    store.write_scores({stale: {"asset_hiding": "[\"from an earlier run\"]"}})
    summary = run_scoring(store)
    assert "from an earlier run" not in (store.get(stale).props.get("asset_hiding") or ""), "a stale score survived"
    assert summary["shell_flags"] > 10 and summary["repeat_flags"] >= 6
    result = evaluate_scores(store, city, hash_key="k")
    assert result["shell"]["f1"] >= 0.8 and result["repeat_offender"]["recall"] >= 0.95
    # read as tables (what `creditgraph evaluate` does), the figures are the exported graph's
    G, keys = store.export(), mention_keys(city, hash_key="k")
    assert evaluate_scores(store, city, hash_key="k", inputs=(G, G), truth=keys) == result
    persons = evaluate_persons(store, city, hash_key="k", truth=keys)
    assert persons["person_link"]["f1"] >= 0.9
    assert evaluate_persons(store, city, hash_key="k", records=G, truth=keys) == persons
    flagged = next(e for e in store.search("有限公司", labels=["Company"], limit=2000) if e.props.get("shell_flag"))
    assert json.loads(flagged.props["shell_reasons"])[0]["evidence"]


def test_a_clean_firm_run_by_a_serial_defaulter_carries_their_risk(city, scored):
    from creditgraph.analytics.spread import dishonesty_spread

    G = scored[0]
    spread = dishonesty_spread(G)
    repeat = repeat_offenders(G)
    clean_firms = [f for f in spread.index if f.startswith("co:uscc:") and f not in repeat.index]
    run_by_offender = [f for f in clean_firms if any(
        d["type"] == "LEGAL_REP_OF" and (G.nodes[u].get("resolved") or u) in set(repeat.index[repeat["flag"]])
        for u, _, d in G.in_edges(f, data=True))]
    assert run_by_offender, "the city plants repeat offenders who run firms"
    median = spread[clean_firms].median()
    assert all(spread[f] > median for f in run_by_offender)


def test_legal_rep_ties_pass_on_more_risk_than_officer_ties():
    import networkx as nx

    from creditgraph.analytics.spread import dishonesty_spread

    G = nx.MultiDiGraph()
    for n, label in (("pe:x", "Person"), ("co:a", "Company"), ("co:b", "Company"), ("dr:1", "DishonestRecord")):
        G.add_node(n, label=label, case_no="c1" if label == "DishonestRecord" else None)
    G.add_edge("pe:x", "co:a", key="LEGAL_REP_OF", type="LEGAL_REP_OF")
    G.add_edge("pe:x", "co:b", key="OFFICER_OF", type="OFFICER_OF", role="监事")
    G.add_edge("pe:x", "dr:1", key="LISTED_IN", type="LISTED_IN")
    s = dishonesty_spread(G)
    assert s["co:a"] > s["co:b"] > 0


def test_clusters_group_firms_sharing_people_and_report_key_persons(city, scored):
    from creditgraph.analytics.clusters import firm_clusters

    G = scored[0]
    C = firm_clusters(G)
    shell = load_truth(city).of("shell_cluster")[0]
    members = {f"co:uscc:{u}" for u in shell["companies"]}
    holding = C[C["members"].map(lambda m: len(members & set(m)) > len(members) / 2)]
    assert len(holding) == 1  # one cluster holds most of the planted batch
    nominee = holding.iloc[0]["key_persons"][0][0]
    assert nominee == load_truth(city).names[shell["facts"]["nominee"]]


def test_pr_curves_are_drawn_for_every_group_that_has_one(tmp_path):
    from creditgraph.scoring import plot_pr_curves

    curve = [{"precision": 0.5, "recall": 1.0}, {"precision": 1.0, "recall": 0.5}]
    path = plot_pr_curves({"shell": {"pr_curve": curve}, "person_link": {"pr_curve": curve}, "x": 1},
                          tmp_path / "pr.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


SPARSE_FIRMS = 300


@pytest.fixture(scope="module")
def sparse_city(tmp_path_factory):
    """A sparse extract: no phones, no abnormal list, paid-in mostly blank, no officer IDs."""
    from creditgraph.synth.generate import generate

    out = tmp_path_factory.mktemp("sparse")
    generate(SPARSE_FIRMS, seed=7, out=out, progress=False, profile="sparse")
    return out


def test_a_store_missing_inputs_says_so_and_still_scores_every_firm(store, sparse_city, tmp_path):
    load_paths(store, [sparse_city / "data"], hash_key="k", report_dir=tmp_path, progress=False)
    run_resolution(store)
    summary = run_scoring(store)
    # every registered firm, with or without a USCC or founding date
    assert summary["firms_scored"] >= 0.99 * SPARSE_FIRMS
    assert summary["firms_unscored"] == 0  # every firm here has a registry fact (real listed holders have none)
    cover = summary["shell_coverage"]
    assert cover["firms_on_phone"] == 0 and cover["abnormal_listings"] == 0 and cover["firms_at_address"] == 1
    assert 0.2 < cover["unpaid_capital"] < 0.6
    said = " ".join(summary["warnings"])
    assert "phones are not published" in said and "no abnormal-operation list was loaded" in said
    firm = next(e for e in store.search("有限公司", labels=["Company"], limit=50)
                if e.props.get("shell_score") is not None)
    assert {"firms_on_phone", "abnormal_listings"} <= set(json.loads(firm.props["shell_unseen"]))
