"""The asset-hiding figure over the moves the published files can date: computed once, by
``detection_metrics`` (so ``creditgraph evaluate`` and the bench report the same), following the
truth's ``datable`` fact, and printed by ``creditgraph evaluate``."""

from __future__ import annotations

import json
import shutil

import pytest

from creditgraph.cli.analysis import flat_figures
from creditgraph.evaluation import detection_metrics, score_city
from creditgraph.synth.truth import mention_keys
from creditgraph.training.cities import resolved_city_graph


@pytest.fixture(scope="module")
def evaluated(city):
    G = resolved_city_graph(city)
    return G, score_city(G), mention_keys(city, hash_key="k")


def _hiding(city) -> list[dict]:
    patterns = json.loads((city / "truth" / "patterns.json").read_text(encoding="utf-8"))["patterns"]
    return [p for p in patterns if p["pattern"] == "asset_hiding"]


def test_every_datable_move_is_counted_and_ranked_as_every_move_is(city, evaluated):
    G, scores, keys = evaluated
    m = detection_metrics(G, city, scores, mention_keys=keys)
    datable = [p for p in _hiding(city) if p["facts"]["datable"]]
    assert datable and len(datable) == len(_hiding(city))  # the full profile dates every move
    assert m["asset_hiding_datable"] == {"planted": len(datable), "in_top_1pct": m["asset_hiding"]["in_top_1pct"],
                                         "worst_rank": m["asset_hiding"]["worst_rank"]}


def test_a_move_the_files_cannot_date_leaves_the_datable_figure(city, evaluated, tmp_path):
    G, scores, keys = evaluated
    before = detection_metrics(G, city, scores, mention_keys=keys)
    shutil.copytree(city / "truth", tmp_path / "truth")
    path = tmp_path / "truth" / "patterns.json"
    truth = json.loads(path.read_text(encoding="utf-8"))
    hiding = [p for p in truth["patterns"] if p["pattern"] == "asset_hiding"]
    hiding[0]["facts"]["datable"], hiding[0]["facts"]["dated_by"] = False, []
    path.write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    after = detection_metrics(G, tmp_path, scores, mention_keys=keys)
    assert after["asset_hiding"] == before["asset_hiding"]  # every planted move still counts there
    assert after["asset_hiding_datable"]["planted"] == before["asset_hiding_datable"]["planted"] - 1
    assert after["asset_hiding_datable"]["in_top_1pct"] <= before["asset_hiding_datable"]["in_top_1pct"]


def test_evaluate_prints_the_datable_figure_beside_figures_outside_any_group():
    result = {"firms": 300, "profile": "sparse", "asset_hiding": {"planted": 5, "in_top_1pct": 4},
              "asset_hiding_datable": {"planted": 4, "in_top_1pct": 4, "worst_rank": 12}}
    flat = flat_figures(result)
    assert flat["asset_hiding_datable.planted"] == 4 and flat["asset_hiding_datable.worst_rank"] == 12
    assert flat["firms"] == 300 and flat["profile"] == "sparse" and flat["asset_hiding.in_top_1pct"] == 4
