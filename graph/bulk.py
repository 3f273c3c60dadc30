"""First load of an empty store without Cypher: fold the rows in memory, then write once.

``load_paths`` writes into a :class:`Fold` exactly as into a store (same mapping, same
quarantine and report): a fold is a :class:`~creditgraph.graph.port.GraphSink`. It applies,
row by row, :func:`~creditgraph.graph.port.merge_row` — the rules the ``MERGE … SET`` queries
apply (``queries._PROVENANCE``): properties overwrite in row order, ``sources`` and
``source_ids`` grow by set union in order of first sight, ``first_seen``/``last_seen`` widen.
So a bulk first load and a ``MERGE`` load give the same graph (``tests/graph/test_bulk.py``);
the in-memory store (``graph/memory.py``) is a fold that also answers reads.

Two writers take a fold:

* ``arcadedb_bulk.write_arcadedb`` — ArcadeDB's ``GraphBatch`` into the embedded database,
  in-process (no Bolt round trips, no query planning).
* :func:`write_neo4j_csv` (here) — the header and data files ``neo4j-admin database import full``
  reads (``graph/neo4j_import.py`` runs it on a stopped server's home).

Both need an empty database; the ``MERGE`` path stays the one for every later load.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import networkx as nx

from creditgraph.errors import SchemaError, StoreError
from creditgraph.graph.port import GraphSink, edge_key, export_table, group_keys, merge_row, plain, plain_props
from creditgraph.graph.records import Counts, EdgeRow, GraphTables, NodeRow
from creditgraph.graph.schema import Prop, schema

__all__ = ["Fold", "write_neo4j_csv", "ImportFiles"]

class Fold(GraphSink):
    """The write half of the store port, folding rows into one record per node and edge.

    ``nodes``: key → properties; ``labels``: key → label; ``edges``: ``(type, start, end,
    discriminator values)`` → properties. Values as written (dates as dates)."""

    backend = "bulk"

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}
        self.labels: dict[str, str] = {}
        self.edges: dict[tuple, dict[str, Any]] = {}

    @classmethod
    def from_graph(cls, G: Any) -> "Fold":
        """A fold of an exported graph (``GraphStore.export``): copies one store into an empty other.

        Export reads dates back as ISO text; the schema's property types turn them into dates again.
        """
        sch = schema()
        fold = cls()

        def typed(props: dict[str, Any], declared: Mapping[str, Prop]) -> dict[str, Any]:
            out = {}
            for k, v in props.items():
                p = declared.get(k)
                if v is not None and (k in ("first_seen", "last_seen") or (p is not None and p.type == "date")):
                    v = dt.date.fromisoformat(v)
                out[k] = v
            return out

        for key, data in G.nodes(data=True):
            label = data["label"]
            fold.labels[key] = label
            fold.nodes[key] = typed({k: v for k, v in data.items() if k != "label"}, sch.node(label).properties)
        for a, b, data in G.edges(data=True):
            rel = sch.check_edge(data["type"], fold.labels[a], fold.labels[b])
            ident = (data["type"], a, b, tuple(data.get(d) for d in rel.discriminator))
            fold.edges[ident] = typed({k: v for k, v in data.items() if k != "type"}, rel.properties)
        return fold

    def upsert_nodes(self, rows: Sequence[NodeRow]) -> int:
        sch, nodes = schema(), self.nodes
        for row in rows:
            if sch.label_of(row.key) != row.label:
                raise SchemaError(f"key {row.key!r} does not belong to label {row.label}")
            key = sys.intern(row.key)  # one string per key, shared by the edges that name it
            props = nodes.get(key)
            if props is None:
                props = {}
                self.labels[key] = row.label
            merge_row(props, row)
            nodes[key] = props  # the same dict again here; packed again in a PackedFold
        return len(rows)

    def upsert_edges(self, rows: Sequence[EdgeRow]) -> int:
        sch, edges = schema(), self.edges
        for row in rows:
            missing = [k for k in (row.start, row.end) if k not in self.nodes]
            if missing:
                raise StoreError(f"{row.type} edge has no endpoint node; missing keys {missing}")
            rel = sch.check_edge(row.type, self.labels[row.start], self.labels[row.end])
            ident = (row.type, sys.intern(row.start), sys.intern(row.end),
                     tuple(row.props.get(d) for d in rel.discriminator))
            props = edges.get(ident)
            if props is None:
                props = {}
            merge_row(props, row)
            edges[ident] = props
        return len(rows)

    def to_graph(self, keys: Iterable[str] | None = None) -> nx.MultiDiGraph:
        """The fold as ``GraphStore.export`` gives a graph (the inverse of :meth:`from_graph`): nodes
        with ``label``, edges keyed ``TYPE`` or ``TYPE:role`` with ``type``, dates as ISO text;
        labels and types in schema order. ``keys``: only those nodes and the edges among them."""
        G = nx.MultiDiGraph()
        sch = schema()
        if keys is None:
            by_label = self.by_label()
        else:
            by_label = {label: [k for k in group if self.labels.get(k) == label]
                        for label, group in group_keys(sorted(set(keys))).items()}
        for label in sch.nodes:
            for key in by_label.get(label, []):
                G.add_node(key, label=label, **plain_props(self.nodes[key]))
        by_type = self.by_type()
        for type_ in sch.relationships:
            for ident in by_type.get(type_, []):
                if keys is None or (ident[1] in G and ident[2] in G):
                    props = plain_props(self.edges[ident])
                    G.add_edge(ident[1], ident[2], key=edge_key(type_, props), type=type_, **props)
        return G

    def to_tables(self, node_props: Sequence[str], edge_props: Sequence[str]) -> GraphTables:
        """The fold as ``GraphStore.export_tables`` gives it: per label the key and those of
        ``node_props`` it declares, per type start, end and those of ``edge_props``; sorted."""
        sch = schema()
        by_label, by_type = self.by_label(), self.by_type()
        nodes, edges = {}, {}
        for label, spec in sch.nodes.items():
            props = [p for p in node_props if p in spec.properties]
            rows = [[key, *(plain(self.nodes[key].get(p)) for p in props)] for key in by_label.get(label, [])]
            nodes[label] = export_table(["key", *props], rows, spec.properties)
        for type_, rel in sch.relationships.items():
            props = [p for p in edge_props if p in rel.properties]
            rows = [[i[1], i[2], *(plain(self.edges[i].get(p)) for p in props)] for i in by_type.get(type_, [])]
            edges[type_] = export_table(["start", "end", *props], rows, rel.properties)
        return GraphTables(nodes, edges)

    def counts(self) -> Counts:
        sch = schema()
        nodes, rels = Counter(self.labels.values()), Counter(ident[0] for ident in self.edges)
        return Counts({k: nodes[k] for k in sch.nodes if nodes[k]}, {k: rels[k] for k in sch.relationships if rels[k]})

    def by_label(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for key, label in self.labels.items():
            out[label].append(key)
        return out

    def by_type(self) -> dict[str, list[tuple]]:
        out: dict[str, list[tuple]] = defaultdict(list)
        for ident in self.edges:
            out[ident[0]].append(ident)
        return out


# -- Neo4j admin import ---------------------------------------------------------------

#: Separates array elements in the import files; never in cleaned text (control character).
ARRAY_DELIMITER = "\x1f"


@dataclass
class ImportFiles:
    """The files ``neo4j-admin database import full`` reads: ``--nodes=Label=header,data``."""

    nodes: dict[str, list[Path]] = field(default_factory=dict)
    relationships: dict[str, list[Path]] = field(default_factory=dict)
    rows: int = 0
    # Data files with a value spanning lines (a judgment's text): only with one does the import
    # need the slow multi-line parsing, which reads a file in one thread.
    multiline: list[Path] = field(default_factory=list)


def _kind_of(v: Any) -> str:
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "long"
    if isinstance(v, float):
        return "double"
    if isinstance(v, dt.date):
        return "date"
    if isinstance(v, (list, tuple)):
        return "string[]"
    return "string"


def _one_kind(kinds: set[str]) -> str:
    if kinds <= {"long", "double"} and kinds:
        return "double" if "double" in kinds else "long"
    if len(kinds) == 1:
        return kinds.pop()
    raise StoreError(f"a property holds values of several kinds {sorted(kinds)}; the importer needs one")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
        if any(ARRAY_DELIMITER in v for v in items):  # cleaned text never has it; record ids might
            raise StoreError(f"a list value holds the import's array delimiter U+001F: {items[:3]}")
        return ARRAY_DELIMITER.join(items)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


_LINE_BREAK = re.compile("[\r\n]")


def _columns(records: Iterable[dict[str, Any]]) -> tuple[list[tuple[str, str]], bool]:
    """``(name, importer type)`` per property the records hold, and whether a text value spans
    lines. One pass, holding each property's kinds, not its values (at 1M firms the Person values
    were gigabytes)."""
    kinds: dict[str, set[str]] = defaultdict(set)
    broken: set[str] = set()
    for r in records:
        for k, v in r.items():
            if v is not None:
                kinds[k].add(_kind_of(v))
                if isinstance(v, str) and k not in broken and _LINE_BREAK.search(v):
                    broken.add(k)
    cols = [(name, _one_kind(kinds[name])) for name in sorted(kinds)]
    multiline = any(kind == "string" and name in broken for name, kind in cols)
    return cols, multiline


def _write(folder: Path, stem: str, header: list[str], rows: Iterable[list[Any]], out: ImportFiles,
           multiline: bool) -> list[Path]:
    head, data = folder / f"{stem}.header.csv", folder / f"{stem}.csv"
    with open(head, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerow(header)
    with open(data, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    if multiline:
        out.multiline.append(data)
    return [head, data]


def write_neo4j_csv(fold: Fold, folder: Path) -> ImportFiles:
    """One header and one data file per label and per relationship type; keys are the node ids."""
    folder = folder.resolve()  # the importer runs in the server's home
    folder.mkdir(parents=True, exist_ok=True)
    out = ImportFiles()
    # Two streaming passes per label (columns, then rows), each record unpacked once per pass
    # (a packed fold unpacks on every lookup): no label's records are held at once.
    for label, keys in fold.by_label().items():
        cols, multiline = _columns(fold.nodes[k] for k in keys)
        cols = [(n, k) for n, k in cols if n != "key"]
        header = ["key:ID"] + [f"{n}:{k}" for n, k in cols]
        out.nodes[label] = _write(folder, f"node-{label}", header,
                                  ([key] + [_cell(r.get(n)) for n, _ in cols]
                                   for key in keys for r in (fold.nodes[key],)), out, multiline)
        out.rows += len(keys)
    for type_, idents in fold.by_type().items():
        cols, multiline = _columns(fold.edges[i] for i in idents)
        header = [":START_ID", ":END_ID"] + [f"{n}:{k}" for n, k in cols]
        out.relationships[type_] = _write(folder, f"rel-{type_}", header,
                                          ([i[1], i[2]] + [_cell(r.get(n)) for n, _ in cols]
                                           for i in idents for r in (fold.edges[i],)), out, multiline)
        out.rows += len(idents)
    return out
