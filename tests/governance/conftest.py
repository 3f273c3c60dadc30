"""A small hand-built city for governance tests: two firms, their people, and one record of
each list with dates chosen around the lifecycle rules; the governance desk over it."""

from __future__ import annotations

import pytest

from creditgraph.audit import AuditLog
from creditgraph.graph.governance import RECORD_LABELS, status_declared
from creditgraph.graph.schema import _props, schema
from creditgraph.governance import Governance
from creditgraph.governance.state import State

from govcity import city_rows


@pytest.fixture(scope="module", autouse=True)
def record_status_declared():
    """The record_status block of graph/schema.yaml merged into the record labels, as
    graph/schema.py is to do it (test_schema.py::test_the_schema_declares_record_status says
    whether it does yet); without it export_tables hands scoring no ``active`` column. Per module,
    and undone after it, so that no other folder's tests see a schema the product does not have."""
    if status_declared():
        yield
        return
    import yaml

    from creditgraph.graph import governance as gq

    raw = yaml.safe_load(gq.Path(gq.__file__).with_name("schema.yaml").read_text(encoding="utf-8"))["record_status"]
    added = {}
    for label in RECORD_LABELS:
        props = schema().node(label).properties
        new = {k: v for k, v in _props(raw["properties"], label).items() if k not in props}
        props.update(new)
        added[label] = list(new)
    yield
    for label, names in added.items():
        for n in names:
            schema().node(label).properties.pop(n, None)


@pytest.fixture
def small_city(arcadedb_store):
    return _load(arcadedb_store)


@pytest.fixture(params=["arcadedb", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def any_city(request):
    """The small city in each backend: what must give the same result on both."""
    return _load(request.getfixturevalue(f"{request.param}_store"))


@pytest.fixture
def gov_any(any_city, tmp_path) -> Governance:
    return Governance(any_city, State(tmp_path / "governance"),
                      AuditLog(tmp_path / "audit" / "queries.jsonl", "reviewer"), "reviewer")


def _load(store):
    store.wipe()
    nodes, edges = city_rows()
    store.upsert_nodes(nodes)
    store.upsert_edges(edges)
    return store


@pytest.fixture
def gov(small_city, tmp_path) -> Governance:
    return Governance(small_city, State(tmp_path / "governance"),
                      AuditLog(tmp_path / "audit" / "queries.jsonl", "reviewer"), "reviewer")

