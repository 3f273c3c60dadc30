"""``creditgraph entity`` shows the explorer's risk level; ``creditgraph paths`` finds paths as the
paths page does (analytics.paths.find_paths), exits 0 / 1 / 2 / 3 as documented, and registers
every read — on the in-memory store, opened where the commands open theirs."""

from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager

import pytest

from creditgraph import cli
from creditgraph.audit import AuditLog
from creditgraph.graph.memory import MemoryGraphStore
from creditgraph.graph.records import EdgeRow, NodeRow

SEEN = dt.date(2025, 1, 1)
SHELL, CLEAN, FAR = "co:uscc:91350100CLITST01X", "co:uscc:91350100CLITST02X", "co:uscc:91350100CLITST03X"
BOSS, ALIAS = "pe:test:cli-boss", "pe:test:cli-boss-record"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """Every command's store is one in-memory store: a shell firm and a clean one, tied through a
    person whose second record holds the clean firm's stake; a third firm tied to nobody."""
    store = MemoryGraphStore()
    store.upsert_nodes([NodeRow("Company", SHELL, {"name": "甲空壳公司", "shell_score": 0.91, "shell_flag": True,
                                                   "spread": 0.02}, "t", "1", SEEN),
                        NodeRow("Company", CLEAN, {"name": "乙公司", "shell_score": 0.35, "spread": 0.0}, "t", "2",
                                SEEN),
                        NodeRow("Company", FAR, {"name": "丙公司"}, "t", "3", SEEN),
                        NodeRow("Person", BOSS, {"name": "王大"}, "t", "4", SEEN),
                        NodeRow("Person", ALIAS, {"name": "王大", "resolved": BOSS}, "t", "5", SEEN)])
    store.upsert_edges([EdgeRow("LEGAL_REP_OF", BOSS, SHELL, {}, "t", "6", SEEN),
                        EdgeRow("SHAREHOLDER_OF", ALIAS, CLEAN, {"ratio": 0.4}, "t", "7", SEEN)])

    @contextmanager
    def open_store(settings, **_):
        yield store

    monkeypatch.setattr("creditgraph.graph.connect.open_store", open_store)
    monkeypatch.setenv("CREDITGRAPH_ID_HASH_KEY", "cli-entity-paths-test-key-0123456789")
    monkeypatch.setenv("CREDITGRAPH_USER", "clerk")
    monkeypatch.delenv("CREDITGRAPH_NEO4J_URI", raising=False)
    return tmp_path


def _register(data_dir) -> list[dict]:
    """The register's entries, each query read back from its JSON text."""
    return [dict(e, query=json.loads(e["query"])) for e in AuditLog(data_dir / "audit" / "queries.jsonl",
                                                                      "clerk").entries()]


def test_entity_shows_the_risk_level_and_its_scores(data_dir, capsys):
    assert cli.main(["entity", SHELL, "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "甲空壳公司" in out and "risk: high" in out and "shell_score" in out
    assert cli.main(["entity", CLEAN, "--json", "--data-dir", str(data_dir)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["risk"] == "medium" and shown["scores"]["shell_score"] == 0.35 and shown["key"] == CLEAN
    assert cli.main(["entity", FAR, "--json", "--data-dir", str(data_dir)]) == 0
    assert json.loads(capsys.readouterr().out)["risk"] == "low"
    assert [(e["action"], e["query"]["key"], e["results"]) for e in _register(data_dir)] == [
        ("entity", SHELL, 1), ("entity", CLEAN, 1), ("entity", FAR, 1)]


def test_an_unknown_entity_exits_3_and_is_registered(data_dir, capsys):
    assert cli.main(["entity", "co:uscc:91350100NOBODY9X", "--data-dir", str(data_dir)]) == cli.EXIT_ERROR
    last = _register(data_dir)[-1]
    assert last["action"] == "entity" and last["results"] == 0 and last["outcome"]


def test_paths_finds_the_tie_through_the_resolved_person(data_dir, capsys):
    assert cli.main(["paths", SHELL, ALIAS, "--json", "--data-dir", str(data_dir)]) == 0
    found = json.loads(capsys.readouterr().out)
    assert (found["start"], found["end"]) == (SHELL, BOSS)  # between resolved entities, as on the page
    assert [[n["key"] for n in p["nodes"]] for p in found["paths"]] == [[SHELL, BOSS]]
    assert cli.main(["path", SHELL, CLEAN, "-k", "1", "--data-dir", str(data_dir)]) == 0  # the alias
    assert capsys.readouterr().out.strip() == "甲空壳公司 -[LEGAL_REP_OF]- 王大 -[SHAREHOLDER_OF]- 乙公司"
    last = _register(data_dir)[-1]
    assert last["action"] == "paths" and last["results"] == 1
    assert last["query"] == {"start": SHELL, "end": CLEAN, "max_hops": 6, "k": 1}


def test_no_path_exits_1_and_bad_options_exit_2(data_dir, capsys):
    assert cli.main(["paths", SHELL, FAR, "--data-dir", str(data_dir)]) == cli.EXIT_NO == 1
    assert "no path of at most 6 hops" in capsys.readouterr().out
    assert _register(data_dir)[-1]["results"] == 0
    for bad in (["-k", "0"], ["--max-hops", "0"]):
        with pytest.raises(SystemExit) as usage:
            cli.main(["paths", SHELL, CLEAN, *bad, "--data-dir", str(data_dir)])
        assert usage.value.code == cli.EXIT_USAGE
