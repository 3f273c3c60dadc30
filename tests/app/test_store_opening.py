"""The explorer before its store is open: the server opens the store as it starts
(app/server.py), and until it is open the search page shows its box and a status line — no
page waits for the store in silence — then fills in, running a search typed meanwhile."""

from __future__ import annotations

import re

import pytest
from apptest import run_page

from creditgraph.app import server
from creditgraph.app.strings import t
from creditgraph.synth.truth import load_truth


@pytest.fixture
def opening(monkeypatch):
    """The store still opening, as the server's start left it; ``.done.set()`` opens it."""
    o = server._Opening()
    monkeypatch.setattr(server, "_opening", o)
    return o


def shown(at) -> list[str]:
    return [s.label for s in at.status] + [c.value for c in at.caption] + [c.value for c in at.sidebar.caption]


def test_search_page_is_usable_while_the_store_opens_and_fills_in_once_open(app_env, city, opening, monkeypatch):
    store, _ = app_env
    firm = store.get(f"co:uscc:{load_truth(city).of('shell_cluster')[0]['companies'][0]}")

    def no_store():
        raise AssertionError("the store was read while it was still opening")

    from creditgraph.app import state

    monkeypatch.setattr(state, "store", no_store)
    at = run_page(q=firm.name)
    assert at.text_input[0].label == t("search.box") and at.text_input[0].value == firm.name
    assert at.status[0].label.startswith("正在打开数据库…")  # the status line, in Chinese
    assert not [x for x in shown(at) if re.search(r"[A-Za-z]{3,}", x.replace("inspector-7", ""))]  # and only Chinese
    assert t("search.queued") in shown(at)  # the search typed before is kept, and said to be waiting
    assert any("数据库: 正在打开…" in c for c in shown(at))  # the sidebar's store is a placeholder
    assert not at.dataframe and not at.get("page_link")

    monkeypatch.setattr(state, "store", lambda: store)
    opening.done.set()  # open now: the next run (the fragment's poll reruns the page) fills in
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.status
    assert firm.key in set(at.dataframe[0].value.iloc[:, -1])  # the search typed while opening ran
    assert any("数据库: 内置存储" in c or "数据库: 内存存储" in c or "数据库: Neo4j" in c for c in shown(at))


def test_other_pages_show_the_status_instead_of_waiting(app_env, opening):
    at = run_page("app_pages/rankings.py")
    assert at.title[0].value == t("nav.rankings")
    assert at.status[0].label.startswith("正在打开数据库…") and t("app.opening_page") in shown(at)
    at = run_page(lang="en")
    assert at.status[0].label.startswith("Opening the store…")


def test_no_server_means_no_waiting(app_env):
    """AppTest and a plain run start no warm-up: the first read opens the store, no status."""
    assert server.opening() is None
    at = run_page(q="有限公司")
    assert not at.status and at.dataframe
