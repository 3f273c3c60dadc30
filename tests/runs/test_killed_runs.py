"""kill -9 in the middle of resolve, score and load --bulk, on a small generated city and the
embedded store: the stopped run stays visible, and the next run repairs the store to what a clean
run gives (equal digests of what each command writes). And a process joined to the store's owner
says plainly that the owner ended.

Every step runs in its own process (``driver.py``), which owns the store folder and its JVM; the
kill comes from the driver right after a given store write has committed, so where the run stops
does not depend on timing on a loaded machine.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

DRIVER = Path(__file__).with_name("driver.py")


def _env(**more) -> dict:
    env = {**os.environ, "CREDITGRAPH_USER": "tester"}
    env.pop("CREDITGRAPH_NEO4J_URI", None)
    return {**env, **more}


def _drive(data_dir: Path, steps: str, *, city: Path | None = None, kill_after: str | None = None,
           batch_size: int | None = None, neo4j: dict | None = None) -> tuple[subprocess.CompletedProcess, dict]:
    args = [sys.executable, str(DRIVER), str(data_dir), steps]
    if city:
        args += ["--city", str(city)]
    if kill_after:
        args += ["--kill-after", kill_after]
    rows = {"CREDITGRAPH_BATCH_SIZE": str(batch_size), "CREDITGRAPH_EMBEDDED_TX_ROWS": str(batch_size)}
    env = _env(**(rows if batch_size else {}), **(neo4j or {}))
    out = subprocess.run(args, env=env, capture_output=True, text=True, timeout=400)
    if kill_after:
        assert out.returncode == -signal.SIGKILL, (out.returncode, out.stderr[-3000:])
        return out, {}
    assert out.returncode == 0, out.stderr[-3000:]
    return out, json.loads(out.stdout.strip().splitlines()[-1])


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "creditgraph.cli", *args, "--data-dir", str(data_dir)],
                          env=_env(), capture_output=True, text=True, timeout=400)


@pytest.fixture(scope="module")
def small_city(tmp_path_factory) -> Path:
    from creditgraph.synth.generate import generate

    out = tmp_path_factory.mktemp("small_city")
    generate(300, seed=5, out=out, progress=False)
    return out


@pytest.fixture(scope="module")
def clean(small_city, tmp_path_factory) -> tuple[Path, dict]:
    """A store loaded, resolved and scored without interruption, and the digests of each part."""
    data = tmp_path_factory.mktemp("clean")
    _, out = _drive(data, "load,resolve,score,digest", city=small_city)
    assert out["unfinished_after"] == []
    return data, out["digests"][-1]


def _copy(clean_dir: Path, tmp_path: Path) -> Path:
    """The clean store in a folder of its own (no process owns it between steps)."""
    return Path(shutil.copytree(clean_dir, tmp_path / "store"))


@pytest.mark.embedded
def test_a_resolve_killed_mid_write_is_seen_and_the_next_incremental_resolve_redoes_it(clean, tmp_path):
    clean_dir, want = clean
    data = _copy(clean_dir, tmp_path)
    # 100 links a batch: killed after the second batch of person links, as in the issue
    # (some links rewritten, every node its old `resolved`)
    _drive(data, "resolve", kill_after="writing 100 Person resolution links:2", batch_size=100)
    proc, out = _drive(data, "digest,resolve-incremental,digest")
    (stopped,) = out["unfinished_before"]
    assert stopped["command"] == "resolve" and stopped["state"] == "stopped"
    assert stopped["stage"] == "writing person links and resolved keys" and stopped["user"] == "tester"
    assert "never finished" in proc.stderr and stopped["key"] in proc.stderr  # the next command says so
    before, after = out["digests"]
    assert before["same_as"] < want["same_as"] and before["resolution"] != want["resolution"]  # the kill did harm
    assert out["resolve-incremental"]["repaired"] == [stopped["key"]]
    assert after["resolution"] == want["resolution"] and after["same_as"] == want["same_as"]
    assert after["loaded"] == want["loaded"]
    assert out["unfinished_after"] == []


@pytest.mark.embedded
def test_a_score_killed_mid_write_is_seen_and_the_next_score_redoes_it(clean, tmp_path):
    clean_dir, want = clean
    data = _copy(clean_dir, tmp_path)
    # on a store without scores (a rescore rewrites each node whole, so old scores stay until then), 100 written
    _drive(data, "unscore,score", kill_after="writing scores of 100 :1", batch_size=100)
    _, out = _drive(data, "digest,score,digest")
    (stopped,) = out["unfinished_before"]
    assert stopped["command"] == "score" and stopped["state"] == "stopped" and stopped["stage"] == "writing scores"
    before, after = out["digests"]
    assert before["scored"] < want["scored"] and before["scores"] != want["scores"]
    assert out["score"]["repaired"] == [stopped["key"]]
    assert after["scores"] == want["scores"] and after["resolution"] == want["resolution"]
    assert out["unfinished_after"] == []


@pytest.mark.embedded
def test_a_bulk_load_killed_mid_write_is_seen_refused_over_and_started_over(clean, small_city, tmp_path):
    _, want = clean
    data = tmp_path / "bulk"
    _drive(data, "bulk", city=small_city, kill_after="bulk-edges:2")  # vertices written, edges half-way
    stats = _cli(data, "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    counts = json.loads(stats.stdout)
    (stopped,) = counts["unfinished_runs"]
    assert stopped["command"] == "load --bulk" and stopped["state"] == "stopped"
    assert stopped["stage"] == "writing nodes and edges" and "load --bulk` again" in stopped["message"]
    assert counts["total_nodes"] > 0 and counts["total_relationships"] < want["edges"]  # incomplete, and said so
    again, _ = _drive(data, "bulk", city=small_city)
    assert "starting over" in again.stderr
    _, out = _drive(data, "digest")
    (got,) = out["digests"]
    assert got["loaded"] == want["loaded"] and (got["nodes"], got["edges"]) == (want["nodes"], want["edges"])
    assert out["unfinished_before"] == []  # the new load marked the stopped one repaired


@pytest.mark.neo4j
def test_a_resolve_killed_on_neo4j_is_seen_and_redone(neo4j_instance, small_city, tmp_path):
    """The same on Neo4j, against its own clean run (the store is the session's shared server)."""
    env = {"CREDITGRAPH_NEO4J_URI": neo4j_instance.uri, "CREDITGRAPH_NEO4J_USER": neo4j_instance.user}
    if neo4j_instance.password is not None:
        env["CREDITGRAPH_NEO4J_PASSWORD"] = neo4j_instance.password
    _, out = _drive(tmp_path, "wipe,load,resolve,digest", city=small_city, neo4j=env)
    (want,) = out["digests"]
    _drive(tmp_path, "resolve", kill_after="writing 100 Person resolution links:2", batch_size=100, neo4j=env)
    _, out = _drive(tmp_path, "digest,resolve-incremental,digest", neo4j=env)
    (stopped,) = out["unfinished_before"]
    assert stopped["command"] == "resolve" and stopped["state"] == "stopped"
    before, after = out["digests"]
    assert before["resolution"] != want["resolution"] and after["resolution"] == want["resolution"]
    assert out["resolve-incremental"]["repaired"] == [stopped["key"]] and out["unfinished_after"] == []
    _drive(tmp_path, "wipe", neo4j=env)


_OWNER = """
import sys
from creditgraph.settings import Settings
from creditgraph.graph.connect import open_store
import os
with open_store(Settings(data_dir=sys.argv[1])) as s:
    print("ready", flush=True)
    sys.stdin.readline()
os._exit(0)  # the store is stopped and its folder released; skip JPype's JVM teardown, which can hang
"""

_JOINER = """
import sys
from creditgraph.errors import CreditGraphError
from creditgraph.settings import Settings
from creditgraph.graph.connect import open_store
with open_store(Settings(data_dir=sys.argv[1])) as s:
    s.counts()
    print("joined", flush=True)
    sys.stdin.readline()
    try:
        s.counts()
    except CreditGraphError as e:
        print(type(e).__name__, e, flush=True)
"""


@pytest.mark.embedded
@pytest.mark.parametrize("how", ["exits", "is killed"])
def test_a_joined_process_says_the_owner_ended_and_to_rerun(tmp_path, how):
    def start(code: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], env=_env(), stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)

    owner = start(_OWNER)
    joiner = None
    try:
        assert owner.stdout.readline().strip() == "ready"
        joiner = start(_JOINER)
        assert joiner.stdout.readline().strip() == "joined"
        if how == "exits":
            owner.stdin.write("\n")
            owner.stdin.flush()
        else:
            owner.kill()
        owner.wait(timeout=120)
        joiner.stdin.write("\n")
        joiner.stdin.flush()
        said = joiner.stdout.readline().strip()
        assert said.startswith("StoreUnavailable the process that owned the embedded store"), said
        assert f"(pid {owner.pid}) ended" in said and "rerun the command" in said
        assert "Unauthorized" not in said
        assert joiner.wait(timeout=60) == 0
    finally:
        for p in (owner, joiner):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait()
