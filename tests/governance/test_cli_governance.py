"""The governance commands through ``creditgraph.cli.main``, in this process, on the session's
embedded store (reached over Bolt as a Neo4j URI, so no second JVM starts)."""

from __future__ import annotations

import json

import pytest

from govcity import BOSS, NEW, OLD, OWN
from creditgraph.cli import main


@pytest.fixture
def cli(small_city, arcadedb_server, tmp_path, monkeypatch, capsys):
    ep = arcadedb_server.endpoint
    for k, v in {"NEO4J_URI": ep.uri, "NEO4J_USER": ep.user, "NEO4J_PASSWORD": ep.password,
                 "NEO4J_DATABASE": ep.database,
                 "DATA_DIR": str(tmp_path), "USER": "clerk-01", "AUDIT_KEY": "cli-audit-key"}.items():
        monkeypatch.setenv(f"CREDITGRAPH_{k}", v)

    def run(*args: str) -> tuple[int, str]:
        code = main(list(args))
        return code, capsys.readouterr().out

    run.data_dir = tmp_path
    return run


def test_the_governance_commands(cli):
    code, out = cli("expire", "--as-of", "2025-06-01", "--json")
    assert code == 0 and json.loads(out)["taken_off"] == 3
    code, out = cli("objection", "file", NEW, "--grounds", "paid in 2024", "--json")
    oid = json.loads(out)["id"]
    assert code == 0 and oid.startswith("OB")
    assert cli("objection", "list")[1].startswith(oid)
    code, out = cli("objection", "uphold", oid, "--withdraw", "--reason", "receipt checked", "--no-rescore")
    assert code == 0 and "withdrawn" in out
    assert json.loads(cli("objection", "stats", "--json")[1])["upheld"] == 1
    assert cli("objection", "reject", oid, "--reason", "late")[0] == 3  # already decided: a CreditGraphError
    code, out = cli("repair", "apply", OWN, "--evidence", "performance:(2024)闽01执5号之二:paid", "--json")
    rid = json.loads(out)["id"]
    assert cli("repair", "approve", rid, "--reason", "confirmed", "--no-rescore")[0] == 0
    assert cli("watch", "follow", "entity", BOSS)[0] == 0
    assert "0 alerts raised" in cli("alerts", "run", "--after", "load")[1]
    assert cli("alerts")[1].strip() == "no open alerts"
    code, out = cli("publish", "lists", "--as-of", "2025-06-01", "--no-pdf", "--json")
    ed = json.loads(out)
    # withdrawn, repaired, expired: no debtor left; both firms now have a clean record
    assert code == 0 and ed["counts"] == {"blacklist": 0, "redlist": 2}
    assert cli("publish", "verify", ed["id"])[1].strip() == f"{ed['id']}: intact"
    actions = [json.loads(l)["action"] for l in (cli.data_dir / "audit" / "queries.jsonl").read_text().splitlines()]
    assert actions.count("governance.expire") == 3 and "governance.publish" in actions
    assert {OLD} <= {json.loads(json.loads(l)["query"]).get("record")
                     for l in (cli.data_dir / "audit" / "queries.jsonl").read_text().splitlines()}
