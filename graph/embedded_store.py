"""The embedded store as seen by the process that owns it: Bolt for everything, except write-backs.

The process that owns the embedded server (``embedded.EmbeddedServer``) holds the
``arcadedb_embedded`` Database behind the Bolt endpoint, so the resolution write-back (SAME_AS
links and ``resolved`` keys, hundreds of thousands of rows at 100k firms) goes to it directly
through ArcadeDB's Java API, a key-index lookup and a record update per row in transactions of
``batch_size`` rows, instead of through Cypher over Bolt. Same links, same keys, same counts as
:meth:`BoltGraphStore.write_resolution` (``tests/graph/test_embedded_writeback.py``); everything
else stays on Bolt. Both routes at 10k firms: ``bench/results/city_10k_embedded.txt``.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Callable, Mapping, Sequence

from neo4j import Driver

from creditgraph.errors import StoreError
from creditgraph.graph import queries as q
from creditgraph.graph.bolt_store import BoltGraphStore
from creditgraph.graph.schema import schema

__all__ = ["EmbeddedGraphStore"]

log = logging.getLogger(__name__)


class EmbeddedGraphStore(BoltGraphStore):
    """A :class:`BoltGraphStore` over the embedded server this process owns, writing resolutions
    in process. ``engine``: the server's ``arcadedb_embedded`` Database (``EmbeddedServer.database``)."""

    def __init__(self, driver: Driver, engine: Any, **kw: Any) -> None:
        super().__init__(driver, backend="arcadedb", **kw)
        self._db = engine

    _route = " in process"

    def _write_links(self, label: str, links: Sequence[Mapping[str, Any]], run: str) -> int:
        """As :meth:`BoltGraphStore._write_links`, through the Java API."""
        if links:
            self._edge_type("SAME_AS")
        return self._in_batches(f"writing {{n}} {label} resolution links", list(links),
                                functools.partial(_Writer(self._db).links, schema().node(label).label, run=run))

    def _write_resolved(self, canonical: Mapping[str, str]) -> None:
        """As :meth:`BoltGraphStore._write_resolved`, through the Java API, one label at a time."""
        writer = _Writer(self._db)
        by_label: dict[str, list[tuple[str, str]]] = {}
        for key, resolved in canonical.items():
            by_label.setdefault(schema().label_of(key), []).append((key, resolved))
        for lab, rows in by_label.items():
            self._in_batches(f"writing {{n}} resolved {lab} keys", rows,
                             functools.partial(writer.resolved, schema().node(lab).label))

    def _in_batches(self, what: str, rows: Sequence[Any], work: Callable[[Sequence[Any]], int]) -> int:
        """``work`` over ``rows`` in transactions of ``batch_size`` rows; ``what`` names a batch of ``{n}`` rows."""
        done = 0
        for start in range(0, len(rows), self.batch_size):
            batch = rows[start:start + self.batch_size]
            done += self._write_in_process(what.format(n=len(batch)), functools.partial(work, batch))
        return done

    def _write_in_process(self, what: str, work: Callable[[], int]) -> int:
        """One transaction in the embedded database, retried on a write conflict (as the driver
        retries a Bolt transaction); engine errors wrapped with what was being done."""
        from arcadedb_embedded.exceptions import ArcadeDBError

        try:
            return int(self._db.run_in_transaction(work))
        except (ArcadeDBError, _java_error()) as e:
            raise StoreError(f"arcadedb failed while {what}: {e}") from e

    def _edge_type(self, type_: str) -> None:
        """Make the edge type if the store has none yet: Cypher's CREATE makes it on first use, the
        Java API refuses an unknown type (a schema change, so outside any transaction)."""
        from arcadedb_embedded.exceptions import ArcadeDBError

        try:
            self._db.command("sql", q.arcadedb_edge_type(type_))
        except ArcadeDBError as e:
            raise StoreError(f"arcadedb failed while creating the edge type {type_}: {e}") from e


class _Writer:
    """Rows into the embedded database through ArcadeDB's Java API, a few calls per row."""

    def __init__(self, database: Any) -> None:
        import jpype

        self._jdb = database.get_java_database()
        self._names = jpype.JArray(jpype.JString)(["key"])
        self._values = jpype.JArray(jpype.JObject)
        calls = _bridge_calls()
        if calls is not None:  # one crossing for lookup, hasNext, next and getRecord
            self._lookup: Callable[[str, str], Any] = lambda t, k: calls.lookupFirst(
                self._jdb, t, self._names, self._values([k]))
        else:
            self._lookup = self._lookup_by_cursor

    def _lookup_by_cursor(self, type_name: str, key: str) -> Any:
        cursor = self._jdb.lookupByKey(type_name, self._names, self._values([key]))
        return cursor.next().getRecord() if cursor.hasNext() else None

    def _vertex(self, type_name: str, key: str) -> Any:
        """The vertex of ``type_name`` with ``key`` (None when there is none), as ``MATCH (:T {key})``."""
        rec = self._lookup(type_name, key)
        return None if rec is None else rec.asVertex()

    def links(self, type_name: str, rows: Sequence[Mapping[str, Any]], *, run: str) -> int:
        """``CREATE (a)-[:SAME_AS {score, evidence, method, run}]->(b)`` per row whose ends both exist;
        null properties are not stored, as Cypher's ``SET e.p = null``."""
        written = 0
        for r in rows:
            a, b = self._vertex(type_name, r["a"]), self._vertex(type_name, r["b"])
            if a is None or b is None:
                continue
            props: list[Any] = []
            for name, value in (("score", r.get("score")), ("evidence", r.get("evidence")),
                                ("method", r.get("method")), ("run", run)):
                if value is not None:
                    props += [name, value]
            a.newEdge("SAME_AS", b, *props)
            written += 1
        return written

    def resolved(self, type_name: str, rows: Sequence[tuple[str, str]]) -> int:
        """``MATCH (n:T {key}) SET n.resolved = value`` per row; a record that already holds the
        value is left alone (a rerun rewrites only what changed)."""
        written = 0
        for key, value in rows:
            vertex = self._vertex(type_name, key)
            if vertex is None:
                continue
            written += 1
            if vertex.get("resolved") == value:
                continue
            vertex = vertex.modify()
            vertex.set("resolved", value)
            vertex.save()
        return written


def _bridge_calls() -> Any:
    """arcadedb-embedded's ``DbCalls`` (one JNI crossing per key lookup), or None without its bridge jar."""
    try:
        import jpype

        return jpype.JClass("com.arcadedb.python.DbCalls")
    except Exception:  # an engine without the bridge: lookups go by cursor, a few calls more each
        log.warning("arcadedb-embedded has no DbCalls; key lookups go by cursor")
        return None


def _java_error() -> type[BaseException]:
    import jpype

    return jpype.JException
