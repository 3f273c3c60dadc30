"""Open the configured store: Neo4j when a URI is set, else the embedded ArcadeDB."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Any, Iterator

from neo4j import GraphDatabase
from neo4j import exceptions as neo4j_exc

from creditgraph.errors import StoreError, StoreUnavailable
from creditgraph.graph.bolt_store import BoltGraphStore
from creditgraph.graph.embedded import EmbeddedServer
from creditgraph.graph.embedded_store import EmbeddedGraphStore
from creditgraph.settings import Settings

__all__ = ["open_store", "open_embedded", "connect_bolt", "JoinedStore"]

log = logging.getLogger(__name__)


class JoinedStore(BoltGraphStore):
    """The embedded store as seen by a process that joined the folder's owner (``EmbeddedServer``):
    when the owner ends, the server goes with it and every call here would fail with the driver's
    ``Unauthorized`` or "unreachable"; this says what happened and what to do instead."""

    def __init__(self, driver, *, server: EmbeddedServer, **kw) -> None:
        super().__init__(driver, **kw)
        self._server = server

    def _run(self, what, work, *, write):
        if self._server.owner_ended():  # said at once, not after the driver's 30 s of retries
            raise self._owner_gone(what)
        try:
            return super()._run(what, work, write=write)
        except StoreError as e:
            if not self._server.owner_ended():
                raise
            raise self._owner_gone(what) from e

    def _owner_gone(self, what: str) -> StoreUnavailable:
        pid = self._server.endpoint.owner_pid if self._server.endpoint else "?"
        return StoreUnavailable(
            f"the process that owned the embedded store at {self._server.root} (pid {pid}) ended while this one "
            f"was {what}; this process had joined it and lost the store with it: rerun the command "
            "(it will open the store itself)")


def connect_bolt(uri: str, user: str | None, password: str | None, *, database: str | None,
                 backend: str, batch_size: int = 2000, server: EmbeddedServer | None = None,
                 in_process: Any = None, tx_rows: int | None = None) -> BoltGraphStore:
    """A store over a fresh driver, after checking the server answers; ``server``: the embedded
    server this process joined (not owns), whose end the store then reports in plain words;
    ``in_process``: the Database of the embedded server this process owns, which then takes the
    write-backs directly (``embedded_store.EmbeddedGraphStore``) in transactions of ``tx_rows``
    rows (``batch_size`` when None)."""
    if password is not None and user is None:  # the driver would send it for no user and be refused
        raise StoreError(f"{backend} at {uri}: a password was given without a user")
    auth = (user, password) if user is not None and password is not None else None
    # connection_timeout bounds the TCP connect only; a server that accepts and then stays silent
    # would hold the Bolt handshake for the acquisition timeout (60 s by default).
    driver = GraphDatabase.driver(uri, auth=auth, connection_timeout=10, connection_acquisition_timeout=10)
    try:
        driver.verify_connectivity()
    except neo4j_exc.AuthError as e:
        driver.close()
        raise StoreError(f"{backend} at {uri} refused the credentials of user {user!r}: {e}") from e
    except (neo4j_exc.ServiceUnavailable, OSError) as e:
        driver.close()
        raise StoreUnavailable(f"{backend} at {uri} does not answer: {e}") from e
    if server is not None:
        return JoinedStore(driver, server=server, database=database, backend=backend, batch_size=batch_size)
    if in_process is not None:
        return EmbeddedGraphStore(driver, in_process, database=database, batch_size=batch_size,
                                  tx_rows=tx_rows or batch_size)
    return BoltGraphStore(driver, database=database, backend=backend, batch_size=batch_size)


@contextmanager
def open_store(settings: Settings, *, ensure_schema: bool = True) -> Iterator[BoltGraphStore]:
    """Yield the store the settings select; close it (and the embedded server) afterwards."""
    if not settings.use_neo4j:
        with open_embedded(settings, ensure_schema=ensure_schema) as (_, store):
            yield store
        return
    password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
    assert settings.neo4j_uri, "use_neo4j is true exactly when a URI is set"
    store = connect_bolt(settings.neo4j_uri, settings.neo4j_user, password,
                         database=settings.neo4j_database, backend="neo4j",
                         batch_size=settings.batch_size)
    try:
        if ensure_schema:
            store.ensure_schema()
        yield store
    finally:
        store.close()


@contextmanager
def open_embedded(settings: Settings, *, ensure_schema: bool = True) -> Iterator[tuple[EmbeddedServer, BoltGraphStore]]:
    """The embedded server and a store over it; the server is this process's unless another owns the folder."""
    server = EmbeddedServer(settings.embedded_dir, heap=settings.embedded_heap, port=settings.embedded_port,
                            page_ram_mb=settings.embedded_page_ram_mb, class_cache=settings.embedded_class_cache,
                            jvm_options=settings.jvm_option_list)
    ep = server.start()
    try:
        store = connect_bolt(ep.uri, ep.user, ep.password, database=ep.database,
                             backend="arcadedb", batch_size=settings.batch_size,
                             server=None if ep.owner else server,
                             in_process=server.database() if ep.owner else None,
                             tx_rows=settings.embedded_tx_rows)
        try:
            if ensure_schema:
                store.ensure_schema()
            yield server, store
        finally:
            store.close()
    finally:
        server.stop()
