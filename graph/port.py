"""The ``GraphStore`` port: everything the product asks of a graph database.

Loaders, analytics exports and the explorer talk to this interface only. Two
implementations: :class:`creditgraph.graph.bolt_store.BoltGraphStore` speaks Cypher over
Bolt and serves both Neo4j and the embedded ArcadeDB; :class:`creditgraph.graph.memory.MemoryGraphStore`
holds the graph in Python (tests and notebooks, no JVM). The contract suite in
``tests/graph/test_contract.py`` runs every backend through the same checks.

The write half is its own protocol, :class:`GraphSink`: what ``loaders.pipeline.load_paths``
needs of its target. Stores, the bulk :class:`~creditgraph.graph.bulk.Fold`, the
the loaders' ``NetworkXSink`` and the tests' recording store are sinks;
:func:`merge_row` is the one Python statement of how a sink merges a row into what it holds
(the twin of ``queries._PROVENANCE``). The helpers below it turn stored values into what every
adapter hands back, so two backends cannot drift in how they read.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections import defaultdict
from typing import Any, Callable, Collection, Iterable, Iterator, Mapping, Protocol, Sequence, runtime_checkable

import networkx as nx
import pandas as pd

from creditgraph.errors import SchemaError
from creditgraph.graph.records import (Counts, Edge, EdgeRow, Entity, GraphTables, NodeRow, Path, Subgraph,
                                       text_columns)
from creditgraph.graph.schema import schema

__all__ = ["GraphSink", "GraphStore", "merge_row", "edge_key", "plain", "plain_props", "entity", "group_keys",
           "score_rows", "export_table", "best_matches", "walk_neighbourhood", "path_order", "rank_filters",
           "check_resolvable", "check_judgement"]


@runtime_checkable
class GraphSink(Protocol):
    """The write half of the port: what a load writes into (``loaders.pipeline.load_paths``).

    Rows merge on their key (nodes) or on endpoints, type and the type's discriminator (edges),
    as :func:`merge_row` says; an edge whose endpoint was never written is an error, not a drop.
    """

    #: Which backend answers: a store's "neo4j", "arcadedb" or "memory", a sink's "bulk", "networkx" or
    #: "recording" (tests); the load report names it.
    backend: str

    @abstractmethod
    def upsert_nodes(self, rows: Sequence[NodeRow]) -> int:
        """MERGE nodes on their key, add properties and provenance; returns rows written."""

    @abstractmethod
    def upsert_edges(self, rows: Sequence[EdgeRow]) -> int:
        """MERGE edges between existing nodes; raises if an endpoint is missing."""

    @abstractmethod
    def counts(self) -> Counts:
        """Node counts per label and relationship counts per type (a load reports the difference)."""


class GraphStore(GraphSink, ABC):
    """A property graph holding the creditgraph schema."""

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create the constraints and indexes the schema implies (idempotent)."""

    @abstractmethod
    def get(self, key: str) -> Entity:
        """The entity with this key; raises ``NotFound``."""

    @abstractmethod
    def search(self, text: str, *, labels: Iterable[str] | None = None, limit: int = 20) -> list[Entity]:
        """Entities whose search properties contain ``text`` (exact key matches first)."""

    @abstractmethod
    def neighbourhood(self, key: str, *, hops: int = 1, limit: int = 200, per_node: int = 50) -> Subgraph:
        """The ``hops``-hop neighbourhood of ``key``: at most ``limit`` nodes, at most ``per_node``
        neighbours of any one node; ``Subgraph.more`` says how many were left out where."""

    @abstractmethod
    def shortest_paths(self, start: str, end: str, *, max_hops: int = 6, limit: int = 5) -> list[Path]:
        """All shortest undirected paths between two entities (up to ``limit``)."""

    @abstractmethod
    def export(self, keys: Iterable[str] | None = None) -> nx.MultiDiGraph:
        """The whole graph, or the subgraph induced by ``keys``, as NetworkX."""

    @abstractmethod
    def export_tables(self, node_props: Sequence[str], edge_props: Sequence[str]) -> GraphTables:
        """The whole graph as tables: per label the key and those of ``node_props`` it declares,
        per type start, end and those of ``edge_props`` it declares; sorted, so every backend
        gives the same tables. What scoring reads at city scale instead of :meth:`export`."""

    @abstractmethod
    def write_scores(self, scores: Mapping[str, Mapping[str, Any]] | pd.DataFrame, *,
                     complete: Sequence[str] = ()) -> int:
        """Set score properties on nodes by key (a mapping, or a table indexed by key whose
        ``None`` cells are skipped); a ``None`` value removes the property, and so does a property
        of ``complete`` a row lacks (the row then stands for every one of them); returns nodes updated."""

    @abstractmethod
    def clear_scores(self, props: Sequence[str], *, keep: Collection[str] = ()) -> int:
        """Remove the score properties ``props`` from every node holding any (those a label
        declares), except that nodes keyed in ``keep`` may be left as they are (the caller
        writes them next with ``complete=props``); returns nodes cleared. A rescore clears first,
        so no score of an earlier run outlives the data it came from."""

    @abstractmethod
    def wipe(self) -> None:
        """Delete every node and relationship."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection (the backend's lifecycle is someone else's)."""

    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- entity resolution --------------------------------------------------------

    @abstractmethod
    def write_resolution(self, label: str, links: Sequence[Mapping[str, Any]],
                         canonical: Mapping[str, str], *, replace: bool = True) -> int:
        """Write SAME_AS links of ``label`` (rows: a, b, score, evidence, method) and set the nodes'
        ``resolved`` keys. ``replace`` first removes every machine link of an earlier run (an
        incremental run adds instead); reviewer judgements are always kept."""

    @abstractmethod
    def judgements(self, label: str) -> list[dict[str, Any]]:
        """Stored reviewer decisions: a, b, verdict (same / not_same), by, at, why."""

    @abstractmethod
    def judge(self, a: str, b: str, verdict: str, *, by: str, why: str) -> None:
        """Store a reviewer decision about two records of the same label."""

    @abstractmethod
    def related_listings(self, key: str) -> list[dict[str, Any]]:
        """Dishonest records, restrictions, abnormal listings and penalties tied to an entity
        through resolution and roles: a firm's own and its people's, a person's own and their
        firms'. Rows: via (who it reaches the entity through), relation, record key and props,
        confidence (the weakest resolution link on the way; 1.0 for the entity's own)."""

    # -- the explorer ---------------------------------------------------------------

    @abstractmethod
    def find(self, label: str, prop: str, value: str, *, prefix: bool = False, limit: int = 20) -> list[Entity]:
        """``label`` entities whose ``prop`` equals ``value`` (or starts with it): an index lookup."""

    @abstractmethod
    def ranked(self, label: str, by: str, *, filters: Mapping[str, Any] | None = None, flag: str | None = None,
               limit: int = 100, skip: int = 0, ascending: bool = False) -> list[Entity]:
        """Entities with a ``by`` score, highest first (``ascending``: lowest first, for a place such
        as ``hiding_rank``), ties by key. ``filters`` (industry, city, region prefix, flagged,
        founded_from/to as ISO dates, min/max of ``by``) narrow the list; None values are ignored."""

    @abstractmethod
    def facet(self, label: str, prop: str, *, limit: int = 200) -> list[tuple[Any, int]]:
        """Distinct values of ``prop`` with their counts, most common first (for filter menus)."""

    @abstractmethod
    def clusters(self, *, limit: int = 100) -> list[dict[str, Any]]:
        """Scored clusters of related firms, riskiest first: cluster, size, dishonest, shells,
        top_shell_score, top_spread."""

    @abstractmethod
    def cluster_members(self, cluster: str, *, limit: int = 500) -> list[Entity]:
        """The firms of one cluster."""

    @abstractmethod
    def entities(self, keys: Iterable[str]) -> list[Entity]:
        """The entities with these keys, in the order given (missing keys are left out)."""

    @abstractmethod
    def names(self, label: str) -> list[tuple[str, str]]:
        """(key, display name) of every ``label`` node: the input of the in-memory name index."""


# -- the write rule every sink applies ------------------------------------------------

def merge_row(props: dict[str, Any], row: NodeRow | EdgeRow) -> None:
    """Apply one row to a stored record's properties, as ``queries._PROVENANCE`` does in Cypher:
    properties overwrite in row order (``None`` sets nothing), ``sources`` and ``source_ids`` grow
    by set union in order of first sight, ``first_seen``/``last_seen`` widen to the row's date.
    A reload of the same rows therefore changes nothing. O(sources) per row."""
    props.update((k, v) for k, v in row.props.items() if v is not None)
    for name, value in (("sources", row.source), ("source_ids", f"{row.source}:{row.source_id}")):
        have = props.setdefault(name, [])
        if value not in have:
            have.append(value)
    if row.seen is not None:
        if props.get("first_seen") is None or row.seen < props["first_seen"]:
            props["first_seen"] = row.seen
        if props.get("last_seen") is None or row.seen > props["last_seen"]:
            props["last_seen"] = row.seen


def edge_key(type_: str, props: Mapping[str, Any]) -> str:
    """The key of an edge in an exported NetworkX graph: ``TYPE``, or ``TYPE:role`` where it has a role."""
    return type_ if props.get("role") is None else f"{type_}:{props['role']}"


# -- reading back: what every adapter hands out -----------------------------------------

def plain(value: Any) -> Any:
    """Stored temporal values to ISO strings (dates as ``YYYY-MM-DD``), sequences to lists, so
    every backend reads back the same."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    iso = getattr(value, "iso_format", None)  # the driver's temporals (neo4j.time.Date, DateTime)
    return iso() if iso is not None else value


def plain_props(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {k: plain(v) for k, v in raw.items()}


def entity(key: str, props: Mapping[str, Any]) -> Entity:
    """An :class:`Entity` of stored properties (the ``key`` property left out)."""
    clean = plain_props(props)
    clean.pop("key", None)
    return Entity(key, schema().label_of(key), clean)


def group_keys(keys: Iterable[str]) -> dict[str, list[str]]:
    """Keys by label, labels in order of first appearance; ``SchemaError`` for an unknown prefix."""
    out: dict[str, list[str]] = defaultdict(list)
    sch = schema()
    for k in keys:
        out[sch.label_of(k)].append(k)
    return out


def score_rows(scores: Mapping[str, Mapping[str, Any]] | pd.DataFrame,
               complete: Sequence[str] = ()) -> Iterator[tuple[str, dict[str, Any]]]:
    """(key, properties) per node; a table's ``None``/NaN cells are left out (one row at a time),
    but each property of ``complete`` is in every row, ``None`` where the row has no value."""
    blank = dict.fromkeys(complete)
    if isinstance(scores, pd.DataFrame):
        columns = list(scores.columns)
        for key, values in zip(scores.index.tolist(), scores.itertuples(index=False, name=None)):
            yield key, blank | {c: v for c, v in zip(columns, values) if v is not None and v == v}
    else:
        for key, props in scores.items():
            yield key, blank | dict(props)


def export_table(columns: list[str], rows: Sequence[Sequence[Any]], declared: Mapping[str, Any]) -> pd.DataFrame:
    """Exported rows as a table sorted by its leading columns (so every backend gives the same
    order); dates as ISO text, as ``GraphStore.export`` gives them; text as Arrow strings."""
    t = pd.DataFrame(list(rows), columns=columns, dtype=object)
    for c in columns:
        if c in declared and declared[c].type == "date":
            t[c] = pd.Series([None if v is None else plain(v) for v in t[c].tolist()], index=t.index, dtype=object)
    return sorted_export(text_columns(t))


def sorted_export(t: pd.DataFrame) -> pd.DataFrame:
    """An exported table sorted by its leading columns: ``key`` for nodes, every column for edges."""
    columns = list(t.columns)
    keys = columns[:1] if columns[0] == "key" else columns
    return t.sort_values(keys, kind="stable", ignore_index=True) if len(t) else t


def best_matches(found: Iterable[Entity], text: str, limit: int) -> list[Entity]:
    """The order ``GraphStore.search`` answers in: entities with a text property equal to ``text``
    first, then shorter names (closer matches), then by key; the first ``limit``."""
    def rank(e: Entity) -> tuple[int, int, str]:
        exact = any(str(v) == text for v in e.props.values() if isinstance(v, str))
        return (0 if exact else 1, len(e.name), e.key)

    return sorted(found, key=rank)[:limit]


def walk_neighbourhood(centre: Entity, expand: Callable[[str, list[str]], Iterable[Mapping[str, Any]]], *,
                       hops: int, limit: int) -> Subgraph:
    """Breadth-first from ``centre`` for ``hops`` hops, at most ``limit`` nodes (``GraphStore.neighbourhood``).

    ``expand(label, keys)`` gives one row per expanded node that has neighbours: ``source``,
    ``total`` (its neighbour count) and ``items``, its first neighbours by key (as many as the
    backend's ``per_node`` allows), each ``{key, node: props, edges: [{type, start, props}]}``.
    A capped node's ``more`` counts the neighbours left out, by the cap or by ``limit``. Frontier
    nodes expand label by label, each label's in key order, so every backend keeps the same nodes."""
    nodes: dict[str, Entity] = {centre.key: centre}
    edges: dict[tuple, Edge] = {}
    more: dict[str, int] = {}
    frontier = [centre.key]
    for _ in range(hops):
        nxt: list[str] = []
        for label, group in group_keys(frontier).items():
            for r in sorted(expand(label, group), key=lambda r: r["source"]):
                source = r["source"]
                if r["total"] > len(r["items"]):
                    more[source] = r["total"] - len(r["items"])
                for it in r["items"]:
                    other = it["key"]
                    if other not in nodes:
                        if len(nodes) >= limit:
                            more[source] = more.get(source, 0) + 1
                            continue
                        nodes[other] = entity(other, it["node"])
                        nxt.append(other)
                    for e in it["edges"]:
                        start, props = e["start"], plain_props(e["props"])
                        end = other if start == source else source
                        edges[(e["type"], start, end, props.get("role"))] = Edge(e["type"], start, end, props)
        frontier = nxt
        if not frontier:
            break
    ordered = sorted(edges.values(), key=lambda e: (e.type, e.start, e.end, str(e.props.get("role"))))
    return Subgraph(tuple(nodes.values()), tuple(ordered), more)


def path_order(p: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """The order ``shortest_paths`` lists paths in: by node keys, then by each hop's type and role."""
    return [n.key for n in p.nodes], [(e.type, str(e.props.get("role"))) for e in p.edges]


def rank_filters(filters: Mapping[str, Any] | None) -> dict[str, Any]:
    """The filters of ``GraphStore.ranked`` that narrow anything (None, "" and False do not),
    ``founded_from``/``founded_to`` as dates: stored dates compare with dates, not text."""
    given = {k: v for k, v in (filters or {}).items() if v not in (None, "", False)}
    return {k: dt.date.fromisoformat(v) if k.startswith("founded") and isinstance(v, str) else v
            for k, v in given.items()}


def check_resolvable(label: str) -> None:
    if label not in ("Person", "Company"):
        raise SchemaError(f"entity resolution covers Person and Company, not {label}")


def check_judgement(a: str, b: str, verdict: str) -> tuple[str, str, str]:
    """``(label, a, b)`` of a reviewer decision, the keys in the stored order (smaller first);
    ``ValueError`` for an unknown verdict, ``SchemaError`` for records of two labels."""
    if verdict not in ("same", "not_same"):
        raise ValueError(f"verdict must be same or not_same, not {verdict!r}")
    label = schema().label_of(a)
    if schema().label_of(b) != label:
        raise SchemaError(f"{a} and {b} are not the same kind of record")
    check_resolvable(label)
    a, b = sorted((a, b))
    return label, a, b
