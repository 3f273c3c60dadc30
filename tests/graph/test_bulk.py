"""A bulk first load gives the graph a MERGE load gives, on both stores.

The fold (``graph/bulk.py``) re-implements the provenance rules of the ``MERGE`` queries in
Python, so these tests load a seeded city both ways and compare every node, edge and
property, provenance included.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest
from creditgraph.graph import arcadedb_bulk as bulk_module
from creditgraph.graph.arcadedb_bulk import _close, write_arcadedb
from creditgraph.graph.bulk import Fold, write_neo4j_csv
from creditgraph.graph.connect import connect_bolt
from creditgraph.graph.memory import MemoryGraphStore
from creditgraph.graph.packed import PackedFold
from creditgraph.graph.neo4j_import import import_full
from creditgraph.graph.records import EdgeRow, NodeRow
from creditgraph.loaders.pipeline import load_paths
from neo4j_fixture import NEO4J_CACHE_DIR
from testenv import jvm_options

from creditgraph import neo4j_local
from creditgraph.errors import StoreError


def _plain(G) -> tuple[dict, list]:
    nodes = {k: dict(sorted(d.items())) for k, d in G.nodes(data=True)}
    edges = sorted((a, b, k, sorted(d.items())) for a, b, k, d in G.edges(keys=True, data=True))
    return nodes, edges


@contextmanager
def _empty_database(server, name: str):
    """A second, empty database of the session's embedded server: (its Database, a store over it)."""
    db = server.database(name, create=True)
    ep = server.endpoint
    store = connect_bolt(ep.uri, ep.user, ep.password, database=name, backend="arcadedb")
    try:
        store.ensure_schema()
        store.wipe()
        yield db, store
    finally:
        store.close()


@contextmanager
def _admin_imported(fold: Fold, tmp_path):
    """The fold through CSV files and neo4j-admin import into a fresh home, served: (store, files)."""
    files = write_neo4j_csv(fold, tmp_path / "import")
    home = tmp_path / "home"
    import_full(home, files, cache_dir=NEO4J_CACHE_DIR, heap="512m", jvm_options=jvm_options())
    server = neo4j_local.start(home, cache_dir=NEO4J_CACHE_DIR, auth=False, heap="512m",
                                pagecache="64m", timeout=180, jvm_options=jvm_options())
    store = connect_bolt(server.uri, None, None, database=None, backend="neo4j")
    try:
        yield store, files
    finally:
        store.close()
        neo4j_local.stop(home)


def _indexes(db) -> list[tuple[str, str, bool]]:
    """(type, properties, unique) of every index of the schema's labels and types: the bulk path must
    leave the schema's indexes. (Run records and audit checkpoints make their own key constraint when
    first written, so a database that kept one has it and a fresh one has not.)"""
    from creditgraph.graph.schema import schema

    declared = set(schema().nodes) | set(schema().relationships)
    types = db.get_java_database().getSchema().getTypes()
    return sorted((str(t.getName()), str(list(i.getPropertyNames())), bool(i.isUnique()))
                  for t in types for i in t.getAllIndexes(False) if str(t.getName()) in declared)


def _date_kinds(db) -> set[type]:
    """Python types of stored dates: the bulk path sends ISO text and must still store dates."""
    kinds = set()
    for sql in ("SELECT founded AS d FROM Company WHERE founded IS NOT NULL LIMIT 5",
                "SELECT first_seen AS d FROM OFFICER_OF WHERE first_seen IS NOT NULL LIMIT 5",
                "SELECT since AS d FROM SHAREHOLDER_OF WHERE since IS NOT NULL LIMIT 5"):
        kinds.update(type(r.get("d")) for r in db.query("sql", sql))
    return kinds


@pytest.fixture(scope="module")
def city_fold(small_seeded_city, tmp_path_factory):
    """The city in a packed fold, as ``creditgraph load --bulk`` folds it (``test_packed_fold.py``:
    it holds what a plain fold holds)."""
    fold = PackedFold()
    report = load_paths(fold, [small_seeded_city / "data"], hash_key="test-key",
                        report_dir=tmp_path_factory.mktemp("fold-report"), progress=False)
    assert report.rows_read > report.rows_quarantined
    return fold, report


def test_fold_applies_the_merge_provenance_rules():
    fold = Fold()
    d1, d2 = dt.date(2019, 1, 1), dt.date(2020, 1, 1)
    fold.upsert_nodes([NodeRow("Company", "co:name:甲", {"name": "甲", "status": "存续"}, "s1", "1", d2),
                       NodeRow("Company", "co:name:甲", {"status": "注销", "city": None}, "s2", "9", d1),
                       NodeRow("Company", "co:name:甲", {}, "s1", "1", None)])
    assert fold.nodes["co:name:甲"] == {"name": "甲", "status": "注销", "sources": ["s1", "s2"],
                                       "source_ids": ["s1:1", "s2:9"], "first_seen": d1, "last_seen": d2}
    with pytest.raises(StoreError, match="missing keys"):
        fold.upsert_edges([EdgeRow("LEGAL_REP_OF", "pe:test:x", "co:name:甲", {}, "s1", "1")])


def test_import_files_refuse_a_list_value_holding_the_array_delimiter(tmp_path):
    fold = Fold()
    fold.upsert_nodes([NodeRow("Company", "co:name:甲", {"name": "甲"}, "s1", "a\x1fb")])
    with pytest.raises(StoreError, match="array delimiter"):
        write_neo4j_csv(fold, tmp_path)


def test_bulk_first_load_equals_a_merge_load_on_the_embedded_store(small_seeded_city, city_fold, arcadedb_server,
                                                                    arcadedb_store, tmp_path):
    city = small_seeded_city
    fold, report = city_fold
    arcadedb_store.wipe()
    merged = load_paths(arcadedb_store, [city / "data"], hash_key="test-key", report_dir=tmp_path, progress=False)
    assert merged.as_dict()["rows_loaded"] == report.as_dict()["rows_loaded"]

    with _empty_database(arcadedb_server, "bulktest") as (db, bulk):
        counts = write_arcadedb(db, fold)
        bulk.ensure_schema()
        assert _indexes(db) == _indexes(arcadedb_server.database())
        assert _date_kinds(db) == _date_kinds(arcadedb_server.database()) == {dt.date}
        assert bulk.counts().as_dict() == counts.as_dict() == arcadedb_store.counts().as_dict()
        assert _plain(bulk.export()) == _plain(arcadedb_store.export())
        # later loads MERGE onto the bulk-loaded graph without duplicating anything
        load_paths(bulk, [city / "data"], hash_key="test-key", report_dir=tmp_path / "again", progress=False)
        assert bulk.counts().as_dict() == counts.as_dict()


def test_edges_split_over_many_batches_give_the_same_graph(small_seeded_city, city_fold, arcadedb_server,
                                                           arcadedb_store, tmp_path, monkeypatch):
    """Each GraphBatch takes a bounded slice of edges (at 1M one batch ran out of heap in close());
    later batches must append to the edge lists the earlier ones left."""
    city = small_seeded_city
    fold, _ = city_fold
    arcadedb_store.wipe()
    load_paths(arcadedb_store, [city / "data"], hash_key="test-key", report_dir=tmp_path, progress=False)
    monkeypatch.setattr(bulk_module, "_EDGES_PER_BATCH", 97)  # slices cut through every large type
    assert max(len(i) for i in fold.by_type().values()) > 3 * 97
    with _empty_database(arcadedb_server, "sliced") as (db, bulk):
        write_arcadedb(db, fold)
        bulk.ensure_schema()
        assert _plain(bulk.export()) == _plain(arcadedb_store.export())


def test_a_transaction_left_open_mid_load_is_named_not_an_anonymous_refusal(arcadedb_server):
    """At 1M GraphBatch refused to close, "inside a transaction the caller opened", after every
    record was written, naming no step. The load checks between steps and names the one."""
    fold = Fold()
    fold.upsert_nodes([NodeRow("Company", "co:name:甲", {"name": "甲"}, "s", "1"),
                       NodeRow("Person", "pe:test:乙", {"name": "乙"}, "s", "1")])
    with _empty_database(arcadedb_server, "opentx") as (db, _):
        with pytest.raises(StoreError, match="transaction was open on this thread before Person"):
            write_arcadedb(db, fold, on_step=lambda name, rows, seconds: db.begin())
        assert not db.is_transaction_active()


def test_a_close_refused_inside_an_open_transaction_commits_it_and_writes_the_edges(arcadedb_server):
    """The engine refuses close() with edges pending while a transaction is open on the thread
    (seen at 1M with none of ours open); the load commits it and closes again, losing nothing."""
    with _empty_database(arcadedb_server, "refused") as (db, _):
        db.command("sql", "CREATE EDGE TYPE SHAREHOLDER_OF IF NOT EXISTS")
        batch = db.graph_batch()
        a, b = batch.create_vertices("Company", [{"key": "co:name:甲"}, {"key": "co:name:乙"}])
        batch.new_edges([a], "SHAREHOLDER_OF", [b], [{}])
        db.begin()
        _close(db, batch)
        assert not db.is_transaction_active()
        assert [r.get("n") for r in db.query("sql", "SELECT count(*) AS n FROM SHAREHOLDER_OF")] == [1]
        assert [r.get("n") for r in db.query("sql", "SELECT out('SHAREHOLDER_OF').size() AS n FROM Company "
                                                    "WHERE key = 'co:name:甲'")] == [1]


@pytest.mark.neo4j
def test_neo4j_admin_import_equals_a_merge_load(small_seeded_city, city_fold, neo4j_jars, tmp_path):
    """What neo4j-admin imported, read back over Bolt, is what a MERGE load of the same files gives
    under the store contract (the memory store: every store's loads are held to it, test_real_data)."""
    fold, _ = city_fold
    merged = MemoryGraphStore()
    load_paths(merged, [small_seeded_city / "data"], hash_key="test-key", report_dir=tmp_path / "r", progress=False)
    with _admin_imported(fold, tmp_path) as (store, _):
        store.ensure_schema()
        assert store.counts().as_dict() == fold.counts().as_dict() == merged.counts().as_dict()
        assert _plain(store.export()) == _plain(merged.export())


@pytest.mark.neo4j
def test_a_value_spanning_lines_is_found_and_imported_intact(neo4j_jars, tmp_path):
    """The importer parses multi-line files in one thread, so it does only when a value spans
    lines: the files say which (the Case file here), and the text comes through intact."""
    fold = Fold()
    title = "民事判决书\n第一行\r\n第二行"
    fold.upsert_nodes([NodeRow("Case", "ca:(2019)闽01民初1号", {"case_no": "(2019)闽01民初1号", "title": title},
                               "s", "1"),
                       NodeRow("Company", "co:name:甲", {"name": "甲"}, "s", "1")])
    fold.upsert_edges([EdgeRow("PARTY_TO", "co:name:甲", "ca:(2019)闽01民初1号", {"role": "被告"}, "s", "1")])
    with _admin_imported(fold, tmp_path) as (store, files):
        assert [p.name for p in files.multiline] == ["node-Case.csv"]
        assert store.counts().as_dict() == fold.counts().as_dict()
        assert store.get("ca:(2019)闽01民初1号").props["title"] == title


def test_a_fold_of_an_export_copies_the_store(small_seeded_city, arcadedb_server, arcadedb_store, tmp_path):
    city = small_seeded_city
    arcadedb_store.wipe()
    load_paths(arcadedb_store, [city / "data"], hash_key="test-key", report_dir=tmp_path, progress=False)
    original = arcadedb_store.export()
    with _empty_database(arcadedb_server, "copytest") as (db, copy):
        write_arcadedb(db, Fold.from_graph(original))
        copy.ensure_schema()
        assert _plain(copy.export()) == _plain(original)
