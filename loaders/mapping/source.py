"""A parsed source mapping (:class:`SourceMapping`): the columns it reads, and one input row in,
node and edge rows out — or a :class:`~.specs.RowError` saying why the row is quarantined.

Every value goes through its transform and the schema's type; any full ID number outside the
``id_number`` transform is masked before it can reach the store.
"""

from __future__ import annotations

import datetime as dt
import functools
import string
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from creditgraph.errors import SchemaError
from creditgraph.graph.records import EdgeRow, NodeRow
from creditgraph.graph.schema import schema
from creditgraph.loaders.mapping.cells import Cells
from creditgraph.loaders.mapping.specs import NAME_ONLY_RISK, Derive, EntitySpec, PropSpec, RelSpec, RowError
from creditgraph.loaders.transforms import scrub_ids
from creditgraph.roles import canonical_roles

__all__ = ["SourceMapping", "record_id_template"]


@dataclass
class SourceMapping:
    name: str
    source: str
    description: str
    format: str
    entities: tuple[EntitySpec, ...]
    relationships: tuple[RelSpec, ...]
    headers: tuple[str, ...] = ()
    filename: str | None = None  # a glob the file name must match, where headers alone are ambiguous
    delimiter: str | None = None
    encoding: str = "utf-8-sig"
    seen: dt.date | PropSpec | None = None
    record_id: str | None = None
    expand: str | None = None
    lookup_files: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    path: Path | None = None
    derive: tuple[Derive, ...] = ()

    def columns(self) -> set[str]:
        """The input columns this mapping reads (derived columns and lookup fields left out):
        each must be in a delimited file's header (the pipeline checks, naming what is missing)."""
        derived = {g for d in self.derive for g in d.pattern.groupindex}
        cols: set[str] = {d.column for d in self.derive}
        specs = [p for e in self.entities for p in e.props] + [p for r in self.relationships for p in r.props]
        if isinstance(self.seen, PropSpec):
            specs.append(self.seen)
        for p in specs:
            if p.lookup:
                cols.add(p.lookup[1])
            elif p.column:
                cols.add(p.column)
        for e in self.entities:
            if e.when:
                cols |= e.when.columns()
            if e.choose:
                cols.add(e.choose[1])
            cols |= {i for i in e.identity if i not in {x.name for x in self.entities}}
        for r in self.relationships:
            if r.when:
                cols |= r.when.columns()
        if self.record_id:
            cols |= {f for _, f, _, _ in string.Formatter().parse(self.record_id) if f}
        return cols - derived

    def missing_columns(self, header: Sequence[str]) -> list[str]:
        """Columns the mapping names that ``header`` lacks (sorted)."""
        return sorted(self.columns() - set(header))

    # -- applying ---------------------------------------------------------------

    def apply(self, row: Mapping[str, Any], *, record_id: str, hash_key: str,
              lookups: Mapping[str, Mapping[str, Mapping[str, str]]] | None = None,
              risks: Counter | None = None, cells: Cells | None = None) -> tuple[list[NodeRow], list[EdgeRow]]:
        """Node and edge rows from one cleaned input row (``None`` = empty cell).

        ``risks`` (optional) counts what the load report lists as risks: a Person keyed by
        name alone (``identity: name_only``) under ``NAME_ONLY_RISK``. ``cells`` (optional)
        says how one cell's value becomes properties: by default computed as it comes; the
        columnar engine passes a :class:`~.cells.CellMemo` filled a column at a time.
        """
        _, nodes, edges = self._map(row, record_id, hash_key, lookups or {}, risks, cells or _DIRECT)
        return nodes, edges

    def entity_keys(self, row: Mapping[str, Any], *, hash_key: str,
                    lookups: Mapping[str, Mapping[str, Mapping[str, str]]] | None = None
                    ) -> dict[str, str]:
        """``{entity name: node key}`` for the entities this row produces (skipped ones absent).

        Raises :class:`RowError` exactly where :meth:`apply` would, so a key returned here is
        a key the loader writes. Used to trace a cell back to its node (``synth.truth``).
        """
        keys, _, _ = self._map(row, "", hash_key, lookups or {}, None, _DIRECT)
        return keys

    def _map(self, row: Mapping[str, Any], record_id: str, hash_key: str,
             lookups: Mapping[str, Mapping[str, Mapping[str, str]]], risks: Counter | None, cells: Cells
             ) -> tuple[dict[str, str], list[NodeRow], list[EdgeRow]]:
        if self.derive:
            row = dict(row)
            for d in self.derive:
                row.update(d.apply(row))
        seen = self._seen(row, lookups, cells)
        keys: dict[str, str] = {}
        labels: dict[str, str] = {}
        nodes: list[NodeRow] = []
        for ent in self.entities:
            if ent.when and not ent.when.holds(row):
                continue
            label = ent.label_for(row)
            props = _props(ent.props, row, lookups, label, ent.name, hash_key, cells) if label else {}
            if not label or not props:  # (props is empty where there is no label)
                if ent.optional:
                    continue
                raise RowError(f"{ent.name}: no value in {_columns(ent.props)}")
            required, named = _node_rules(label)
            missing = [p for p in required if props.get(p) in (None, "")]
            if missing:
                if ent.optional:  # an optional entity exists only where its required values do
                    continue
                cols = _columns([p for p in ent.props if p.name in missing])
                raise RowError(f"{ent.name} ({label}): missing required {', '.join(missing)} (column {cols})")
            if named and props.get("name"):
                props["name_key"] = cells.name_key(props["name"])
            context = [keys[i] if i in keys else str(row.get(i) or "") for i in ent.identity]
            try:
                key = cells.node_key(label, props, self.source, context)
            except ValueError as e:
                raise RowError(f"{ent.name}: {e}") from None
            keys[ent.name], labels[ent.name] = key, label
            if risks is not None and ent.name_only and label == "Person" and not props.get("id_hash"):
                risks[NAME_ONLY_RISK] += 1
            nodes.append(NodeRow(label, key, props, self.source, record_id, seen))
        edges: list[EdgeRow] = []
        for rel in self.relationships:
            if rel.start not in keys or rel.end not in keys or (rel.when and not rel.when.holds(row)):
                continue
            for props in _edge_props(rel, row, lookups, cells):
                required, roles = _edge_rules(rel.type, labels[rel.start], labels[rel.end])
                missing = [p for p in required if props.get(p) in (None, "")]
                if missing:
                    raise RowError(f"{rel.type} {rel.start}->{rel.end}: missing required {', '.join(missing)}")
                if roles and props.get("role") and "roles" not in props:
                    props = {**props, "roles": list(canonical_roles(props["role"]))}
                edges.append(EdgeRow(rel.type, keys[rel.start], keys[rel.end], props, self.source, record_id, seen))
        return keys, nodes, edges

    def _seen(self, row, lookups, cells: Cells) -> dt.date | None:
        if isinstance(self.seen, PropSpec):
            v = self.seen.raw(row, lookups)
            return None if v is None else cells.seen(self.seen, v)
        return self.seen

    def record_id_for(self, row: Mapping[str, Any], default: str) -> str:
        """The row's record id (stored in ``source_ids``), any full ID number in it masked.

        The template is filled by plain substitution of its ``{column}`` fields (never
        ``str.format``); a row that lacks one of them gets ``default``."""
        if not self.record_id:
            return scrub_ids(default)
        out = []
        for literal, column in record_id_template(self.record_id):
            out.append(literal)
            if column is not None:
                if column not in row:
                    return scrub_ids(default)
                out.append(str(row[column] or ""))
        return scrub_ids("".join(out))


@functools.lru_cache(maxsize=256)
def record_id_template(text: str) -> tuple[tuple[str, str | None], ...]:
    """``record_id`` as (literal, column) pairs; ``ValueError`` for anything but plain ``{column}`` fields."""
    parts = []
    for literal, name, spec, conversion in string.Formatter().parse(text):
        if name is not None and (not name or spec or conversion or "." in name or "[" in name):
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise ValueError(f"{shown[:60]} is not a plain {{column}} field (no attribute, index, conversion "
                             "or format spec)")
        parts.append((literal, name))
    return tuple(parts)


_RULES: dict[str, tuple[Any, tuple[str, ...], bool]] = {}


def _node_rules(label: str) -> tuple[tuple[str, ...], bool]:
    """A label's required properties and whether it takes a ``name_key``, read from the schema
    once per label (``NodeType.required`` builds its tuple on every call)."""
    sch = schema()
    got = _RULES.get(label)
    if got is None or got[0] is not sch:
        node = sch.node(label)
        got = _RULES[label] = (sch, node.required, "name_key" in node.properties)
    return got[1], got[2]


_EDGE_RULES: dict[tuple[str, str, str], tuple[Any, tuple[str, ...], bool, str]] = {}


def _edge_rules(type_: str, start: str, end: str) -> tuple[tuple[str, ...], bool]:
    """A relationship type's required properties between these labels and whether it takes
    ``roles``; ``RowError`` where the schema does not allow it. Read once per label pair."""
    sch = schema()
    got = _EDGE_RULES.get((type_, start, end))
    if got is None or got[0] is not sch:
        try:
            spec = sch.check_edge(type_, start, end)
            got = (sch, spec.required, "roles" in spec.properties, "")
        except SchemaError as e:
            got = (sch, (), False, f"{type_}: {e}")
        _EDGE_RULES[(type_, start, end)] = got
    if got[3]:
        raise RowError(got[3])
    return got[1], got[2]


def _columns(props: Sequence[PropSpec]) -> str:
    return ", ".join(sorted({p.column or (p.lookup and p.lookup[2]) or "?" for p in props if p.const is None}))


def _props(specs, row, lookups, label: str, where: str, hash_key: str, cells: Cells) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for spec in specs:
        value = spec.raw(row, lookups)
        if value is not None:
            out.update(cells.node_items(spec, value, label, where, hash_key))
    return out


def _edge_props(rel: RelSpec, row, lookups, cells: Cells) -> list[dict[str, Any]]:
    base: dict[str, Any] = {}
    splits: list[tuple[str, list[Any]]] = []
    for spec in rel.props:
        value = spec.raw(row, lookups)
        if value is None:
            continue
        if spec.split:
            splits.append((spec.name, cells.split_values(spec, value, rel.type)))
            continue
        base[spec.name] = cells.edge_value(spec, value, rel.type)
    if not splits:
        return [base]
    (name, values), = splits  # one split column per relationship
    return [{**base, name: v} for v in dict.fromkeys(values)]


_DIRECT = Cells()
