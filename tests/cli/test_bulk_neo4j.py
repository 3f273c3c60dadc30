"""``load --bulk`` on the local Neo4j: neo4j-admin import into the project's own server (each
command a fresh process, as a user runs them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from creditgraph import neo4j_local

pytestmark = pytest.mark.neo4j


def _run(args, data_dir):
    env = {**os.environ, "CREDITGRAPH_DATA_DIR": str(data_dir), "CREDITGRAPH_USER": "tester"}
    env.pop("CREDITGRAPH_NEO4J_URI", None)
    return subprocess.run([sys.executable, "-m", "creditgraph.cli", *args], env=env, capture_output=True,
                          text=True, timeout=300)


def test_a_bulk_load_imports_into_the_local_server_and_restarts_it_as_it_ran(small_seeded_city, neo4j_jars,
                                                                             neo4j_start, tmp_path):
    data = small_seeded_city / "data"
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / neo4j_jars.parent.name).symlink_to(neo4j_jars.parent)
    home = tmp_path / "neo4j"  # Settings.neo4j_home: where `creditgraph neo4j start` puts it
    before = neo4j_start(home=home, auth=True)

    other = _run(["load", "--bulk", str(data), "--neo4j", "bolt://127.0.0.1:1"], tmp_path)
    assert other.returncode != 0 and "not the one running in" in other.stderr, other.stderr

    bulk = _run(["load", "--bulk", "--json", str(data), "--neo4j", "local"], tmp_path)
    assert bulk.returncode == 0, bulk.stderr
    after = neo4j_local.status(home)
    assert after is not None and after.pid != before.pid  # stopped for the import, started again
    assert (after.port, after.password) == (before.port, before.password)
    run_file = json.loads((home / "run" / "neo4j.json").read_text(encoding="utf-8"))
    assert (run_file["heap"], run_file["pagecache"]) == ("512m", "64m")
    report = json.loads(bulk.stdout)
    created = sum(t["created"] for t in report["by_type"]["nodes"].values())
    assert created > 1000 and report["rows_quarantined"] == 0

    stats = _run(["stats", "--json", "--neo4j", "local"], tmp_path)
    assert stats.returncode == 0, stats.stderr
    counts = json.loads(stats.stdout)
    assert counts["total_nodes"] == created and counts["unfinished_runs"] == []
    assert not list((tmp_path / "import").glob("bulk-*")), "the import files stay behind"

    again = _run(["load", "--bulk", str(data), "--neo4j", "local"], tmp_path)
    assert again.returncode != 0 and "first load of an empty store" in again.stderr
    merge = _run(["load", "--json", str(data), "--neo4j", "local"], tmp_path)  # on the imported keys and values
    assert merge.returncode == 0, merge.stderr
    by_type = json.loads(merge.stdout)["by_type"]
    assert sum(t["created"] for kind in by_type.values() for t in kind.values()) == 0


def test_a_failed_import_raises_and_leaves_the_server_running_again(neo4j_jars, neo4j_start, tmp_path):
    from creditgraph.errors import Neo4jServerError
    from creditgraph.graph.bulk import ImportFiles
    from creditgraph.graph.neo4j_import import import_into_local

    home = tmp_path / "neo4j"
    before = neo4j_start(home=home, auth=False)
    missing = ImportFiles(nodes={"Company": [tmp_path / "no-such.header.csv", tmp_path / "no-such.csv"]}, rows=1)
    with pytest.raises(Neo4jServerError, match="import failed"):
        import_into_local(home, missing, cache_dir=neo4j_jars.parent.parent)
    after = neo4j_local.status(home)
    assert after is not None and after.port == before.port and after.pid != before.pid
