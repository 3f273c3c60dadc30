"""Planted asset hiding: every move is one the registry could show (the stake dated on or after
its firm's founding, after the judgment), and the truth says which moves the files can date."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path

import pytest

from creditgraph.synth import plant
from creditgraph.synth.datable import mark_datable
from creditgraph.synth.generate import generate
from creditgraph.synth.profiles import PROFILES
from creditgraph.synth.world import World


def _world(profile: str, seed: int) -> World:
    s = PROFILES[profile].world
    return World(random.Random(seed), 20_000, capital_scale=s.capital_scale, capital_tilt=s.capital_tilt,
                 popular_share=s.popular_share, popular_pool=s.popular_pool)


@pytest.mark.parametrize("profile", ["full", "sparse", "listed"])
@pytest.mark.parametrize("seed", [21, 22, 23])
def test_every_planted_move_is_dated_after_the_judgment_and_the_firms_founding(profile, seed):
    w = _world(profile, seed)
    cases = plant.asset_hiding(w, 200)  # 100 transfers: a few into firms founded after the judgment
    by_uscc = {f.uscc: f for f in w.firms}
    late = 0
    for p in cases:
        f = p["facts"]
        hidden, judged, moved = by_uscc[f["hidden_firm"]], *map(dt.date.fromisoformat, (f["judged"], f["moved_on"]))
        stakes = [since for kind, ref, _, _, since in hidden.holders if kind == "P" and ref == f["associate"]]
        assert stakes == [moved], (p["id"], stakes, moved)
        assert judged < moved and hidden.founded <= moved, (p["id"], judged, hidden.founded, moved)
        if f["mode"] == "new_firm":
            assert hidden.founded == moved
        late += f["mode"] == "equity_transfer" and hidden.founded > judged
    assert late, "no transfer into a firm founded after its judgment: the check above proved nothing"


def _patterns(city: Path) -> list[dict]:
    return [p for p in json.loads((city / "truth" / "patterns.json").read_text(encoding="utf-8"))["patterns"]
            if p["pattern"] == "asset_hiding"]


def test_the_full_profile_dates_every_move_and_the_listed_layout_no_transfer(city, tmp_path):
    assert all(p["facts"]["datable"] and "stake" in p["facts"]["dated_by"] for p in _patterns(city))
    generate(1000, seed=7, out=tmp_path, progress=False, profile="listed")
    modes = {p["facts"]["mode"]: p["facts"]["dated_by"] for p in _patterns(tmp_path)}
    assert modes["equity_transfer"] == [] and modes["new_firm"] in ([], ["founding"])


def _rewrite(path: Path, blank) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        blank(r)
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        out.writeheader()
        out.writerows(rows)


def test_datable_follows_the_dates_the_files_publish(tmp_path):
    generate(1000, seed=7, out=tmp_path, progress=False)
    cases = _patterns(tmp_path)
    with (tmp_path / "truth" / "companies.csv").open(encoding="utf-8") as fh:
        firm_name = {r["uscc"]: r["name"] for r in csv.DictReader(fh)}
    with (tmp_path / "truth" / "persons.csv").open(encoding="utf-8") as fh:
        person_name = {int(r["pid"]): r["name"] for r in csv.DictReader(fh)}
    hidden = {firm_name[p["facts"]["hidden_firm"]] for p in cases}
    data = tmp_path / "data"

    def remark() -> dict[str, list[str]]:
        mark_datable(cases, data, PROFILES["full"], firm_name, person_name)
        return {p["facts"]["mode"]: p["facts"]["dated_by"] for p in cases}

    assert remark() == {"new_firm": ["founding", "stake"], "equity_transfer": ["stake"]}
    # stake dates blank: a new firm is still dated by its founding, a transfer no longer is
    _rewrite(data / "shareholders.csv", lambda r: r.update({"认缴出资日期": ""}) if r["公司名"] in hidden else None)
    assert remark() == {"new_firm": ["founding"], "equity_transfer": []}
    # and an impossible founding date (a dirty row) dates nothing
    _rewrite(data / "enterprise_registration.csv",
             lambda r: r.update({"成立日期": "2019-13-45"}) if r["公司名"] in hidden else None)
    assert remark() == {"new_firm": [], "equity_transfer": []}
    assert not any(p["facts"]["datable"] for p in cases)
