"""Fixtures of the embedded store's tests."""

from __future__ import annotations

import pytest

from creditgraph.graph.bolt_store import BoltGraphStore
from creditgraph.graph.connect import connect_bolt
from creditgraph.graph.embedded_store import EmbeddedGraphStore


@pytest.fixture(scope="module")
def stores(arcadedb_server, arcadedb_store):
    """The session's embedded database twice: over Bolt only, and as the process that owns it
    sees it (reads and write-backs in process)."""
    ep = arcadedb_server.endpoint
    inproc = connect_bolt(ep.uri, ep.user, ep.password, database=ep.database, backend="arcadedb",
                          in_process=arcadedb_server.database(), batch_size=500)
    assert type(arcadedb_store) is BoltGraphStore and isinstance(inproc, EmbeddedGraphStore)
    yield arcadedb_store, inproc
    inproc.close()
