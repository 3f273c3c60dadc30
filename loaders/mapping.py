"""Declarative source mappings: which columns of a file become which nodes and edges.

A mapping is a YAML file (format in the README, built-ins in ``loaders/mappings/``).
:func:`load_mapping` parses and checks it against the schema once; :meth:`SourceMapping.apply`
turns one input row into node and edge rows, or raises :class:`RowError` with the reason
the row is quarantined.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import yaml

from creditgraph.errors import MappingError, SchemaError
from creditgraph.graph.records import EdgeRow, NodeRow
from creditgraph.graph.schema import schema
from creditgraph.loaders import normalize as nz
from creditgraph.loaders.keys import node_key
from creditgraph.loaders.transforms import MULTI, get_transform, scrub_ids

__all__ = ["RowError", "PropSpec", "EntitySpec", "RelSpec", "SourceMapping", "load_mapping",
           "builtin_mappings", "DEFAULT_NULLS"]

DEFAULT_NULLS = frozenset({"", "null", "NULL", "None", "nan", "NaN", "-", "--", "—", "暂无", "无"})
BUILTIN_DIR = Path(__file__).with_name("mappings")


class RowError(ValueError):
    """This row cannot be loaded; the message is the quarantine reason."""


@dataclass(frozen=True)
class Condition:
    column: str
    op: str
    value: Any = None

    def holds(self, row: Mapping[str, Any]) -> bool:
        v = row.get(self.column)
        if self.op == "present":
            return (v is not None) == bool(self.value)
        if v is None:
            return False
        if self.op == "equals":
            return v == self.value
        if self.op == "in":
            return v in self.value
        if self.op == "contains":
            return str(self.value) in v
        raise AssertionError(self.op)


@dataclass(frozen=True)
class PropSpec:
    name: str
    column: str | None = None
    const: Any = None
    transform: str | None = None
    nulls: frozenset[str] = frozenset()
    split: str | None = None
    lookup: tuple[str, str, str] | None = None  # (table, row column to join on, table field)

    def raw(self, row: Mapping[str, Any], lookups: Mapping[str, Mapping[str, Mapping[str, str]]]) -> Any:
        if self.const is not None:
            return self.const
        if self.lookup:
            table, on, fld = self.lookup
            hit = lookups[table].get(row.get(on) or "")
            v = nz.clean_text(hit.get(fld)) if hit else None
        else:
            v = row.get(self.column)
        if isinstance(v, (dict, list)):  # JSON lines: an object or array where a value belongs
            raise RowError(f"{self.name} ({self.column}): expected one value, got a JSON "
                           f"{'object' if isinstance(v, dict) else 'array'}")
        return None if v is None or v in self.nulls else v


@dataclass(frozen=True)
class EntitySpec:
    name: str
    label: str | None
    choose: tuple[str, str, Mapping[str, str]] | None  # (how, column, map)
    props: tuple[PropSpec, ...]
    identity: tuple[str, ...] = ()
    optional: bool = False
    when: Condition | None = None

    def label_for(self, row: Mapping[str, Any]) -> str | None:
        if self.label:
            return self.label
        how, column, choices = self.choose
        v = row.get(column)
        if how == "by_name":
            return None if v is None else ("Person" if nz.is_person_name(v) else "Company")
        if how == "by_prefix":
            return None if v is None else choices.get(v[:1])
        if how == "if_present":
            return choices["then"] if v is not None else choices["else"]
        if how == "column":
            if v is not None and v not in schema().nodes:
                raise RowError(f"{self.name}: {column}={v!r} is not a node label")
            return v
        raise AssertionError(how)


@dataclass(frozen=True)
class RelSpec:
    type: str
    start: str
    end: str
    props: tuple[PropSpec, ...] = ()
    when: Condition | None = None


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

    # -- applying ---------------------------------------------------------------

    def apply(self, row: Mapping[str, Any], *, record_id: str, hash_key: str,
              lookups: Mapping[str, Mapping[str, Mapping[str, str]]] | None = None
              ) -> tuple[list[NodeRow], list[EdgeRow]]:
        """Node and edge rows from one cleaned input row (``None`` = empty cell)."""
        _, nodes, edges = self._map(row, record_id, hash_key, lookups or {})
        return nodes, edges

    def entity_keys(self, row: Mapping[str, Any], *, hash_key: str,
                    lookups: Mapping[str, Mapping[str, Mapping[str, str]]] | None = None
                    ) -> dict[str, str]:
        """``{entity name: node key}`` for the entities this row produces (skipped ones absent).

        Raises :class:`RowError` exactly where :meth:`apply` would, so a key returned here is
        a key the loader writes. Used to trace a cell back to its node (``synth.truth``).
        """
        keys, _, _ = self._map(row, "", hash_key, lookups or {})
        return keys

    def _map(self, row: Mapping[str, Any], record_id: str, hash_key: str,
             lookups: Mapping[str, Mapping[str, Mapping[str, str]]]
             ) -> tuple[dict[str, str], list[NodeRow], list[EdgeRow]]:
        seen = self._seen(row, lookups)
        keys: dict[str, str] = {}
        nodes: list[NodeRow] = []
        for ent in self.entities:
            if ent.when and not ent.when.holds(row):
                continue
            label = ent.label_for(row)
            props = _props(ent.props, row, lookups, label, ent.name, hash_key) if label else {}
            if not props:
                if ent.optional:
                    continue
                raise RowError(f"{ent.name}: no value in {_columns(ent.props)}")
            missing = [p for p in schema().node(label).required if props.get(p) in (None, "")]
            if missing:
                if ent.optional:  # an optional entity exists only where its required values do
                    continue
                cols = _columns([p for p in ent.props if p.name in missing])
                raise RowError(f"{ent.name} ({label}): missing required {', '.join(missing)} (column {cols})")
            context = [keys[i] if i in keys else str(row.get(i) or "") for i in ent.identity]
            try:
                key = node_key(label, props, source=self.source, context=context)
            except ValueError as e:
                raise RowError(f"{ent.name}: {e}") from None
            keys[ent.name] = key
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
        """The row's record id (stored in ``source_ids``), any full ID number in it masked."""
        if not self.record_id:
            return scrub_ids(default)
        try:
            return scrub_ids(self.record_id.format_map({k: v or "" for k, v in row.items()}))
        except (KeyError, ValueError):
            return scrub_ids(default)


def _columns(props: Sequence[PropSpec]) -> str:
    return ", ".join(sorted({p.column or (p.lookup and p.lookup[2]) or "?" for p in props if p.const is None}))


def _convert(spec: PropSpec, value: Any, hash_key: str, where: str) -> Any:
    if not spec.transform:
        return value
    fn = get_transform(spec.transform)
    try:
        return fn(value, hash_key=hash_key) if spec.transform in MULTI else fn(value)
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


# -- parsing ---------------------------------------------------------------------


def _prop_spec(name: str, raw: Any, nulls: frozenset[str], where: str) -> PropSpec:
    if isinstance(raw, str):
        raw = {"column": raw}
    if not isinstance(raw, dict):
        raise MappingError(f"{where}.{name}: expected a column name or a mapping, got {raw!r}")
    transform = raw.get("transform")
    if transform:
        try:
            get_transform(transform)
        except KeyError:
            raise MappingError(f"{where}.{name}: unknown transform {transform!r}") from None
    lookup = None
    if "lookup" in raw:
        lk = raw["lookup"]
        lookup = (lk["table"], lk["join"], lk["field"])
    if not (raw.get("column") or lookup or "value" in raw):
        raise MappingError(f"{where}.{name}: needs column, lookup or value")
    return PropSpec(name, raw.get("column"), raw.get("value"), transform,
                    nulls | frozenset(map(str, raw.get("null_values", ()))), raw.get("split"), lookup)


def _condition(raw: Any, where: str) -> Condition | None:
    if not raw:
        return None
    for op in ("equals", "contains", "in", "present"):
        if op in raw:
            return Condition(raw["column"], op, raw[op])
    raise MappingError(f"{where}: 'when' needs one of equals/contains/in/present")


def load_mapping(path: Path | str) -> SourceMapping:
    """Parse a mapping file and check it against the schema; ``MappingError`` if it is wrong."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise MappingError(f"cannot read mapping {path}: {e}") from e
    try:
        return _parse(raw, path)
    except (KeyError, TypeError) as e:
        raise MappingError(f"mapping {path}: missing or malformed field {e}") from e


def _parse(raw: dict, path: Path) -> SourceMapping:
    where = path.name
    nulls = DEFAULT_NULLS | frozenset(map(str, raw.get("null_values", ())))
    entities = []
    for name, spec in raw["entities"].items():
        label, choose = spec.get("label"), None
        if isinstance(label, dict):
            how = next((h for h in ("by_name", "by_prefix", "if_present", "column") if h in label), None)
            if not how:
                raise MappingError(f"{where}: entity {name}: label needs by_name, by_prefix, if_present or column")
            choose, label = (how, label[how], label.get("map") or label), None
        elif label not in schema().nodes:
            raise MappingError(f"{where}: entity {name}: unknown label {label!r}")
        props = tuple(_prop_spec(p, v, nulls, f"{where}:{name}") for p, v in spec["properties"].items())
        labels = [label] if label else [l for l in ("Person", "Company") if l in str(choose)] or ["Person", "Company"]
        for p in props:
            if p.transform in MULTI:
                continue
            if not any(p.name in schema().node(l).properties for l in labels):
                raise MappingError(f"{where}: entity {name}: {p.name!r} is not a property of {labels}")
        entities.append(EntitySpec(name, label, choose, props, tuple(spec.get("identity", ())),
                                   bool(spec.get("optional", False)), _condition(spec.get("when"), where)))
    names = {e.name for e in entities}
    rels = []
    for spec in raw.get("relationships", []):
        type_ = spec["type"]
        schema().rel(type_)
        for end in (spec["from"], spec["to"]):
            if end not in names:
                raise MappingError(f"{where}: {type_} refers to unknown entity {end!r}")
        props = tuple(_prop_spec(p, v, nulls, f"{where}:{type_}") for p, v in (spec.get("properties") or {}).items())
        for p in props:
            if p.name not in schema().rel(type_).properties:
                raise MappingError(f"{where}: {type_} has no property {p.name!r}")
        if sum(1 for p in props if p.split) > 1:
            raise MappingError(f"{where}: {type_}: at most one property may split")
        rels.append(RelSpec(type_, spec["from"], spec["to"], props, _condition(spec.get("when"), where)))
    seen = raw.get("seen")
    if isinstance(seen, (str, dt.date)) and not isinstance(seen, dt.datetime):
        seen = nz.parse_date(str(seen))
    elif isinstance(seen, dict):
        seen = _prop_spec("seen", seen, nulls, where)
    fmt = raw.get("format", "csv")
    if fmt not in ("csv", "tsv", "jsonl"):
        raise MappingError(f"{where}: format must be csv, tsv or jsonl, not {fmt!r}")
    if raw.get("record_id"):
        fields = [f for _, f, _, _ in string.Formatter().parse(raw["record_id"]) if f]
        if not fields:
            raise MappingError(f"{where}: record_id template names no column")
    return SourceMapping(
        name=raw["name"], source=raw["source"], description=raw.get("description", ""),
        format=fmt, entities=tuple(entities), relationships=tuple(rels),
        headers=tuple(raw.get("detect", {}).get("headers", ())),
        filename=raw.get("detect", {}).get("filename"),
        delimiter=raw.get("delimiter"), encoding=raw.get("encoding", "utf-8-sig"),
        seen=seen, record_id=raw.get("record_id"), expand=raw.get("expand"),
        lookup_files=raw.get("lookups", {}), path=path,
    )


def builtin_mappings() -> list[SourceMapping]:
    """The mappings for the layouts creditgraph recognises out of the box."""
    return [load_mapping(p) for p in sorted(BUILTIN_DIR.glob("*.yaml"))]
