"""The register's checkpoints kept in the store too (issue 21 part 2): whoever cuts the register
and its checkpoint file together is still caught by the copy in the graph store."""

from __future__ import annotations

import os
import subprocess
import sys

from creditgraph.audit import AuditLog, make_checkpoint, seal_key, verify_register
from creditgraph.graph.checkpoints import keeps_checkpoints, store_checkpoint, stored_checkpoints
from creditgraph.graph.memory import MemoryGraphStore

AUDIT_KEY = "audit-key-for-tests-only-0123456789"


def _log(path) -> AuditLog:
    return AuditLog(path, "inspector-9", seal_key=seal_key(os.environ["CREDITGRAPH_ID_HASH_KEY"]))


def test_a_stored_checkpoint_catches_a_cut_register_whose_checkpoint_file_is_gone(arcadedb_store, tmp_path):
    arcadedb_store.wipe()
    register = tmp_path / "queries.jsonl"
    for i in range(5):
        _log(register).record("search", {"text": f"q{i}"}, i)
    cp = make_checkpoint(register, AUDIT_KEY, by="auditor")
    key = store_checkpoint(arcadedb_store, cp)
    assert store_checkpoint(arcadedb_store, cp) == key  # idempotent
    stored = stored_checkpoints(arcadedb_store, register.name)
    assert [c for _, c in stored] == [cp]

    register.write_text("".join(register.read_text(encoding="utf-8").splitlines(keepends=True)[:3]), encoding="utf-8")
    assert verify_register(register, audit_key=AUDIT_KEY).ok  # no file checkpoint left: the chain alone looks fine
    v = verify_register(register, checkpoints=stored, audit_key=AUDIT_KEY)
    assert not v.ok and any(key in p or "store" in p for p in v.problems), v.problems


def test_the_memory_store_keeps_none():
    assert not keeps_checkpoints(MemoryGraphStore())


def _cli(*args, data_dir, env):
    return subprocess.run([sys.executable, "-m", "creditgraph.cli", *args, "--data-dir", str(data_dir)], env=env,
                          capture_output=True, text=True, timeout=300)


def test_audit_checkpoint_writes_the_store_and_verify_reads_it(tmp_path):
    env = {**os.environ, "CREDITGRAPH_AUDIT_KEY": AUDIT_KEY, "CREDITGRAPH_USER": "auditor"}
    env.pop("CREDITGRAPH_NEO4J_URI", None)
    data = tmp_path / "d"
    assert _cli("stats", data_dir=data, env=env).returncode == 0  # an embedded store in the data dir
    register = data / "audit" / "queries.jsonl"
    for i in range(3):
        _log(register).record("search", {"text": f"q{i}"}, 1)
    done = _cli("audit", "checkpoint", data_dir=data, env=env)
    assert done.returncode == 0 and "and the store" in done.stdout, done.stderr
    (data / "audit" / "checkpoints.jsonl").unlink()  # the file anchor gone …
    register.write_text(register.read_text(encoding="utf-8").splitlines(keepends=True)[0], encoding="utf-8")
    verdict = _cli("audit", "verify", data_dir=data, env=env)  # … the store's still holds
    assert verdict.returncode == 1 and "TAMPERED" in verdict.stdout, verdict.stdout + verdict.stderr

