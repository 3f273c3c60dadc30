"""Faults: Neo4j killed in the middle of a load, and a Neo4j that cannot be reached.

The kill test runs its own Neo4j (own home, data folder and port, started through
``creditgraph.neo4j_local`` by the ``neo4j_start`` fixture), never the session server other
tests share. After SIGKILL mid-load, a restart and a rerun of the same load, the graph must
equal a clean load of the same files: no duplicates, nothing missing.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from creditgraph.errors import StoreError
from creditgraph.graph.bolt_store import BoltGraphStore
from creditgraph.graph.memory import MemoryGraphStore
from creditgraph.graph.net import free_port
from creditgraph.loaders.pipeline import load_paths
from robust_support import KEY, canonical


class _KillDuring:
    """A store that SIGKILLs the Neo4j process while its ``n``-th write is in flight."""

    def __init__(self, store: BoltGraphStore, pid: int, n: int) -> None:
        self._store, self._pid, self._n = store, pid, n
        self.writes = 0
        self.killed = False

    def __getattr__(self, name):
        return getattr(self._store, name)

    def _write(self, method, rows):
        self.writes += 1
        if self.writes == self._n:
            threading.Timer(0.02, self._kill).start()  # lands inside the transaction, or just before
        return method(rows)

    def _kill(self):
        os.kill(self._pid, signal.SIGKILL)
        self.killed = True

    def wait_gone(self) -> None:
        """Until the killed server has exited: a JVM takes a moment to go, and the restart is of a
        server that is gone (the load fails as soon as its connection drops, which can be sooner)."""
        _wait_dead(self._pid)

    def upsert_nodes(self, rows):
        return self._write(self._store.upsert_nodes, rows)

    def upsert_edges(self, rows):
        return self._write(self._store.upsert_edges, rows)


def _wait_dead(pid: int, timeout: float = 60) -> None:
    """Until ``pid`` has exited (gone, or a zombie its parent has not reaped yet)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return
        if state == "Z":
            return
        time.sleep(0.05)
    raise AssertionError(f"Neo4j (pid {pid}) still runs {timeout:.0f} s after SIGKILL")


def _bolt_store(instance, *, retry_seconds: float, batch_size: int = 2000) -> BoltGraphStore:
    from neo4j import GraphDatabase

    auth = (instance.user, instance.password) if instance.password is not None else None
    # The driver retries a failed transaction for max_transaction_retry_time (30 s by
    # default); a short window keeps the test quick and still goes through the retry path.
    driver = GraphDatabase.driver(instance.uri, auth=auth, max_transaction_retry_time=retry_seconds)
    return BoltGraphStore(driver, backend="neo4j", batch_size=batch_size)


@pytest.mark.neo4j
def test_neo4j_killed_mid_load_then_restarted_and_reloaded_equals_a_clean_load(neo4j_start, small_city, tmp_path):
    first = neo4j_start(auth=False)
    store = _bolt_store(first, retry_seconds=1.0, batch_size=25)  # many small transactions to land in
    store.ensure_schema()
    killer = _KillDuring(store, first.pid, n=6)
    with pytest.raises(StoreError, match="neo4j .*(unreachable|failed) while merging"):
        load_paths(killer, [small_city], hash_key=KEY, report_dir=tmp_path / "crashed", batch_rows=40,
                   progress=False)
    store.close()
    assert killer.killed and killer.writes >= 6
    killer.wait_gone()

    again = neo4j_start(home=first.home, port=first.port, auth=False)  # same data folder: recovery runs
    store = _bolt_store(again, retry_seconds=5.0)
    try:
        partial = store.counts()
        rerun = load_paths(store, [small_city], hash_key=KEY, report_dir=tmp_path / "rerun", progress=False)
        after_rerun = canonical(store.export())
    finally:
        store.close()
    # the clean load, under the store contract that every store's loads are held to (test_real_data)
    reference = MemoryGraphStore()
    clean = load_paths(reference, [small_city], hash_key=KEY, report_dir=tmp_path / "clean", progress=False)
    after_clean = canonical(reference.export())

    assert 0 < sum(partial.nodes.values()) < len(after_clean[0]), "the kill must land mid-load"
    assert rerun.rows_quarantined == clean.rows_quarantined
    assert after_rerun == after_clean


def _cli(args, data_dir, timeout):
    env = {**os.environ, "CREDITGRAPH_DATA_DIR": str(data_dir)}
    env.pop("CREDITGRAPH_NEO4J_URI", None)
    return subprocess.run([sys.executable, "-m", "creditgraph.cli", *args], env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_load_into_an_unreachable_neo4j_fails_fast_with_a_clear_message(small_city, tmp_path):
    port = free_port()  # nothing listens there
    t0 = time.monotonic()
    out = _cli(["load", str(small_city), "--neo4j", f"bolt://127.0.0.1:{port}",
                "--report-dir", str(tmp_path / "report")], tmp_path / "data", timeout=60)
    assert out.returncode == 3  # a store error (creditgraph.cli: exit codes)
    assert f"neo4j at bolt://127.0.0.1:{port} does not answer" in out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""
    assert not (tmp_path / "report").exists()  # nothing was read, so nothing was reported
    assert time.monotonic() - t0 < 30


def test_load_into_a_server_that_never_answers_the_handshake_fails_fast(small_city, tmp_path):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # accepts connections (the kernel does) but never speaks Bolt
        out = _cli(["load", str(small_city), "--neo4j", f"bolt://127.0.0.1:{silent.getsockname()[1]}"],
                   tmp_path / "data", timeout=20)
    assert out.returncode == 3 and "does not answer" in out.stderr
