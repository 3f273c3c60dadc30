"""The generator: deterministic, valid identifiers, realistic shape, the planted truth, and
deliberately dirty rows that the real loaders quarantine with the right reason."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from creditgraph.normalize import is_valid_id, is_valid_uscc, parse_id, parse_ratio
from creditgraph.loaders.pipeline import load_paths
from creditgraph.synth.generate import generate
from creditgraph.synth.ids import mask_person_id, mask_uscc, org_code
from creditgraph.synth.plant import Plan
from creditgraph.synth.truth import load_truth
from recording import RecordingStore


def _rows(city: Path, name: str) -> list[dict]:
    with (city / "data" / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "summary.json"}


def test_same_seed_same_city_other_seed_other_city(tmp_path, city):
    generate(1000, seed=7, out=tmp_path / "again", progress=False)
    generate(1000, seed=8, out=tmp_path / "other", progress=False)
    assert _digest(tmp_path / "again") == _digest(city)
    registration = "data/enterprise_registration.csv"
    assert _digest(tmp_path / "other")[registration] != _digest(city)[registration]


def test_exactly_the_companies_asked_for_with_valid_unique_usccs(city):
    firms = _rows(city, "enterprise_registration.csv")
    usccs = [r["统一社会信用代码"] for r in firms]
    assert len(firms) == 1000 and len(set(usccs)) == 1000 and len({r["公司名"] for r in firms}) == 1000
    assert all(is_valid_uscc(u) and u[2:8].startswith("3501") for u in usccs)
    assert all(r["公司名"].endswith("有限公司") for r in firms)


def test_ids_are_valid_and_show_as_registries_show_them(city):
    with (city / "truth" / "persons.csv").open(encoding="utf-8") as fh:
        persons = list(csv.DictReader(fh))
    assert all(is_valid_id(p["id_number"]) for p in persons)
    assert all(parse_id(p["id_number"]).sex == p["sex"] for p in persons)
    shown = Counter("full" if is_valid_id(r["法定代表人证件号码"]) else "masked" if "*" in r["法定代表人证件号码"]
                    else "none" for r in _rows(city, "enterprise_registration.csv"))
    assert shown["full"] > shown["masked"] > shown["none"] > 50  # all three occur, full IDs most often


def test_shareholdings_sum_to_one_hundred_percent(city):
    totals = defaultdict(float)
    for r in _rows(city, "shareholders.csv"):
        totals[r["统一社会信用代码"]] += parse_ratio(r["持股比例"], percent=True)
    assert len(totals) == 1000
    assert all(abs(t - 1) < 1e-6 for t in totals.values()), [t for t in totals.values() if abs(t - 1) >= 1e-6][:5]


def test_shape_most_people_in_one_firm_and_few_in_many(city):
    d = json.loads((city / "truth" / "summary.json").read_text(encoding="utf-8"))["distribution"]
    # the real listed / A-share boards: 0.86–0.87 of people in one firm (bench/synth_distributions.py)
    assert 0.8 < d["firms_per_person"]["share_1"] < 0.92 and d["firms_per_person"]["max"] >= 30
    assert d["firms_per_address"]["share_1"] > 0.8 and d["firms_per_address"]["max"] >= 30
    assert 0.005 < d["dishonest_firm_share"] < 0.08
    assert d["name_collision_share"] > 0.05  # namesakes occur; the share grows with size (~0.5 at 100k)


def test_every_planted_pattern_and_decoy_is_in_the_truth_file(city):
    truth = load_truth(city)
    plan = Plan.for_size(1000)
    counts = Counter(p["pattern"] for p in truth.patterns)
    assert counts == {"shell_cluster": plan.shell_clusters, "repeat_offender": plan.repeat_persons + plan.repeat_firms,
                      "serial_defaulter": plan.serial, "asset_hiding": plan.hiding,
                      "hidden_link": plan.hidden_links, "group_hq": plan.groups,
                      "independent_director": plan.directors, "same_name": plan.repeat_persons}
    decoys = ("group_hq", "independent_director", "same_name")
    assert {p["kind"] for p in truth.patterns if p["pattern"] in decoys} == {"decoy"}
    usccs = {r["统一社会信用代码"] for r in _rows(city, "enterprise_registration.csv")}
    assert all(u in usccs for p in truth.patterns for u in p["companies"])


def test_dirty_rows_are_all_quarantined_with_the_right_reason(tmp_path):
    generate(1000, seed=3, out=tmp_path / "c", dirty=0.02, progress=False)
    load_paths(RecordingStore(), [tmp_path / "c" / "data"], hash_key="k", report_dir=tmp_path / "r", progress=False)
    got = {(Path(q["file"]).name, q["line"]): q["reason"]
           for q in map(json.loads, (tmp_path / "r" / "quarantine.jsonl").read_text(encoding="utf-8").splitlines())}
    want = {(d["file"], int(d["line"])): d["reason_contains"] for d in load_truth(tmp_path / "c").dirty_rows}
    assert len(want) > 50
    assert got.keys() == want.keys()
    assert [k for k, words in want.items() if words not in got[k]] == []


def test_clean_city_loads_without_quarantine_in_every_layout(city, tmp_path):
    report = load_paths(RecordingStore(), [city / "data"], hash_key="k", report_dir=tmp_path, progress=False)
    assert report.rows_quarantined == 0 and not report.skipped
    assert {f.layout for f in report.files} == {
        "gsxt_enterprise", "gsxt_personnel", "gsxt_shareholders", "gsxt_abnormal", "creditchina_penalties",
        "dishonest_zxgk", "dishonest_aggregator", "zxgk_restrictions", "judgments"}


def test_masks_follow_the_official_style():
    assert mask_uscc("91230199744190927K") == "91230199744****927K"  # as in the real Taifu record
    assert mask_person_id("350102197203051237") == "3501021972****1237"
    assert org_code("74419092") == "744190927"  # the real Taifu firm's 组织机构代码


@pytest.mark.parametrize("n", [0, 99])
def test_too_small_a_city_is_refused(tmp_path, n):
    with pytest.raises(ValueError, match="at least 100"):
        generate(n, seed=1, out=tmp_path)
