"""The command line end to end on the embedded store (each command is a fresh process)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from creditgraph.graph.schema import schema

REPO = Path(__file__).resolve().parents[2]


def _run(args, data_dir, **kw):
    env = {**os.environ, "CREDITGRAPH_DATA_DIR": str(data_dir), "CREDITGRAPH_USER": "tester"}
    env.pop("CREDITGRAPH_NEO4J_URI", None)
    return subprocess.run([sys.executable, "-m", "creditgraph.cli", *args], env=env, capture_output=True,
                          text=True, timeout=300, **kw)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """``creditgraph demo`` run once for the module, on a 300-firm city (every planted pattern is
    there; the README's 5,000 firms only take longer): its data dir and the finished process."""
    data_dir = tmp_path_factory.mktemp("demo-data")
    return data_dir, _run(["demo", "--companies", "300"], data_dir)


def test_demo_then_stats_search_and_audit(demo, tmp_path):
    tmp_path, demo = Path(shutil.copytree(demo[0], tmp_path / "data")), demo[1]
    assert demo.returncode == 0, demo.stderr
    assert "quarantined 0" in demo.stdout
    found_planted = re.search(r"found in the graph: (\d+) of (\d+)", demo.stdout)
    assert found_planted and found_planted[1] == found_planted[2], demo.stdout
    stats = _run(["stats", "--json"], tmp_path)
    counts = json.loads(stats.stdout)
    assert counts["backend"] == "arcadedb" and counts["nodes"]["Company"] >= 300
    firms = (tmp_path / "demo" / "city" / "data" / "enterprise_registration.csv").read_text(encoding="utf-8")
    name = firms.splitlines()[1].split(",")[0]
    found = _run(["search", name], tmp_path)
    assert name in found.stdout
    audit = [json.loads(l) for l in (tmp_path / "audit" / "queries.jsonl").read_text().splitlines()]
    assert audit[-1]["user"] == "tester" and audit[-1]["action"] == "search" and audit[-1]["results"] >= 1


def test_second_process_joins_the_running_embedded_store_and_sigterm_stops_it(demo, tmp_path):
    assert demo[1].returncode == 0, demo[1].stderr
    tmp_path = Path(shutil.copytree(demo[0], tmp_path / "data"))  # the demo's store, owned by no process
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import time; from creditgraph.settings import Settings; from creditgraph.graph.connect import open_store\n"
         f"with open_store(Settings(data_dir={str(tmp_path)!r})) as s:\n"
         "    print('ready', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        stats = _run(["stats", "--json"], tmp_path)
        assert stats.returncode == 0, stats.stderr
        assert "owned by pid" in stats.stderr
        assert json.loads(stats.stdout)["nodes"]["Company"] >= 6
        holder.terminate()  # SIGTERM stops the server and exits, although the JVM took the signal over
        assert holder.wait(timeout=60) == 143
        again = _run(["stats", "--json"], tmp_path)  # the folder was released: this process owns it now
        assert again.returncode == 0 and "owned by pid" not in again.stderr, again.stderr
        assert json.loads(again.stdout)["nodes"] == json.loads(stats.stdout)["nodes"]
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_page_cache_and_jvm_settings_reach_the_embedded_jvm(tmp_path):
    probe = ("import os, jpype; from creditgraph.settings import Settings; "
             "from creditgraph.graph.connect import open_store\n"
             f"with open_store(Settings(data_dir={str(tmp_path)!r})):\n"
             "    print(jpype.JClass('com.arcadedb.GlobalConfiguration').MAX_PAGE_RAM.getValueAsLong(), flush=True)\n"
             "    runtime = jpype.JClass('java.lang.management.ManagementFactory').getRuntimeMXBean()\n"
             "    print(' '.join(str(a) for a in runtime.getInputArguments()), flush=True)\n"
             "os._exit(0)")
    env = {**os.environ, "CREDITGRAPH_EMBEDDED_PAGE_RAM_MB": "96", "CREDITGRAPH_JVM_OPTIONS": "-XX:+UseSerialGC"}
    env.pop("CREDITGRAPH_NEO4J_URI", None)
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    page_ram, args = out.stdout.splitlines()
    assert page_ram == "96", out.stderr
    assert "-XX:+UseSerialGC" in args.split()


def test_unreachable_neo4j_fails_fast_with_a_clear_message(tmp_path):
    t0 = time.monotonic()
    out = _run(["stats", "--neo4j", "bolt://127.0.0.1:9"], tmp_path)
    assert out.returncode == 3 and "does not answer" in out.stderr
    assert time.monotonic() - t0 < 60


def test_readme_diagram_is_the_schema():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```mermaid\n(.*?)```", readme, re.S).group(1).strip()
    assert block == schema().mermaid().strip(), "regenerate with `creditgraph schema`"


def test_bulk_first_load_then_merge_loads_add_nothing(small_seeded_city, tmp_path):
    city = small_seeded_city
    bulk = _run(["load", "--bulk", "--json", str(city / "data")], tmp_path)
    assert bulk.returncode == 0, bulk.stderr
    report = json.loads(bulk.stdout)
    created = sum(t["created"] for t in report["by_type"]["nodes"].values())
    assert created > 1000 and report["rows_quarantined"] == 0
    again = _run(["load", "--bulk", str(city / "data")], tmp_path)
    assert again.returncode != 0 and "first load of an empty store" in again.stderr
    merge = _run(["load", "--json", str(city / "data")], tmp_path)
    assert merge.returncode == 0, merge.stderr
    by_type = json.loads(merge.stdout)["by_type"]
    assert sum(t["created"] for kind in by_type.values() for t in kind.values()) == 0
    stats = json.loads(_run(["stats", "--json"], tmp_path).stdout)
    assert stats["total_nodes"] == created
