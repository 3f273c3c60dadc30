"""Rows into the embedded database through ArcadeDB's Java API (``graph/embedded_store.py``).

What the Cypher of ``graph/queries.py`` does over Bolt, done record by record in the process that
owns the database: a key-index lookup (one JNI crossing with arcadedb-embedded's ``DbCalls``) and a
record update per row. The caller runs each method inside a transaction of ``tx_rows`` rows;
nothing here opens or commits one. O(rows) lookups; :meth:`Writer.holding` scans a whole type.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Collection, Iterator, Mapping, Sequence

__all__ = ["Writer"]

log = logging.getLogger(__name__)


class Writer:
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

    def _matched(self, type_name: str, rows: Sequence[tuple[str, Any]]) -> Iterator[tuple[Any, Any]]:
        """``(vertex, value)`` for each ``(key, value)`` row whose key has a vertex of ``type_name``."""
        for key, value in rows:
            vertex = self._vertex(type_name, key)
            if vertex is not None:
                yield vertex, value

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
        for vertex, value in self._matched(type_name, rows):
            written += 1
            if vertex.get("resolved") == value:
                continue
            vertex = vertex.modify()
            vertex.set("resolved", value)
            vertex.save()
        return written

    def scores(self, type_name: str, rows: Sequence[tuple[str, Mapping[str, Any]]]) -> int:
        """``MATCH (n:T {key: r.key}) SET n += r.scores`` per row: a ``None`` value removes the
        property, as in Cypher; rows whose key has no node are skipped; returns the nodes matched.
        A removal asks the record which properties it holds first (one call, not one per name:
        a complete row names every score it lacks)."""
        written = 0
        for vertex, props in self._matched(type_name, rows):
            written += 1
            pairs: list[Any] = []
            gone: list[str] = []
            for name, value in props.items():
                if value is None:
                    gone.append(name)
                else:
                    pairs += [name, value]
            if gone:
                held = set(str(vertex.getPropertyNames())[1:-1].split(", "))  # "[key, name, …]"
                gone = [name for name in gone if name in held]
            vertex = vertex.modify()
            if pairs:
                vertex.set(*pairs)
            for name in gone:
                vertex.remove(name)
            vertex.save()
        return written

    def holding(self, type_name: str, props: Sequence[str], *, keep: Collection[str] = ()) -> Iterator[Any]:
        """The identities (RIDs) of the ``type_name`` records holding any of ``props`` with a value,
        as ``MATCH (n:T) WHERE n.p IS NOT NULL OR …``, but those keyed in ``keep``: one scan of the
        type (subtypes excluded)."""
        import jpype

        wanted = jpype.JClass("java.util.HashSet")(jpype.JClass("java.util.Arrays").asList(
            jpype.JArray(jpype.JString)(list(props))))
        disjoint = jpype.JClass("java.util.Collections").disjoint
        for rec in self._jdb.iterateType(type_name, False):
            if not disjoint(rec.getPropertyNames(), wanted) and any(rec.get(p) is not None for p in props):
                if not keep or str(rec.get("key")) not in keep:
                    yield rec.getIdentity()

    def remove(self, rids: Sequence[Any], props: Sequence[str]) -> int:
        """``REMOVE n.p, …`` on each record of ``rids``; returns the records changed."""
        for rid in rids:
            doc = rid.asDocument(True).modify()
            for p in props:
                doc.remove(p)
            doc.save()
        return len(rids)


def _bridge_calls() -> Any:
    """arcadedb-embedded's ``DbCalls`` (one JNI crossing per key lookup), or None without its bridge jar."""
    try:
        import jpype

        return jpype.JClass("com.arcadedb.python.DbCalls")
    except Exception:  # an engine without the bridge: lookups go by cursor, a few calls more each
        log.warning("arcadedb-embedded has no DbCalls; key lookups go by cursor")
        return None
