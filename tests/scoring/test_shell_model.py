"""The shell model scores each firm on the indicators it has, says which it could not see, and
reads a flag threshold per availability pattern; the firm rankings give every firm one place."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from creditgraph.analytics.features import INDICATORS
from creditgraph.analytics.hiding_ranking import hiding_firm_ranking
from creditgraph.analytics.dishonest_ranking import dishonest_firm_ranking
from creditgraph.analytics.offenders import _reason
from creditgraph.analytics.shell import ShellModel, availability, fit_shell_model, score_shells
from creditgraph.scoring import coverage_warnings


def _frame(n: int = 4000, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    """Firms whose first two indicators separate shells; the rest are noise."""
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.05
    X = pd.DataFrame(rng.random((n, len(INDICATORS))), columns=list(INDICATORS),
                     index=[f"co:uscc:{i}" for i in range(n)])
    X["firms_at_address"] = np.where(y, rng.integers(10, 30, n), rng.integers(1, 4, n))
    X["registered_together"] = np.where(y, rng.integers(8, 20, n), rng.integers(1, 3, n))
    return X, pd.Series(y, index=X.index)


@pytest.fixture(scope="module")
def model() -> ShellModel:
    X, y = _frame()
    return fit_shell_model(X, y, seed=1)


def test_an_unavailable_indicator_contributes_nothing_and_is_named(model):
    X, _ = _frame(50, seed=2)
    X.iloc[0, 0] = np.nan  # firms_at_address unknown for the first firm
    s = score_shells(X, {}, model=model)
    assert s.iloc[0]["unseen"] == ["firms_at_address"] and s.iloc[1]["unseen"] == []
    assert all(r["indicator"] != "firms_at_address" for r in s.iloc[0]["reasons"])


def test_a_firm_is_flagged_only_where_its_pattern_has_a_threshold(model):
    assert model.thresholds[(1 << len(INDICATORS)) - 1] is not None  # everything seen
    noise_only = sum(1 << j for j in range(2, len(INDICATORS)))  # the separating two unseen
    assert model.thresholds[noise_only] is None  # no precision ≥ 0.9 anywhere on noise: never flag
    X, y = _frame(400, seed=3)
    X[["firms_at_address", "registered_together"]] = np.nan
    assert not score_shells(X, {}, model=model)["flag"].any()


def test_thresholds_hold_on_held_out_firms_of_each_pattern(model):
    X, y = _frame(3000, seed=4)
    s = score_shells(X, {}, model=model)
    tp = int((s["flag"] & y).sum())
    assert tp / max(1, s["flag"].sum()) >= 0.85 and tp / y.sum() >= 0.85
    X.loc[X.index[::2], "registered_together"] = np.nan  # half the firms lose one good indicator
    s = score_shells(X, {}, model=model)
    assert set(availability(X).tolist()) == {(1 << len(INDICATORS)) - 1, (1 << len(INDICATORS)) - 1 - 2}
    assert int((s["flag"] & y).sum()) / y.sum() >= 0.8  # the other one still flags them


def test_model_round_trips_through_its_file(model, tmp_path):
    model.save(tmp_path / "m.json")
    again = ShellModel.load(tmp_path / "m.json")
    assert again == model


def test_the_shipped_model_spares_a_group_subsidiary_that_looks_busy():
    """Many firms at the HQ address and an executive who is legal rep of a dozen subsidiaries —
    but paid in, long-lived and held by the group's parent: not a shell."""
    busy = {"firms_at_address": 40, "registered_together": 3, "same_rep_batch": 2, "rep_fronts_firms": 10,
            "officer_fronts_firms": 12, "shared_crew": 20}
    subsidiary = {**busy, "short_life": 0, "unpaid_capital": 0, "group_subsidiary": 1, "group_address": 0.95,
                  "abnormal_listings": 0, "ownership_cycle": 0, "firms_on_phone": 40}
    shell = {**busy, "registered_together": 25, "same_rep_batch": 20, "short_life": 1, "unpaid_capital": 1,
             "group_subsidiary": 0, "group_address": 0.0, "abnormal_listings": 1, "ownership_cycle": 1,
             "firms_on_phone": 15}
    s = score_shells(pd.DataFrame([subsidiary, shell], index=["co:uscc:SUB", "co:uscc:SHELL"])[list(INDICATORS)], {})
    assert s.at["co:uscc:SHELL", "flag"] and not s.at["co:uscc:SUB", "flag"]
    assert s.at["co:uscc:SUB", "score"] < s.at["co:uscc:SHELL", "score"]


def test_coverage_warnings_say_in_plain_words_what_is_missing():
    assert "no firm could be scored" in coverage_warnings(0, {})[0]
    full = dict.fromkeys(INDICATORS, 1.0)
    assert coverage_warnings(100, full) == []
    sparse = full | {"unpaid_capital": 0.0, "firms_on_phone": 0.1}
    got = coverage_warnings(100, sparse)
    assert len(got) == 2 and "paid-in capital is not published" in got[0] and "phones" in got[1]


def test_repeat_reasons_count_in_plain_english():
    assert _reason(1, 1, 1, 0) == "1 dishonest case in 1 court in 1 year"
    assert _reason(3, 2, 2, 2) == ("3 dishonest cases in 2 courts over 2 years; "
                                   "legal rep of 2 firms that each became dishonest")


def test_firm_rankings_give_every_firm_one_place_and_break_ties_by_a_documented_key():
    G = nx.MultiDiGraph()
    for k in ("co:a", "co:b", "co:c", "co:d"):
        G.add_node(k, label="Company")
    for i, (firm, amount) in enumerate((("co:b", 10), ("co:a", 10), ("co:c", 99))):
        G.add_node(f"dr:{i}", label="DishonestRecord", case_no=f"c{i}", unperformed_amount=amount)
        G.add_edge(firm, f"dr:{i}", key="LISTED_IN", type="LISTED_IN")
    G.add_node("pe:x", label="Person", name="甲")
    G.add_edge("pe:x", "co:d", key="LEGAL_REP_OF", type="LEGAL_REP_OF")
    G.add_edge("pe:x", "dr:0", key="LISTED_IN", type="LISTED_IN")  # d's legal rep is listed too
    R = dishonest_firm_ranking(G)
    assert R.index.tolist() == ["co:c", "co:a", "co:b", "co:d"]  # equal risk: larger unperformed, then key
    assert R["rank"].tolist() == [1, 2, 3, 4] and R.at["co:d", "risk"] == 1
    H = pd.DataFrame({"firm": ["co:b", "co:a"], "debtor": ["x", "y"], "strength": [1, 1],
                      "judged": ["2020-01-01", "2020-01-01"], "moved_on": ["2020-03-01", "2020-02-01"]})
    ranking = hiding_firm_ranking(H, pd.Index(["co:a", "co:b", "co:c"]))
    assert ranking.index.tolist() == ["co:a", "co:b", "co:c"]  # sooner after the judgment first
