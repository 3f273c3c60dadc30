"""The risk level rule (analytics/risk.py): flags make high, the thresholds make medium, and the
shell reasons show from the same shell-score threshold."""

from __future__ import annotations

import pytest

from creditgraph.analytics.risk import HIGH_FLAGS, SHELL_MEDIUM, SPREAD_MEDIUM, risk_level, shows_shell_reasons


@pytest.mark.parametrize("flag", HIGH_FLAGS)
def test_any_flag_is_high_whatever_the_scores(flag):
    assert risk_level({flag: True, "shell_score": 0.0, "spread": 0.0}) == "high"


@pytest.mark.parametrize("props, level", [
    ({"shell_score": SHELL_MEDIUM}, "medium"),
    ({"shell_score": SHELL_MEDIUM - 0.001}, "low"),
    ({"spread": SPREAD_MEDIUM}, "medium"),
    ({"spread": SPREAD_MEDIUM - 0.001}, "low"),
    ({"shell_score": None, "spread": None}, "low"),
    ({}, "low"),
    ({"shell_flag": False, "repeat_flag": False, "asset_hiding": "", "shell_score": 0.9}, "medium"),
    ({"shell_score": "0.45"}, "medium"),  # a score stored as text reads as its number
    ({"shell_score": "n/a"}, "low"),
])
def test_thresholds_are_inclusive(props, level):
    assert risk_level(props) == level


def test_shell_reasons_show_from_the_medium_threshold_or_a_flag():
    assert shows_shell_reasons({"shell_score": SHELL_MEDIUM})
    assert not shows_shell_reasons({"shell_score": SHELL_MEDIUM - 0.01})
    assert shows_shell_reasons({"shell_flag": True, "shell_score": 0.0})
    assert not shows_shell_reasons({"spread": 0.9})  # spread makes medium risk but has no shell reasons


def test_the_explorer_reads_the_same_rule():
    from creditgraph.app import network

    assert network.risk_level is risk_level
