"""Tests of the local Neo4j launcher.

Unit tests need neither Java nor Maven; the ``neo4j``-marked ones run real servers.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from testenv import jvm_options

from creditgraph.errors import Neo4jServerError
from creditgraph import neo4j_local
from creditgraph.graph.net import free_port, port_open
from creditgraph.neo4j_local import NEO4J_VERSION, Neo4jInstance, config, fetch, jvm, start, status, stop


def _conf(home: Path) -> dict[str, str]:
    lines = (home / "conf" / "neo4j.conf").read_text(encoding="utf-8").splitlines()
    pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
    return dict(pairs)


def _write_script(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    path.chmod(0o755)
    return path


# --- configuration ----------------------------------------------------------------


def test_conf_listens_on_loopback_only_with_the_given_port_and_memory(tmp_path):
    config.write_conf(tmp_path, port=17999, auth=True, heap="768m", pagecache="128m")
    conf = _conf(tmp_path)

    assert conf["server.default_listen_address"] == "127.0.0.1"
    assert conf["server.bolt.listen_address"] == "127.0.0.1:17999"
    assert conf["server.http.enabled"] == "false"
    assert conf["server.https.enabled"] == "false"
    assert conf["dbms.security.auth_enabled"] == "true"
    assert conf["server.memory.heap.max_size"] == "768m"
    assert conf["server.memory.heap.initial_size"] == "256m"
    assert conf["server.memory.pagecache.size"] == "128m"
    assert conf["dbms.usage_report.enabled"] == "false"
    assert conf["server.directories.data"] == str(tmp_path / "data")
    assert conf["server.directories.logs"] == str(tmp_path / "logs")
    addresses = [v for k, v in conf.items() if "address" in k]
    assert addresses and all(v.startswith("127.0.0.1") for v in addresses), addresses


def test_conf_turns_auth_off_and_keeps_initial_heap_at_most_max(tmp_path):
    config.write_conf(tmp_path, port=18000, auth=False, heap="128m", pagecache="64m")
    conf = _conf(tmp_path)

    assert conf["dbms.security.auth_enabled"] == "false"
    assert conf["server.memory.heap.initial_size"] == "128m"
    assert conf["server.memory.heap.max_size"] == "128m"


@pytest.mark.parametrize("kwargs", [{"heap": "lots"}, {"pagecache": "1 g"}, {"heap": "1m"}, {"port": 70000}])
def test_start_rejects_bad_arguments_before_doing_anything(tmp_path, kwargs):
    with pytest.raises(Neo4jServerError):
        start(tmp_path / "home", cache_dir=tmp_path / "cache", **kwargs)
    assert not (tmp_path / "cache").exists()


def test_free_port_is_a_bindable_loopback_port():
    port = free_port()

    assert 1024 <= port <= 65535
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", port))


def test_port_open_tells_a_listening_port_from_a_closed_one():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert port_open(port)
    assert not port_open(port)


# --- status and stop without a server ---------------------------------------------


def test_status_of_an_empty_home_is_none(tmp_path):
    assert status(tmp_path) is None


def test_stop_of_an_empty_home_is_false(tmp_path):
    assert stop(tmp_path) is False


def _record(home: Path, pid: int, port: int = 1) -> Path:
    run = home / "run" / "neo4j.json"
    run.parent.mkdir(parents=True, exist_ok=True)
    run.write_text(json.dumps({"pid": pid, "port": port, "uri": f"bolt://127.0.0.1:{port}", "user": "neo4j"}))
    return run


def test_a_dead_pid_is_not_running_and_stop_clears_its_run_file(tmp_path):
    run = _record(tmp_path, _dead_pid())

    assert status(tmp_path) is None
    assert stop(tmp_path) is False
    assert not run.exists()


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stop_leaves_alone_a_live_process_that_is_not_this_homes_neo4j(tmp_path):
    # A recycled pid must never be signalled: the run file points at an unrelated process.
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        _record(tmp_path, other.pid)

        assert status(tmp_path) is None
        assert stop(tmp_path) is False
        assert other.poll() is None, "stop() signalled a process that is not Neo4j"
    finally:
        other.kill()
        other.wait()


def test_a_corrupt_run_file_is_reported_not_ignored(tmp_path):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "neo4j.json").write_text("{not json")

    with pytest.raises(Neo4jServerError, match="not a valid run file"):
        status(tmp_path)


# --- fetch and java ---------------------------------------------------------------


def test_fetch_without_maven_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))

    with pytest.raises(Neo4jServerError, match=r"Maven \(`mvn`\) is not on PATH"):
        fetch(tmp_path / "cache")


def test_fetch_reports_the_tail_of_a_failing_maven(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    _write_script(bin_dir / "mvn", 'echo "[ERROR] Could not resolve org.neo4j:neo4j"; exit 1')
    monkeypatch.setenv("PATH", str(bin_dir))

    with pytest.raises(Neo4jServerError, match="Could not resolve org.neo4j:neo4j") as caught:
        fetch(tmp_path / "cache")
    assert "exit code 1" in str(caught.value)
    assert not (tmp_path / "cache" / f"neo4j-{NEO4J_VERSION}" / ".fetched.json").exists()


def test_fetch_is_a_no_op_once_the_done_marker_exists(tmp_path, monkeypatch):
    root = tmp_path / "cache" / "neo4j-5.26.0"
    root.mkdir(parents=True)
    (root / ".fetched.json").write_text("{}")
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # Maven would fail if it ran

    assert fetch(tmp_path / "cache", "5.26.0") == root / "lib"


def test_fetch_rejects_a_version_that_is_not_a_version(tmp_path):
    with pytest.raises(Neo4jServerError, match="version"):
        fetch(tmp_path, "5.26.30</version><x>")


@pytest.mark.parametrize(("banner", "major"), [
    ('openjdk version "17.0.15" 2025-04-15', 17),
    ('openjdk version "21.0.4" 2024-07-16 LTS', 21),
    ('openjdk version "25" 2025-09-16', 25),
    ('java version "1.8.0_292"', 8),
])
def test_java_major_version_is_read_from_the_banner(tmp_path, banner, major):
    java = _write_script(tmp_path / "bin" / "java", f"echo '{banner}' >&2")
    jvm.java_major.cache_clear()

    assert jvm.java_major(str(java)) == major


def test_start_refuses_an_unsupported_java_before_fetching(tmp_path, monkeypatch):
    _write_script(tmp_path / "jdk25" / "bin" / "java", "echo 'openjdk version \"25\" 2025-09-16' >&2")
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "jdk25"))
    jvm.java_major.cache_clear()

    with pytest.raises(Neo4jServerError, match=r"Java 17 or 21.*is Java 25"):
        start(tmp_path / "home", cache_dir=tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


def test_instance_repr_hides_the_password():
    instance = Neo4jInstance(uri="bolt://127.0.0.1:1", user="neo4j", password="s3cret", pid=1, home=Path("."), port=1)

    assert "s3cret" not in repr(instance)


# --- the fixture's skip/fail policy -----------------------------------------------


def _fixture_module():
    path = Path(__file__).resolve().parents[1] / "neo4j_fixture.py"
    spec = importlib.util.spec_from_file_location("_neo4j_fixture_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_unavailable_neo4j_fails_in_ci_and_skips_elsewhere(monkeypatch):
    module = _fixture_module()

    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required in CI"):
        module._unavailable("no java")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="no java"):
        module._unavailable("no java")


# --- against a real server --------------------------------------------------------


@pytest.mark.neo4j
def test_server_answers_and_round_trips_chinese_text(neo4j_instance):
    from neo4j import GraphDatabase

    auth = (neo4j_instance.user, neo4j_instance.password) if neo4j_instance.password is not None else None
    name = "重庆市渝中区某某商贸有限公司"
    tag = uuid.uuid4().hex
    with GraphDatabase.driver(neo4j_instance.uri, auth=auth) as driver:
        assert driver.execute_query("RETURN 1 AS one").records[0]["one"] == 1
        try:
            created = driver.execute_query("CREATE (n:T {name: $n, tag: $tag}) RETURN n.name AS name", n=name, tag=tag)
            read = driver.execute_query("MATCH (n:T {tag: $tag}) RETURN n.name AS name", tag=tag)
        finally:
            driver.execute_query("MATCH (n:T {tag: $tag}) DELETE n", tag=tag)

    assert created.records[0]["name"] == name
    assert [r["name"] for r in read.records] == [name]


@pytest.mark.neo4j
def test_auth_server_uses_its_generated_password_and_survives_a_restart(neo4j_start, tmp_path):
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError

    home = tmp_path / "auth-home"
    instance = neo4j_start(home=home, auth=True)

    assert instance.password and len(instance.password) >= 16
    password_file = home / "neo4j.password"
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert instance.password not in (home / "run" / "neo4j.json").read_text()
    assert status(home) == instance
    assert neo4j_local.start(home, cache_dir=tmp_path / "unused") == instance  # no second server
    cmdline = Path(f"/proc/{instance.pid}/cmdline").read_bytes().decode().split("\0")
    cp = cmdline.index("-cp")
    assert cmdline[cp - len(jvm_options()):cp] == jvm_options()  # Settings.jvm_options reach the server's JVM

    with GraphDatabase.driver(instance.uri, auth=(instance.user, instance.password)) as driver:
        driver.execute_query("CREATE (:T {name: $n})", n="失信被执行人")
    with GraphDatabase.driver(instance.uri, auth=(instance.user, instance.password + "x")) as driver:
        with pytest.raises(AuthError):
            driver.verify_connectivity()

    assert stop(home) is True
    assert status(home) is None

    again = neo4j_start(home=home, auth=True)
    assert again.password == instance.password
    with GraphDatabase.driver(again.uri, auth=(again.user, again.password)) as driver:
        names = [r["name"] for r in driver.execute_query("MATCH (n:T) RETURN n.name AS name").records]
    assert names == ["失信被执行人"]


def test_extra_jvm_flags_follow_neo4js_and_a_collector_named_there_replaces_g1():
    assert jvm.jvm_flags() == list(jvm.JVM_FLAGS)
    quick = jvm.jvm_flags(["-XX:TieredStopAtLevel=1"])
    assert quick[:-1] == list(jvm.JVM_FLAGS) and quick[-1] == "-XX:TieredStopAtLevel=1"
    serial = jvm.jvm_flags(["-XX:+UseSerialGC"])
    assert "-XX:+UseG1GC" not in serial and serial[-1] == "-XX:+UseSerialGC"  # a JVM refuses two collectors
