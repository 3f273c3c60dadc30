"""The embedded store as seen by the process that owns it: Bolt for everything, except write-backs.

The process that owns the embedded server (``embedded.EmbeddedServer``) holds the
``arcadedb_embedded`` Database behind the Bolt endpoint, so the write-backs (the resolution's
SAME_AS links and ``resolved`` keys, and the scores: hundreds of thousands of rows at 100k firms)
go to it directly through ArcadeDB's Java API (``embedded_writer.Writer``), a key-index lookup and
a record update per row in transactions of ``tx_rows`` rows, instead of through Cypher over
Bolt. Same links, keys, score properties and counts as :meth:`BoltGraphStore.write_resolution`,
``write_scores`` and ``clear_scores``, and the same names for each transaction (what the run
records and the kill tests see): ``tests/graph/test_embedded_writeback.py``. Everything else
stays on Bolt. Both routes at 10k firms: ``bench/results/city_10k_embedded.txt`` (resolution),
``bench/results/city_10k_score_writeback.txt`` (scores)."""

from __future__ import annotations

import functools
import logging
from typing import Any, Callable, Collection, Iterable, Mapping, Sequence

import networkx as nx
from neo4j import Driver

from creditgraph.errors import StoreError
from creditgraph.graph import arcadedb_sql as sql
from creditgraph.graph import embedded_reader as reader
from creditgraph.graph.bolt_store import BoltGraphStore
from creditgraph.graph.embedded_writer import Writer
from creditgraph.graph.port import edge_key, sorted_export
from creditgraph.graph.records import GraphTables
from creditgraph.graph.schema import schema

__all__ = ["EmbeddedGraphStore"]

log = logging.getLogger(__name__)


class EmbeddedGraphStore(BoltGraphStore):
    """A :class:`BoltGraphStore` over the embedded server this process owns, writing resolutions
    and scores in process. ``engine``: the server's ``arcadedb_embedded`` Database (``EmbeddedServer.database``)."""

    def __init__(self, driver: Driver, engine: Any, *, tx_rows: int | None = None, **kw: Any) -> None:
        super().__init__(driver, backend="arcadedb", **kw)
        self._db = engine
        self.tx_rows = tx_rows or self.batch_size

    _route = " in process"

    @functools.cached_property
    def _writer(self) -> Writer:
        return Writer(self._db)

    def _write_links(self, label: str, links: Sequence[Mapping[str, Any]], run: str) -> int:
        """As :meth:`BoltGraphStore._write_links`, through the Java API."""
        if links:
            self._edge_type("SAME_AS")
        return self._in_batches(f"writing {{n}} {label} resolution links", list(links),
                                functools.partial(self._writer.links, schema().node(label).label, run=run))

    def _write_resolved(self, canonical: Mapping[str, str]) -> None:
        """As :meth:`BoltGraphStore._write_resolved`, through the Java API, one label at a time."""
        writer = self._writer
        by_label: dict[str, list[tuple[str, str]]] = {}
        for key, resolved in canonical.items():
            by_label.setdefault(schema().label_of(key), []).append((key, resolved))
        for lab, rows in by_label.items():
            self._in_batches(f"writing {{n}} resolved {lab} keys", rows,
                             functools.partial(writer.resolved, schema().node(lab).label))

    def _write_scores(self, label: str, batch: list[tuple[str, Mapping[str, Any]]]) -> int:
        """As :meth:`BoltGraphStore._write_scores`, through the Java API, the transaction named as its batch."""
        return self._write_in_process(f"writing scores of {len(batch)} {label} nodes",
                                      functools.partial(self._writer.scores, schema().node(label).label, batch))

    def clear_scores(self, props: Sequence[str], *, keep: Collection[str] = ()) -> int:
        """As :meth:`BoltGraphStore.clear_scores`, through the Java API: per label, one scan for the
        records holding any of the declared ``props``, then transactions of ``tx_rows`` records.
        Records keyed in ``keep`` are left to the write that follows (a rescore then rewrites each
        scored record once, not twice: clearing the 1M city's 5.3M scored nodes took 491 s)."""
        writer, cleared = self._writer, 0
        keep = keep if isinstance(keep, (set, frozenset)) else set(keep)
        for label, spec in schema().nodes.items():
            declared = [p for p in props if p in spec.properties]
            if not declared:
                continue
            try:
                rids = list(writer.holding(spec.label, declared, keep=keep))
            except _java_error() as e:
                raise StoreError(f"arcadedb failed while finding old scores of {label} nodes: {e}") from e
            cleared += self._in_batches(f"clearing old scores of {label} nodes", rids,
                                        functools.partial(writer.remove, props=declared))
        return cleared

    def export(self, keys: Iterable[str] | None = None) -> nx.MultiDiGraph:
        """As :meth:`BoltGraphStore.export`; the whole store (``keys`` None) read in process as columns."""
        if keys is not None:
            return super().export(keys)
        G = nx.MultiDiGraph()
        sch, ends = schema(), reader.Ends()
        for label in sch.nodes:
            table = self._read_columns(f"exporting {label} nodes", reader.node_table, label, None, ends)
            for key, props in reader.node_props(table):
                G.add_node(key, label=label, **props)
        for type_ in sch.relationships:
            table = self._read_columns(f"exporting {type_} edges", reader.edge_table, type_, None, ends)
            for start, end, props in reader.edge_props(table):
                G.add_edge(start, end, key=edge_key(type_, props), type=type_, **props)
        return G

    def export_tables(self, node_props: Sequence[str], edge_props: Sequence[str]) -> GraphTables:
        """As :meth:`BoltGraphStore.export_tables`, read in process as columns."""
        sch, ends = schema(), reader.Ends()
        nodes, edges = {}, {}
        for label, spec in sch.nodes.items():
            props = [p for p in node_props if p in spec.properties]
            t = self._read_columns(f"exporting {label} columns", reader.node_table, label, props, ends)
            nodes[label] = sorted_export(reader.frame(t))
        for type_, rel in sch.relationships.items():
            props = [p for p in edge_props if p in rel.properties]
            t = self._read_columns(f"exporting {type_} columns", reader.edge_table, type_, props, ends)
            edges[type_] = sorted_export(reader.frame(t))
        return GraphTables(nodes, edges)

    def _read_columns(self, what: str, read: Callable[..., Any], name: str, props: Sequence[str] | None,
                      ends: reader.Ends) -> Any:
        from arcadedb_embedded.exceptions import ArcadeDBError

        try:
            return read(self._db, name, props, ends=ends)
        except (ArcadeDBError, _java_error()) as e:
            raise StoreError(f"arcadedb failed while {what}: {e}") from e

    def _in_batches(self, what: str, rows: Sequence[Any], work: Callable[[Sequence[Any]], int]) -> int:
        """``work`` over ``rows`` in transactions of ``tx_rows`` rows; ``what`` names a batch of ``{n}`` rows."""
        done = 0
        for start in range(0, len(rows), self.tx_rows):
            batch = rows[start:start + self.tx_rows]
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
            self._db.command("sql", sql.arcadedb_edge_type(type_))
        except ArcadeDBError as e:
            raise StoreError(f"arcadedb failed while creating the edge type {type_}: {e}") from e


def _java_error() -> type[BaseException]:
    import jpype

    return jpype.JException
