"""The governance page under AppTest: an objection filed in the form shows 异议中, upheld it
withdraws the record and recomputes scores; the alert queue dismisses with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from govcity import BOSS, ORDER, OWN
from creditgraph.audit import AuditLog
from creditgraph.settings import Settings

PAGE = Path(__file__).resolve().parents[2] / "app" / "app_pages" / "governance.py"


@pytest.fixture
def page_env(small_city, tmp_path, monkeypatch):
    import streamlit as st

    from creditgraph.app import state
    from creditgraph.resolution import run_resolution
    from creditgraph.scoring import run_scoring

    run_resolution(small_city)
    run_scoring(small_city, progress=False, processes=1)
    settings = Settings(data_dir=tmp_path, user="reviewer-3", id_hash_key="page-test-key", _env_file=None)
    monkeypatch.setattr(state, "store", lambda: small_city)
    monkeypatch.setattr(state, "settings", lambda: settings)
    st.cache_data.clear()
    yield small_city, settings
    st.cache_data.clear()


def submit(at: AppTest, label: str, index: int = 0) -> None:
    [b for b in at.button if b.label == label][index].click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_an_objection_from_filing_to_withdrawal(page_env):
    store, settings = page_env
    assert store.get(BOSS).props["repeat_cases"] == 1
    at = AppTest.from_file(str(PAGE), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.text_input(key="ob_subject").input(BOSS).run()
    records = at.table[0].value
    assert set(records["记录编号"]) == {OWN, ORDER} and set(records["记录状态"]) == {"有效"}
    at.selectbox(key="ob_pick").select(OWN)
    at.text_area(key="ob_grounds").input("not this 王大")
    submit(at, "提交")
    assert "异议中" in at.success[0].value
    assert dict(zip(at.table[0].value["记录编号"], at.table[0].value["记录状态"]))[OWN] == "异议中"
    table = at.table[1].value
    assert list(table["记录状态"]) == ["异议中"] and list(table["objection"]) == ["open"]
    at.text_input(key="ob_reason").input("a namesake: the court confirmed")
    submit(at, "提交", 1)  # the decision form's button (withdraw is the default)
    assert "评分已重新计算" in at.success[0].value and "个节点的评分已更新" in at.success[0].value
    table = at.table[1].value
    assert table["记录状态"].iloc[0].startswith("已撤销（异议成立）") and list(table["objection"]) == ["upheld"]
    assert not store.get(BOSS).props.get("repeat_cases")  # rescored without the withdrawn case
    actions = [e["action"] for e in AuditLog(settings.data_dir / "audit" / "queries.jsonl", "x").entries()]
    assert actions == ["governance.objection.file", "governance.objection.uphold", "governance.rescore"]
