"""Every explorer page runs without exceptions on both stores, shows the right data, and registers
the query; entity strings are escaped."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from creditgraph.audit import AuditLog
from creditgraph.synth.truth import load_truth

from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app" / "streamlit_app.py"


def run(page: str | None = None, **params) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def register(settings) -> list[dict]:
    return AuditLog(settings.data_dir / "audit" / "queries.jsonl", settings.user).entries()


def shell_firm(city) -> str:
    cluster = load_truth(city).of("shell_cluster")[0]
    return f"co:uscc:{cluster['companies'][0]}"


def test_search_finds_a_planted_shell_by_name_and_registers_it(app_env, city):
    store, settings = app_env
    firm = store.get(shell_firm(city))
    at = run(q=firm.name)
    assert at.text_input[0].value == firm.name
    table = at.dataframe[0].value
    assert firm.key in set(table.iloc[:, -1])
    last = register(settings)[-1]
    assert last["action"] == "search" and last["user"] == "inspector-7" and last["results"] >= 1
