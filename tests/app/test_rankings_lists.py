"""The rankings page's 红黑榜 are governance's: the same rows in the same order as the edition
published from the same store on the same day (one rule, creditgraph/lifecycle.yaml ``lists``)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from apptest import run_page

from creditgraph.audit import AuditLog
from creditgraph.governance import Governance
from creditgraph.governance.publish import publish_lists
from creditgraph.governance.state import State


def _table(at, column: str) -> pd.DataFrame:
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def test_rankings_red_and_black_lists_are_the_published_edition(app_env, tmp_path):
    store, settings = app_env
    at = run_page("app_pages/rankings.py", timeout=90)
    black, red = _table(at, "异议中记录"), _table(at, "成立年数")
    gov = Governance(store, State(tmp_path / "governance"), AuditLog(tmp_path / "audit" / "queries.jsonl", "clerk"),
                     "clerk")
    edition = publish_lists(gov, as_of=dt.date.today(), audit_key="test-audit-key", pdf=False)
    published = {n: pd.read_csv(f"{edition['path']}/{n}.csv", dtype=str, keep_default_na=False)
                 for n in ("blacklist", "redlist")}
    assert len(published["blacklist"]) and len(published["redlist"])  # the seeded city has both lists
    assert black["编号"].tolist() == published["blacklist"]["entity"].tolist()
    assert black["名称"].tolist() == published["blacklist"]["name"].tolist()
    assert black["失信案件数"].tolist() == published["blacklist"]["cases"].astype(int).tolist()
    assert red["编号"].tolist() == published["redlist"]["entity"].tolist()
    assert red["名称"].tolist() == published["redlist"]["name"].tolist()


def test_black_list_rows_are_resolved_entities_once_each(app_env):
    store, _ = app_env
    black = _table(run_page("app_pages/rankings.py", timeout=90), "异议中记录")
    assert black["编号"].is_unique
    assert all((store.get(k).props.get("resolved") or k) == k for k in black["编号"] if store.entities([k]))
    assert set(black["类型"]) <= {"企业", "人员"} and (black["失信案件数"] >= 1).all()
