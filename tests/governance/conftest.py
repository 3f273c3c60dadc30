"""A small hand-built city for governance tests: two firms, their people, and one record of
each list with dates chosen around the lifecycle rules; the governance desk over it."""

from __future__ import annotations

import pytest

from creditgraph.audit import AuditLog
from creditgraph.governance import Governance
from creditgraph.governance.state import State

from govcity import city_rows


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

