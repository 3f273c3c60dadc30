"""`creditgraph audit verify|checkpoint|export`: every way of rewriting the register is caught.

The register is written the way the CLI writes it (sealed with the key derived from the
ID-hash key); checkpoints are signed with CREDITGRAPH_AUDIT_KEY. Each tampering test
starts from a verified, checkpointed register, tampers with it as an attacker with write
access to the data folder would, and expects `audit verify` to exit 1 and name what it found.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from creditgraph import cli
from creditgraph.audit import GENESIS, AuditLog, make_checkpoint, seal_key, verify_register
from testenv import fresh_env

AUDIT_KEY = "audit-key-for-tests-only-0123456789"


@pytest.fixture
def data(tmp_path, monkeypatch, capsys) -> Path:
    monkeypatch.chdir(tmp_path)  # no .env from elsewhere
    monkeypatch.setenv("CREDITGRAPH_AUDIT_KEY", AUDIT_KEY)
    monkeypatch.setenv("CREDITGRAPH_USER", "inspector-3")
    monkeypatch.delenv("CREDITGRAPH_NEO4J_URI", raising=False)
    return tmp_path / "data"


def _log(data: Path) -> AuditLog:
    key = os.environ["CREDITGRAPH_ID_HASH_KEY"]
    return AuditLog(data / "audit" / "queries.jsonl", "inspector-3", seal_key=seal_key(key))


def _audit(data: Path, *args: str) -> int:
    return cli.main(["audit", *args, "--data-dir", str(data)])


def _verify(data: Path, capsys, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    rc = _audit(data, "verify", *args)
    return rc, capsys.readouterr().out


def _lines(data: Path) -> list[str]:
    return (data / "audit" / "queries.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)


def _write(data: Path, lines: list[str]) -> None:
    (data / "audit" / "queries.jsonl").write_text("".join(lines), encoding="utf-8")


def _rechain(lines: list[str]) -> list[str]:
    """What an attacker without the keys does: fix every prev so the chain is whole again."""
    out, prev = [], GENESIS
    for line in lines:
        e = json.loads(line)
        e["prev"] = prev
        text = json.dumps(e, ensure_ascii=False) + "\n"
        out.append(text)
        prev = hashlib.sha256(text.rstrip("\n").encode()).hexdigest()
    return out


@pytest.fixture
def anchored(data, capsys) -> Path:
    """Five sealed entries, checkpointed; verify passes."""
    log = _log(data)
    for i in range(5):
        log.record("search", {"text": f"q{i}"}, i)
    assert _audit(data, "checkpoint", "--out", str(data.parent / "shipped.jsonl")) == 0
    rc, out = _verify(data, capsys)
    assert rc == 0 and "verified" in out and "5 anchored" in out, out
    return data


def test_a_clean_register_verifies_and_notes_what_it_cannot_check(data, capsys):
    _log(data).record("search", {"text": "泰富"}, 2)
    rc, out = _verify(data, capsys)
    assert rc == 0 and "no checkpoint" in out


def test_edit_of_the_last_line_is_caught(anchored, capsys):
    lines = _lines(anchored)
    lines[-1] = lines[-1].replace('"results": 4', '"results": 0')
    _write(anchored, lines)
    rc, out = _verify(anchored, capsys)
    assert rc == 1 and "entry 5 no longer matches the checkpoint" in out


def test_edit_of_the_last_line_after_the_checkpoint_is_caught_by_its_seal(anchored, capsys):
    _log(anchored).record("paths", {"start": "a", "end": "b"}, 1)
    lines = _lines(anchored)
    lines[-1] = lines[-1].replace('"results": 1', '"results": 0')
    _write(anchored, lines)
    rc, out = _verify(anchored, capsys)
    assert rc == 1 and "entry 6: its seal does not match" in out


def test_edit_of_a_middle_line_breaks_the_chain(anchored, capsys):
    lines = _lines(anchored)
    lines[1] = lines[1].replace("q1", "qX")
    _write(anchored, lines)
    rc, out = _verify(anchored, capsys)
    assert rc == 1 and "line 3 breaks the chain" in out


def test_tail_truncation_is_caught(anchored, capsys):
    _write(anchored, _lines(anchored)[:3])
    rc, out = _verify(anchored, capsys)
    assert rc == 1 and "entries were cut from its end" in out and "anchored 5" in out


def test_forged_append_after_a_checkpoint_is_caught(anchored, capsys):
    lines = _lines(anchored)
    last = json.loads(lines[-1])
    # the right prev, a plausible seal-less entry: the unsealed append is flagged under --strict ...
    forged = {**last, "query": '{"text": "forged"}',
              "prev": hashlib.sha256(lines[-1].rstrip("\n").encode()).hexdigest()}
    forged.pop("seal")
    _write(anchored, lines + [json.dumps(forged, ensure_ascii=False) + "\n"])
    rc, out = _verify(anchored, capsys, "--strict")
    assert rc == 1 and "carry no seal" in out
    # ... one with a made-up seal fails outright, and so does one dated before the checkpoint it follows
    forged["seal"], forged["at"] = "0" * 64, "2020-01-01T00:00:00+00:00"
    _write(anchored, lines + [json.dumps(forged, ensure_ascii=False) + "\n"])
    rc, out = _verify(anchored, capsys)
    assert rc == 1 and "entry 6: its seal does not match" in out and "back date" in out


def test_rechaining_the_whole_file_after_a_checkpoint_is_caught(anchored, capsys):
    lines = _lines(anchored)
    lines[0] = lines[0].replace("q0", "innocent")
    _write(anchored, _rechain(lines))
    assert _log(anchored).verify() is None  # the chain alone is fooled
    rc, out = _verify(anchored, capsys)
    assert rc == 1 and "rewritten and re-chained" in out


@pytest.mark.parametrize("how", ["empty", "delete"])
def test_emptying_or_deleting_the_register_is_caught(anchored, capsys, how):
    path = anchored / "audit" / "queries.jsonl"
    path.write_text("") if how == "empty" else path.unlink()
    rc, out = _verify(anchored, capsys)
    assert rc == 1 and ("(emptied)" if how == "empty" else "(deleted)") in out


def test_the_shipped_checkpoint_catches_what_deleting_the_local_one_hides(anchored, capsys):
    (anchored / "audit" / "checkpoints.jsonl").unlink()
    _write(anchored, _lines(anchored)[:2])
    rc, out = _verify(anchored, capsys)
    assert rc == 0  # nothing left to compare with ...
    rc, out = _verify(anchored, capsys, "--checkpoints", str(anchored.parent / "shipped.jsonl"))
    assert rc == 1 and "cut from its end" in out  # ... but the copy kept elsewhere anchors it


def test_a_forged_checkpoint_is_refused(anchored, capsys):
    _write(anchored, _lines(anchored)[:2])
    forged = make_checkpoint(anchored / "audit" / "queries.jsonl", "not-the-audit-key", by="mallory")
    (anchored / "audit" / "checkpoints.jsonl").write_text(json.dumps(forged) + "\n")
    rc, out = _verify(anchored, capsys, "--checkpoints", str(anchored.parent / "shipped.jsonl"))
    assert rc == 1 and "signature does not match" in out and "cut from its end" in out


def test_checkpoint_needs_the_audit_key_and_a_sound_register(data, caplog, monkeypatch):
    _log(data).record("search", {"text": "a"}, 1)
    monkeypatch.delenv("CREDITGRAPH_AUDIT_KEY")
    assert _audit(data, "checkpoint") == 3
    assert "CREDITGRAPH_AUDIT_KEY, which is not set" in caplog.text
    monkeypatch.setenv("CREDITGRAPH_AUDIT_KEY", AUDIT_KEY)
    _write(data, [l.replace('"a"', '"b"') for l in _lines(data)] + _lines(data))
    assert _audit(data, "checkpoint") == 3  # a broken register is not anchored as it is
    assert "does not verify" in caplog.text
    assert not (data / "audit" / "checkpoints.jsonl").exists()


def test_a_torn_last_line_is_repaired_and_the_repair_recorded(anchored, capsys):
    path = anchored / "audit" / "queries.jsonl"
    torn = b'{"at": "2030-01-01T00:00:00+00:00", "user": "x", "act'
    with path.open("ab") as fh:
        fh.write(torn)  # a crash mid-write
    rc, out = _verify(anchored, capsys)
    assert rc == 1 and "torn" in out and "--repair" in out
    rc, out = _verify(anchored, capsys, "--repair")
    assert rc == 0 and "repaired" in out, out
    entries = _log(anchored).entries()
    assert len(entries) == 6 and entries[-1]["action"] == "repair"
    assert json.loads(entries[-1]["query"])["torn_bytes"] == len(torn)


def test_the_next_write_cuts_a_torn_line_instead_of_gluing_onto_it(data, capsys):
    log = _log(data)
    log.record("search", {"text": "a"}, 1)
    with log.path.open("ab") as fh:
        fh.write(b'{"at": "20')
    log.record("search", {"text": "b"}, 1)
    assert [e["action"] for e in log.entries()] == ["search", "repair", "search"]
    assert verify_register(log.path, seal_key=seal_key(os.environ["CREDITGRAPH_ID_HASH_KEY"])).ok


def test_export_writes_every_entry_and_registers_itself(anchored, capsys, tmp_path):
    out = tmp_path / "register.csv"
    assert _audit(anchored, "export", "--out", str(out)) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("line,anchored,at,user,action")
    rows = text.splitlines()[1:]
    assert len(rows) == 5 + 1 and rows[-1].split(",")[4] == "audit-export"  # reading the register is registered
    assert [r.split(",")[1] for r in rows] == ["True"] * 5 + ["False"]  # which rows a checkpoint anchors


def test_every_cli_read_is_registered_even_a_key_that_does_not_exist(tmp_path):
    """One process run of `related` and `paths` on keys the store does not hold: both are in the register."""
    env = fresh_env(CREDITGRAPH_ID_HASH_KEY=os.environ["CREDITGRAPH_ID_HASH_KEY"], CREDITGRAPH_USER="inspector-9",
                    CREDITGRAPH_DATA_DIR=str(tmp_path / "d"))
    probe = ("import sys; from creditgraph.cli import main\n"
             "rc = [main(['related', 'co:uscc:NOPE']), main(['paths', 'co:uscc:NOPE', 'pe:hash:NONE']),"
             " main(['search', 'nobody-at-all'])]\n"
             "print(rc, flush=True)\nimport os; os._exit(0)")
    out = subprocess.run([sys.executable, "-c", probe], env=env, cwd=tmp_path, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    entries = [json.loads(l) for l in (tmp_path / "d" / "audit" / "queries.jsonl").read_text().splitlines()]
    assert [(e["action"], e["user"], e["results"]) for e in entries] == [
        ("related", "inspector-9", 0), ("paths", "inspector-9", 0), ("search", "inspector-9", 0)]
    assert all("seal" in e for e in entries)
