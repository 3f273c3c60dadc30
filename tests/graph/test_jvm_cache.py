"""The embedded JVM's class cache: made once in the background, then used by every store start;
a damaged cache is ignored without a word on the console."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from creditgraph.graph import jvm_cache

_PROBE = """
import os, sys, jpype
from creditgraph.settings import Settings
from creditgraph.graph.connect import open_store
for _ in range(2):  # a second store in the process (as load --bulk opens one) takes the same JVM options
    with open_store(Settings(data_dir=sys.argv[1])) as s:
        s.counts()
args = jpype.JClass("java.lang.management.ManagementFactory").getRuntimeMXBean().getInputArguments()
print("\\n".join(str(a) for a in args if "AOT" in str(a)), flush=True)
os._exit(0)
"""


def _env(cache_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CREDITGRAPH_NEO4J_URI"}
    return env | {"XDG_CACHE_HOME": str(cache_home), "CREDITGRAPH_EMBEDDED_CLASS_CACHE": "true"}


def test_options_name_the_cache_once_it_exists_and_start_one_training_before(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(jvm_cache, "_chosen", None)  # as in a new process
    started: list[list[str]] = []
    monkeypatch.setattr(jvm_cache.subprocess, "Popen", lambda args, **kw: started.append(args))
    path = jvm_cache.cache_file()
    assert path.parent == tmp_path / "creditgraph" / "jvm" and path.name.startswith("arcadedb-")
    assert jvm_cache.jvm_options() == [] and jvm_cache.jvm_options() == []  # not there yet: start as before
    assert len(started) == 1 and started[0][-1] == str(path)  # one training, however many stores start
    path.write_bytes(b"made by a training run")
    assert jvm_cache.jvm_options() == []  # this process's JVM started without it: its stores keep one answer
    monkeypatch.setattr(jvm_cache, "_chosen", None)  # the next process
    assert jvm_cache.jvm_options()[0] == f"-XX:AOTCache={path}"


def test_the_cache_is_named_by_the_class_path_the_jvm_checks(tmp_path, monkeypatch):
    """A cache trained by another install (another venv's jars, or the same jars reinstalled) is
    refused by the JVM ("shared class paths mismatch"): it must not be the one this install uses."""
    import arcadedb_embedded.jvm

    jars = tmp_path / "jars"
    jars.mkdir()
    (jars / "a.jar").write_bytes(b"a")
    monkeypatch.setattr(arcadedb_embedded.jvm, "get_jar_path", lambda: str(jars))
    first = jvm_cache._build()
    assert jvm_cache._build() == first
    os.utime(jars / "a.jar", ns=(1, 1))  # the same jar, written again
    assert jvm_cache._build() != first
    second = jvm_cache._build()
    monkeypatch.setattr(arcadedb_embedded.jvm, "get_jar_path", lambda: str(tmp_path / "other"))
    assert jvm_cache._build() not in (first, second)


def test_caches_of_other_installs_unused_for_a_week_are_removed_when_one_is_made(tmp_path):
    keep, recent, old, old_mark = (tmp_path / f"arcadedb-{n}" for n in ("new.aot", "b.aot", "c.aot", "d.training"))
    for f in (keep, recent, old, old_mark):
        f.write_bytes(b"x")
    week = time.time() - 8 * 86_400
    for f in (keep, old, old_mark):
        os.utime(f, (week, week))
    (tmp_path / "notes.txt").write_bytes(b"not ours")
    assert sorted(jvm_cache.prune(tmp_path, keep=keep)) == [old, old_mark]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["arcadedb-b.aot", "arcadedb-new.aot", "notes.txt"]


def test_a_training_that_wrote_nothing_is_not_tried_again_at_every_start(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    started: list[list[str]] = []
    monkeypatch.setattr(jvm_cache.subprocess, "Popen", lambda args, **kw: started.append(args))
    lock = jvm_cache.cache_file().with_suffix(".training")
    lock.parent.mkdir(parents=True)
    lock.write_text("failed", encoding="utf-8")
    old = lock.stat().st_mtime - jvm_cache._TRAINING_TIMEOUT - 1  # older than a running training may be
    os.utime(lock, (old, old))
    for _ in range(2):
        monkeypatch.setattr(jvm_cache, "_chosen", None)  # a new process each time
        assert jvm_cache.jvm_options() == []
    assert started == []


@pytest.mark.embedded
def test_a_trained_cache_is_used_and_a_damaged_one_ignored_quietly(tmp_path):
    env = _env(tmp_path / "cache")
    where = subprocess.run([sys.executable, "-c", "from creditgraph.graph.jvm_cache import cache_file; "
                            "print(cache_file())"], env=env, capture_output=True, text=True, check=True)
    path = Path(where.stdout.strip())
    trained = subprocess.run([sys.executable, "-m", "creditgraph.graph.jvm_cache", str(path)], env=env,
                             capture_output=True, text=True, timeout=300)
    assert trained.returncode == 0, trained.stderr[-2000:]
    assert path.is_file() and sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no lock, no part

    used = subprocess.run([sys.executable, "-c", _PROBE, str(tmp_path / "d")], env=env, capture_output=True,
                          text=True, timeout=300)
    assert used.returncode == 0, used.stderr[-2000:]
    assert f"-XX:AOTCache={path}" in used.stdout.splitlines()

    path.write_bytes(path.read_bytes()[: 1 << 20])  # cut short: the JVM cannot map it
    damaged = subprocess.run([sys.executable, "-c", _PROBE, str(tmp_path / "d")], env=env, capture_output=True,
                             text=True, timeout=300)
    assert damaged.returncode == 0, damaged.stderr[-2000:]
    assert "aot" not in damaged.stderr.lower() and "shared" not in damaged.stderr.lower()
