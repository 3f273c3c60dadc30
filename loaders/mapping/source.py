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

from creditgraph import normalize as nz
from creditgraph.errors import SchemaError
from creditgraph.graph.records import EdgeRow, NodeRow
from creditgraph.graph.schema import schema
from creditgraph.loaders.keys import node_key
from creditgraph.loaders.mapping.specs import NAME_ONLY_RISK, Derive, EntitySpec, PropSpec, RelSpec, RowError
from creditgraph.loaders.transforms import MULTI, get_transform, scrub_ids
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
              risks: Counter | None = None) -> tuple[list[NodeRow], list[EdgeRow]]:
        """Node and edge rows from one cleaned input row (``None`` = empty cell).

        ``risks`` (optional) counts what the load report lists as risks: a Person keyed by
        name alone (``identity: name_only``) under ``NAME_ONLY_RISK``.
        """
        _, nodes, edges = self._map(row, record_id, hash_key, lookups or {}, risks)
        return nodes, edges

    def entity_keys(self, row: Mapping[str, Any], *, hash_key: str,
                    lookups: Mapping[str, Mapping[str, Mapping[str, str]]] | None = None
                    ) -> dict[str, str]:
        """``{entity name: node key}`` for the entities this row produces (skipped ones absent).

        Raises :class:`RowError` exactly where :meth:`apply` would, so a key returned here is
        a key the loader writes. Used to trace a cell back to its node (``synth.truth``).
        """
        keys, _, _ = self._map(row, "", hash_key, lookups or {}, None)
        return keys

    def _map(self, row: Mapping[str, Any], record_id: str, hash_key: str,
             lookups: Mapping[str, Mapping[str, Mapping[str, str]]], risks: Counter | None = None
             ) -> tuple[dict[str, str], list[NodeRow], list[EdgeRow]]:
        if self.derive:
            row = dict(row)
            for d in self.derive:
                row.update(d.apply(row))
        seen = self._seen(row, lookups)
        keys: dict[str, str] = {}
        nodes: list[NodeRow] = []
        for ent in self.entities:
            if ent.when and not ent.when.holds(row):
                continue
            label = ent.label_for(row)
            props = _props(ent.props, row, lookups, label, ent.name, hash_key) if label else {}
            if not label or not props:  # (props is empty where there is no label)
                if ent.optional:
                    continue
                raise RowError(f"{ent.name}: no value in {_columns(ent.props)}")
            missing = [p for p in schema().node(label).required if props.get(p) in (None, "")]
            if missing:
                if ent.optional:  # an optional entity exists only where its required values do
                    continue
                cols = _columns([p for p in ent.props if p.name in missing])
                raise RowError(f"{ent.name} ({label}): missing required {', '.join(missing)} (column {cols})")
            if "name_key" in schema().node(label).properties and props.get("name"):
                props["name_key"] = nz.name_key(props["name"])
            context = [keys[i] if i in keys else str(row.get(i) or "") for i in ent.identity]
            try:
                key = node_key(label, props, source=self.source, context=context)
            except ValueError as e:
                raise RowError(f"{ent.name}: {e}") from None
            keys[ent.name] = key
            if risks is not None and ent.name_only and label == "Person" and not props.get("id_hash"):
                risks[NAME_ONLY_RISK] += 1
            nodes.append(NodeRow(label, key, props, self.source, record_id, seen))
        edges: list[EdgeRow] = []
        for rel in self.relationships:
            if rel.start not in keys or rel.end not in keys or (rel.when and not rel.when.holds(row)):
                continue
            for props in _edge_props(rel, row, lookups):
                try:
                    spec = schema().check_edge(rel.type, schema().label_of(keys[rel.start]),
                                               schema().label_of(keys[rel.end]))
                except SchemaError as e:
                    raise RowError(f"{rel.type}: {e}") from None
                missing = [p for p in spec.required if props.get(p) in (None, "")]
                if missing:
                    raise RowError(f"{rel.type} {rel.start}->{rel.end}: missing required {', '.join(missing)}")
                if "roles" in spec.properties and props.get("role") and "roles" not in props:
                    props = {**props, "roles": list(canonical_roles(props["role"]))}
                edges.append(EdgeRow(rel.type, keys[rel.start], keys[rel.end], props, self.source, record_id, seen))
        return keys, nodes, edges

    def _seen(self, row, lookups) -> dt.date | None:
        if isinstance(self.seen, PropSpec):
            v = self.seen.raw(row, lookups)
            if v is None:
                return None
            try:
                return nz.parse_date(v)
            except ValueError as e:
                raise RowError(f"seen date ({self.seen.column}={v!r}): {e}") from None
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


def _columns(props: Sequence[PropSpec]) -> str:
    return ", ".join(sorted({p.column or (p.lookup and p.lookup[2]) or "?" for p in props if p.const is None}))


def _convert(spec: PropSpec, value: Any, hash_key: str, where: str) -> Any:
    if not spec.transform:
        return value
    fn = get_transform(spec.transform)
    try:
        if spec.transform in MULTI:
            return fn(value, hash_key=hash_key)
        out = fn(value, **spec.options)
        if spec.multiply is not None:
            if isinstance(out, bool) or not isinstance(out, (int, float)):
                raise ValueError(f"multiply needs a number, the {spec.transform} transform gave {out!r}")
            out = out * spec.multiply
        return out
    except ValueError as e:
        shown = value if len(str(value)) <= 60 else str(value)[:57] + "..."
        if spec.transform in MULTI:
            shown = "<withheld>"  # may be an ID number
        raise RowError(f"{where} ({spec.column}={shown!r}): {e}") from None


def _masked(value: Any) -> Any:
    """Text with every full ID number masked: an ID in a name, address or free-text column
    must not reach the store (only the ``id_number`` transform may read one, into a hash)."""
    return scrub_ids(value) if isinstance(value, str) else value


def _props(specs, row, lookups, label: str, where: str, hash_key: str) -> dict[str, Any]:
    node = schema().node(label)
    out: dict[str, Any] = {}
    for spec in specs:
        value = spec.raw(row, lookups)
        if value is None:
            continue
        value = _convert(spec, value, hash_key, f"{where}.{spec.name}")
        items = value.items() if isinstance(value, dict) else [(spec.name, _masked(value))]
        for name, v in items:
            if name not in node.properties or v is None:
                continue  # a multi-value transform may reveal more than this label holds
            try:
                out[name] = node.properties[name].coerce(v)
            except (TypeError, ValueError) as e:
                raise RowError(f"{where}.{name}: {e}") from None
    return out


def _edge_props(rel: RelSpec, row, lookups) -> list[dict[str, Any]]:
    spec_rel = schema().rel(rel.type)
    base: dict[str, Any] = {}
    splits: list[tuple[str, list[Any]]] = []
    for spec in rel.props:
        value = spec.raw(row, lookups)
        if value is None:
            continue
        if spec.split:
            parts = [p.strip() for p in str(value).split(spec.split) if p.strip()]
            splits.append((spec.name, [_masked(_convert(spec, p, "", f"{rel.type}.{spec.name}")) for p in parts]))
            continue
        v = _masked(_convert(spec, value, "", f"{rel.type}.{spec.name}"))
        try:
            base[spec.name] = spec_rel.properties[spec.name].coerce(v)
        except (TypeError, ValueError) as e:
            raise RowError(f"{rel.type}.{spec.name}: {e}") from None
    if not splits:
        return [base]
    (name, values), = splits  # one split column per relationship
    return [{**base, name: v} for v in dict.fromkeys(values)]
