"""The ``GraphStore`` adapter for anything that speaks Bolt and Cypher.

Neo4j and the embedded ArcadeDB both answer the official ``neo4j`` driver, so one
adapter serves both; the driver is passed in (no I/O in the constructor), and the
backend's lifecycle lives elsewhere (``embedded.py``, ``neo4j_server.py``).
Writes run as transaction functions, which the driver retries on transient errors;
every driver error is wrapped with what was being done.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import Any, Callable, Collection, Iterable, Iterator, Mapping, Sequence

import networkx as nx
import pandas as pd
from neo4j import Driver, ManagedTransaction
from neo4j import exceptions as neo4j_exc

from creditgraph.analytics import confidence
from creditgraph.errors import NotFound, SchemaError, StoreError, StoreUnavailable
from creditgraph.graph import queries as q
from creditgraph.graph.bolt_listings import CypherListings
from creditgraph.graph.phase_clock import PhaseClock
from creditgraph.graph.port import (GraphStore, best_matches, check_judgement, check_resolvable, edge_key,
                                    export_table, path_order, rank_filters, score_rows, walk_neighbourhood)
from creditgraph.graph.port import entity as _entity
from creditgraph.graph.port import group_keys as _group_keys
from creditgraph.graph.port import plain_props as _props
from creditgraph.graph.records import Counts, Edge, EdgeRow, Entity, GraphTables, NodeRow, Path, Subgraph
from creditgraph.graph.schema import schema

__all__ = ["BoltGraphStore"]

log = logging.getLogger(__name__)


class BoltGraphStore(GraphStore):
    """A :class:`GraphStore` over a ``neo4j.Driver`` (Neo4j or ArcadeDB's Bolt plugin)."""

    def __init__(self, driver: Driver, *, database: str | None = None, backend: str = "neo4j",
                 batch_size: int = 2000) -> None:
        self._driver = driver
        self._database = database
        self.backend = backend
        self.batch_size = batch_size
        self.tx_rows = batch_size  # rows per write-back transaction (scores)

    # -- plumbing ---------------------------------------------------------------

    def _run(self, what: str, work: Callable[[ManagedTransaction], Any], *, write: bool) -> Any:
        try:
            with self._driver.session(database=self._database) as session:
                if write:
                    return session.execute_write(work)
                return session.execute_read(work)
        except neo4j_exc.ServiceUnavailable as e:
            raise StoreUnavailable(f"{self.backend} unreachable while {what}: {e}") from e
        except (neo4j_exc.Neo4jError, neo4j_exc.DriverError) as e:
            raise StoreError(f"{self.backend} failed while {what}: {e}") from e

    def _read(self, what: str, query: str, **params: Any) -> list[dict[str, Any]]:
        return self._run(what, lambda tx: tx.run(query, params).data(), write=False)

    def _values(self, what: str, query: str, **params: Any) -> list[list[Any]]:
        return self._run(what, lambda tx: tx.run(query, params).values(), write=False)

    def _write(self, what: str, query: str, **params: Any) -> list[dict[str, Any]]:
        return self._run(what, lambda tx: tx.run(query, params).data(), write=True)

    def read_rows(self, what: str, query: str, **params: Any) -> list[dict[str, Any]]:
        """Run a read query that another ``graph/`` module holds (run records, record status),
        with this adapter's error wrapping; query text never comes from outside ``graph/``."""
        return self._read(what, query, **params)

    def write_rows(self, what: str, query: str, **params: Any) -> list[dict[str, Any]]:
        """Run a write query that another ``graph/`` module holds, as a retried transaction."""
        return self._write(what, query, **params)

    def _batches(self, rows: Sequence[Any]) -> Iterator[Sequence[Any]]:
        for i in range(0, len(rows), self.batch_size):
            yield rows[i : i + self.batch_size]

    # -- writes -----------------------------------------------------------------

    def ensure_schema(self) -> None:
        for node in schema().nodes.values():
            self._write(f"creating the key constraint of {node.label}", q.constraint(node.label))
            for prop in node.search + node.index:
                self._write(f"indexing {node.label}.{prop}", q.index(node.label, prop))

    def upsert_nodes(self, rows: Sequence[NodeRow]) -> int:
        by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            if schema().label_of(row.key) != row.label:
                raise SchemaError(f"key {row.key!r} does not belong to label {row.label}")
            by_label[row.label].append(_row_params(row))
        written = 0
        for label, params in by_label.items():
            query = q.merge_nodes(label)
            for batch in self._batches(params):
                out = self._write(f"merging {len(batch)} {label} nodes", query, rows=list(batch))
                written += out[0]["written"] if out else 0
        return written

    def upsert_edges(self, rows: Sequence[EdgeRow]) -> int:
        groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        sch = schema()
        for row in rows:
            start, end = sch.label_of(row.start), sch.label_of(row.end)
            rel = sch.check_edge(row.type, start, end)
            params = _row_params(row)
            params["disc"] = {d: row.props[d] for d in rel.discriminator}
            groups[(row.type, start, end)].append(params)
        written = 0
        for (type_, start, end), group in groups.items():
            query = q.merge_edges(type_, start, end)
            for batch in self._batches(group):
                out = self._write(f"merging {len(batch)} {type_} edges {start}->{end}", query,
                                  rows=list(batch))
                got = out[0]["written"] if out else 0
                if got != len(batch):
                    missing = self._missing_endpoints(batch)
                    raise StoreError(
                        f"{len(batch) - got} of {len(batch)} {type_} edges have no endpoint "
                        f"node; e.g. missing keys {missing[:5]}"
                    )
                written += got
        return written

    def _missing_endpoints(self, batch: Sequence[Mapping[str, Any]]) -> list[str]:
        keys = sorted({r["start"] for r in batch} | {r["end"] for r in batch})
        found: set[str] = set()
        for label, group in _group_keys(keys).items():
            rows = self._read("checking endpoints", q.expand_keys_exist(label), keys=group)
            found.update(r["key"] for r in rows)
        return [k for k in keys if k not in found]

    # -- entity resolution --------------------------------------------------------

    def _remove_machine_links(self, label: str) -> None:
        """Delete the earlier runs' SAME_AS links between ``label`` records, in slices; a
        reviewer's links stay."""
        while self._write(f"removing old {label} resolution links", q.delete_machine_links(label),
                          limit=10_000)[0]["deleted"]:
            pass

    def write_resolution(self, label: str, links: Sequence[Mapping[str, Any]],
                         canonical: Mapping[str, str], *, replace: bool = True) -> int:
        check_resolvable(label)
        clock = PhaseClock()
        if replace:
            self._remove_machine_links(label)
        clock.mark("removing old links")
        run = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        written = self._write_links(label, links, run)
        clock.mark("writing links")
        self._write_resolved(canonical)
        clock.mark("writing resolved keys")
        clock.log(f"wrote the {label} resolution{self._route} ({written:,} links, {len(canonical):,} resolved keys)",
                  label)
        return written

    _route = ""  # how the links and keys travel, for the log line (" in process" in a subclass)

    def _write_links(self, label: str, links: Sequence[Mapping[str, Any]], run: str) -> int:
        """Create the SAME_AS links between ``label`` records, stamped with ``run``; how many."""
        written = 0
        for batch in self._batches([dict(link) for link in links]):
            out = self._write(f"writing {len(batch)} {label} resolution links", q.create_links(label),
                              rows=list(batch), run=run)
            written += out[0]["written"] if out else 0
        return written

    def _write_resolved(self, canonical: Mapping[str, str]) -> None:
        """Set each key's ``resolved``."""
        self.write_scores({k: {"resolved": c} for k, c in canonical.items()})

    def judgements(self, label: str) -> list[dict[str, Any]]:
        check_resolvable(label)
        return self._read(f"reading {label} judgements", q.judgements(label))

    def judge(self, a: str, b: str, verdict: str, *, by: str, why: str) -> None:
        label, a, b = check_judgement(a, b, verdict)
        at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        out = self._write(f"storing the judgement on {a} / {b}", q.set_judgement(label),
                          a=a, b=b, verdict=verdict, by=by, at=at, why=why)
        if not out or not out[0]["written"]:
            raise NotFound(f"{a} or {b} is not in the graph")

    def related_listings(self, key: str) -> list[dict[str, Any]]:
        entity = self.get(key)  # NotFound when absent
        check_resolvable(entity.label)
        return confidence.related_listings(key, entity.label, entity.props.get("resolved"), CypherListings(self._read))

    def write_scores(self, scores: Mapping[str, Mapping[str, Any]] | pd.DataFrame, *,
                     complete: Sequence[str] = ()) -> int:
        """Per label, batches of ``tx_rows`` ``(key, props)`` rows, each written by :meth:`_write_scores`
        (``SET n += r.scores``: a null removes)."""
        written, pending = 0, defaultdict[str, list[tuple[str, Mapping[str, Any]]]](list)
        label_of = schema().label_of
        for key, props in score_rows(scores, complete):
            label = label_of(key)
            pending[label].append((key, props))
            if len(pending[label]) >= self.tx_rows:
                written += self._write_scores(label, pending.pop(label))
        return written + sum(self._write_scores(label, batch) for label, batch in pending.items() if batch)

    def _write_scores(self, label: str, batch: list[tuple[str, Mapping[str, Any]]]) -> int:
        rows = [{"key": k, "scores": p} for k, p in batch]
        out = self._write(f"writing scores of {len(batch)} {label} nodes", q.set_scores(label), rows=rows)
        return out[0]["written"] if out else 0

    def clear_scores(self, props: Sequence[str], *, keep: Collection[str] = ()) -> int:
        """Per label, one read of the keys of the nodes holding any of ``props``; those not in
        ``keep`` (which the write that follows rewrites whole) cleared by key, ``tx_rows`` a
        transaction. Clearing by ``LIMIT`` batches rescanned the label from its start for each
        batch: a 1M rescore on Neo4j spent minutes there, clearing nodes it then rewrote."""
        keep = keep if isinstance(keep, (set, frozenset)) else set(keep)
        cleared = 0
        for label, spec in schema().nodes.items():
            declared = [p for p in props if p in spec.properties]
            if not declared:
                continue
            rows = self._read(f"finding old scores of {label} nodes", q.holding_props(label, declared))
            stale = [r["key"] for r in rows if r["key"] not in keep]
            del rows
            for i in range(0, len(stale), self.tx_rows):
                batch = stale[i:i + self.tx_rows]
                out = self._write(f"clearing old scores of {len(batch)} {label} nodes",
                                  q.clear_props(label, declared), keys=batch)
                cleared += out[0]["cleared"] if out else 0
        return cleared

    def await_indexes(self, seconds: int = 600) -> None:
        """Neo4j fills new indexes in the background; wait until they serve (ArcadeDB: at once)."""
        if self.backend == "neo4j":
            self._read("waiting for indexes to come online", q.AWAIT_INDEXES, seconds=seconds)

    def wipe(self) -> None:
        while True:
            out = self._write("wiping the graph", q.DETACH_DELETE_BATCH, limit=10_000)
            if not out or out[0]["deleted"] == 0:
                return

    # -- reads ------------------------------------------------------------------

    def get(self, key: str) -> Entity:
        label = schema().label_of(key)
        rows = self._read(f"reading {key}", q.get_node(label), key=key)
        if not rows:
            raise NotFound(f"no {label} with key {key!r}")
        return _entity(rows[0]["key"], rows[0]["props"])

    def search(self, text: str, *, labels: Iterable[str] | None = None, limit: int = 20) -> list[Entity]:
        text = (text or "").strip()
        if not text:
            return []
        labels = list(labels) if labels else list(schema().nodes)
        found: dict[str, Entity] = {}
        for label in labels:
            for r in self._read(f"searching {label} for {text!r}", q.search_nodes(label),
                                text=text, limit=limit):
                found[r["key"]] = _entity(r["key"], r["props"])
        return best_matches(found.values(), text, limit)

    def neighbourhood(self, key: str, *, hops: int = 1, limit: int = 200, per_node: int = 50) -> Subgraph:
        """Breadth-first from ``key`` (``port.walk_neighbourhood``); one read per label and hop."""
        def expand(label: str, group: list[str]) -> list[dict[str, Any]]:
            return self._read(f"expanding {len(group)} {label} nodes", q.expand_capped(label), keys=group, per=per_node)

        return walk_neighbourhood(self.get(key), expand, hops=hops, limit=limit)

    def shortest_paths(self, start: str, end: str, *, max_hops: int = 6, limit: int = 5) -> list[Path]:
        sch = schema()
        self.get(start), self.get(end)
        if start == end:
            return []
        query = q.shortest_paths(sch.label_of(start), sch.label_of(end), max_hops)
        rows = self._read(f"finding paths {start} -> {end}", query, start=start, end=end, limit=limit)
        paths = []
        for r in rows:
            ns = tuple(_entity(n["key"], n["props"]) for n in r["nodes"])
            es = tuple(Edge(e["type"], e["start"], e["end"], _props(e["props"])) for e in r["edges"])
            paths.append(Path(ns, es))
        return sorted(paths, key=path_order)

    def export(self, keys: Iterable[str] | None = None) -> nx.MultiDiGraph:
        G = nx.MultiDiGraph()
        sch = schema()
        wanted = None if keys is None else sorted(set(keys))
        for label in sch.nodes:
            if wanted is None:
                rows = self._values(f"exporting {label} nodes", q.export_nodes(label))
            else:
                group = _group_keys(wanted).get(label)
                if not group:
                    continue
                rows = self._values(f"exporting {label} nodes", q.nodes_by_keys(label), keys=group)
            for key, raw in rows:  # values(), not data(): data() walks every map again in Python
                props = _props(raw)
                props.pop("key", None)
                G.add_node(key, label=label, **props)
        for type_ in sch.relationships:
            if wanted is None:
                rows = self._values(f"exporting {type_} edges", q.export_edges(type_))
            else:
                rows = self._values(f"exporting {type_} edges", q.export_edges_within(type_), keys=wanted)
            for start, end, raw in rows:
                props = _props(raw)
                G.add_edge(start, end, key=edge_key(type_, props), type=type_, **props)
        return G

    def export_tables(self, node_props: Sequence[str], edge_props: Sequence[str]) -> GraphTables:
        sch = schema()
        nodes, edges = {}, {}
        for label, spec in sch.nodes.items():
            props = [p for p in node_props if p in spec.properties]
            rows = self._values(f"exporting {label} columns", q.export_node_columns(label, props))
            nodes[label] = export_table(["key", *props], rows, spec.properties)
        for type_, rel in sch.relationships.items():
            props = [p for p in edge_props if p in rel.properties]
            rows = self._values(f"exporting {type_} columns", q.export_edge_columns(type_, props))
            edges[type_] = export_table(["start", "end", *props], rows, rel.properties)
        return GraphTables(nodes, edges)

    def find(self, label: str, prop: str, value: str, *, prefix: bool = False, limit: int = 20) -> list[Entity]:
        rows = self._read(f"looking up {label}.{prop}", q.find_nodes(label, prop, prefix=prefix),
                          value=value, limit=limit)
        return [_entity(r["key"], r["props"]) for r in rows]

    def ranked(self, label: str, by: str, *, filters: Mapping[str, Any] | None = None, flag: str | None = None,
               limit: int = 100, skip: int = 0, ascending: bool = False) -> list[Entity]:
        params = rank_filters(filters)
        query = q.ranked_nodes(label, by, sorted(params), flag=flag, ascending=ascending)
        params.pop("flagged", None)
        rows = self._read(f"ranking {label} by {by}", query, skip=skip, limit=limit, **params)
        return [_entity(r["key"], r["props"]) for r in rows]

    def facet(self, label: str, prop: str, *, limit: int = 200) -> list[tuple[Any, int]]:
        rows = self._read(f"listing the values of {label}.{prop}", q.facet_values(label, prop), limit=limit)
        return [(r["value"], r["n"]) for r in rows]

    def clusters(self, *, limit: int = 100) -> list[dict[str, Any]]:
        return self._read("summarising clusters", q.CLUSTER_SUMMARIES, limit=limit)

    def cluster_members(self, cluster: str, *, limit: int = 500) -> list[Entity]:
        rows = self._read(f"reading cluster {cluster}", q.CLUSTER_MEMBERS, cluster=cluster, limit=limit)
        return [_entity(r["key"], r["props"]) for r in rows]

    def entities(self, keys: Iterable[str]) -> list[Entity]:
        keys = list(dict.fromkeys(keys))
        found: dict[str, Entity] = {}
        for label, group in _group_keys(keys).items():
            for r in self._read(f"reading {len(group)} {label} nodes", q.nodes_by_keys(label), keys=group):
                found[r["key"]] = _entity(r["key"], r["props"])
        return [found[k] for k in keys if k in found]

    def names(self, label: str) -> list[tuple[str, str]]:
        return [(r["key"], r["name"]) for r in self._read(f"reading every {label} name", q.names_of(label))
                if r["name"]]

    def counts(self) -> Counts:
        sch = schema()
        nodes = {lab: self._read(f"counting {lab}", q.count_label(lab))[0]["c"] for lab in sch.nodes}
        rels = {t: self._read(f"counting {t}", q.count_type(t))[0]["c"] for t in sch.relationships}
        return Counts({k: v for k, v in nodes.items() if v}, {k: v for k, v in rels.items() if v})

    def close(self) -> None:
        self._driver.close()


def _row_params(row: NodeRow | EdgeRow) -> dict[str, Any]:
    params: dict[str, Any] = {
        "props": {k: v for k, v in row.props.items() if v is not None},
        "source": row.source,
        "source_id": f"{row.source}:{row.source_id}",
        "seen": row.seen,
    }
    if isinstance(row, NodeRow):
        params["key"] = row.key
    else:
        params["start"], params["end"] = row.start, row.end
    return params
