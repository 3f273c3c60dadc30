"""Declarative source mappings: which columns of a file become which nodes and edges.

A mapping is a YAML file (format in the README, built-ins in ``loaders/mappings/``), and it
is untrusted input: :func:`load_mapping` first checks its structure (pydantic models below;
an error names the path in the mapping, ``entities.firm.properties.uscc``), then parses and
checks it against the schema once. Lookup files must lie in the data file's folder, and a
``record_id`` template may hold only plain ``{column}`` fields. :meth:`SourceMapping.apply`
turns one input row into node and edge rows, or raises :class:`RowError` with the reason
the row is quarantined.
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import re
import string
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Literal, Mapping, Sequence

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from creditgraph.errors import MappingError, SchemaError
from creditgraph.roles import canonical_roles
from creditgraph.graph.records import EdgeRow, NodeRow
from creditgraph.graph.schema import schema
from creditgraph import normalize as nz
from creditgraph.loaders.keys import node_key
from creditgraph.loaders.transforms import MULTI, OPTIONS, get_transform, scrub_ids

__all__ = ["RowError", "Condition", "Derive", "PropSpec", "EntitySpec", "RelSpec", "SourceMapping",
           "load_mapping", "load_mappings", "builtin_mappings", "DEFAULT_NULLS", "NAME_ONLY", "NAME_ONLY_RISK"]

DEFAULT_NULLS = frozenset({"", "null", "NULL", "None", "nan", "NaN", "-", "--", "—", "暂无", "无"})
BUILTIN_DIR = Path(__file__).with_name("mappings")
#: ``identity: name_only`` — a Person keyed by its name alone in this source (namesakes merge
#: at load); allowed only when declared, and counted as a risk in the load report.
NAME_ONLY = "name_only"
NAME_ONLY_RISK = "persons keyed by name alone (identity: name_only)"
_COMPARE = {"gt": float.__gt__, "ge": float.__ge__, "lt": float.__lt__, "le": float.__le__}


class RowError(ValueError):
    """This row cannot be loaded; the message is the quarantine reason."""


@dataclass(frozen=True)
class Condition:
    """``when``: a test on one column (``equals in contains present gt ge lt le``) or ``not``.

    A cell in the mapping's ``null_values`` counts as absent, for ``present`` as for the rest;
    any test but ``present`` is false on an absent cell. Numeric tests read the cell as a
    number (``1,234``, ``12.5万``); a cell that is not one makes them false.
    """

    column: str | None
    op: str
    value: Any = None
    nulls: frozenset[str] = frozenset()
    negated: "Condition | None" = None

    def holds(self, row: Mapping[str, Any]) -> bool:
        if self.op == "not":
            return not self.negated.holds(row)
        v = row.get(self.column)
        if v is not None and str(v) in self.nulls:
            v = None
        if self.op == "present":
            return (v is not None) == bool(self.value)
        if v is None:
            return False
        if self.op == "equals":
            return v == self.value or str(v) == str(self.value)
        if self.op == "in":
            return v in self.value or str(v) in map(str, self.value)
        if self.op == "contains":
            return str(self.value) in str(v)
        if self.op in _COMPARE:
            try:
                number = nz.parse_amount(v)
            except ValueError:
                return False
            return _COMPARE[self.op](float(number), float(self.value))
        raise AssertionError(self.op)

    def columns(self) -> set[str]:
        return self.negated.columns() if self.op == "not" else {self.column}


@dataclass(frozen=True)
class Derive:
    """``derive``: new columns from a named-group regex over one column (absent where it does not match).

    ``{column: 姓名, pattern: '^(?P<seat_org>.+?)-(?P<seat_rep>.+)$'}`` splits an
    organisation-held seat ``翹麗投資(股)-林玉萍`` into ``seat_org`` and ``seat_rep``.
    """

    column: str
    pattern: re.Pattern

    def apply(self, row: Mapping[str, Any]) -> dict[str, Any]:
        v = row.get(self.column)
        m = self.pattern.search(v) if isinstance(v, str) else None
        return {g: (nz.clean_text(m.group(g)) if m and m.group(g) else None) for g in self.pattern.groupindex}


@dataclass(frozen=True)
class PropSpec:
    name: str
    column: str | None = None
    const: Any = None
    transform: str | None = None
    nulls: frozenset[str] = frozenset()
    split: str | None = None
    lookup: tuple[str, str, str] | None = None  # (table, row column to join on, table field)
    options: Mapping[str, Any] = field(default_factory=dict)  # transform options (stock_code's market)
    multiply: float | None = None  # unit: the transformed number times this (lots of 1,000 shares)

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
    name_only: bool = False  # ``identity: name_only``: declared, and reported as a risk

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
        for literal, column in _template(self.record_id):
            out.append(literal)
            if column is not None:
                if column not in row:
                    return scrub_ids(default)
                out.append(str(row[column] or ""))
        return scrub_ids("".join(out))


@functools.lru_cache(maxsize=256)
def _template(text: str) -> tuple[tuple[str, str | None], ...]:
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
    allowed = OPTIONS.get(transform or "", frozenset())
    options = {k: raw[k] for k in allowed if k in raw}
    unknown = set(raw) - {"column", "value", "transform", "null_values", "split", "lookup", "multiply"} - allowed
    if unknown:
        raise MappingError(f"{where}.{name}: unknown option(s) {sorted(unknown)}"
                           + (f" (transform {transform} takes {sorted(allowed)})" if allowed else ""))
    multiply = raw.get("multiply")
    if multiply is not None:
        if transform not in ("int", "float", "amount", "wan", "ratio", "percent"):
            raise MappingError(f"{where}.{name}: multiply needs a numeric transform (int, float, amount ...)")
        if isinstance(multiply, bool) or not isinstance(multiply, (int, float)):
            raise MappingError(f"{where}.{name}: multiply must be a number, got {multiply!r}")
    return PropSpec(name, raw.get("column"), raw.get("value"), transform,
                    nulls | frozenset(map(str, raw.get("null_values", ()))), raw.get("split"), lookup,
                    options, multiply)


_OPS = ("equals", "contains", "in", "present", "gt", "ge", "lt", "le")


def _condition(raw: Any, where: str, nulls: frozenset[str] = frozenset()) -> Condition | None:
    if not raw:
        return None
    if not isinstance(raw, dict):
        raise MappingError(f"{where}: 'when' must be a mapping, got {raw!r}")
    if "not" in raw:
        return Condition(None, "not", None, nulls, _condition(raw["not"], where, nulls))
    for op in _OPS:
        if op in raw:
            if "column" not in raw:
                raise MappingError(f"{where}: 'when' needs a column")
            value = raw[op]
            if op in _COMPARE:
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise MappingError(f"{where}: 'when: {op}' needs a number, got {value!r}")
                value = float(value)
            return Condition(raw["column"], op, value, nulls)
    raise MappingError(f"{where}: 'when' needs not or one of {'/'.join(_OPS)}")


def _derive(raw: Any, where: str) -> tuple[Derive, ...]:
    out = []
    for spec in raw or ():
        try:
            pattern = re.compile(spec["pattern"])
        except re.error as e:
            raise MappingError(f"{where}: derive pattern {spec['pattern']!r}: {e}") from None
        if not pattern.groupindex:
            raise MappingError(f"{where}: derive pattern {spec['pattern']!r} has no named group (?P<column>…)")
        out.append(Derive(spec["column"], pattern))
    return tuple(out)


def _identity(spec: Mapping[str, Any], labels: Sequence[str], where: str, name: str) -> tuple[tuple[str, ...], bool]:
    raw = spec.get("identity")
    if raw == NAME_ONLY:
        return (), True
    if isinstance(raw, str):
        raw = [raw]
    if not raw and "Person" in labels:
        raise MappingError(
            f"{where}: entity {name} may be a Person but declares no identity: say what tells two "
            f"people of the same name apart in this source (identity: [company] — the name at this "
            f"firm), or write identity: {NAME_ONLY} to key people by name alone (namesakes merge; "
            f"the load report counts them as a risk)")
    return tuple(raw or ()), False


# -- structure: what a mapping file may hold, checked before anything reads it ----------

MAX_MAPPING_BYTES = 1 << 20  # a mapping is a page of YAML; anything larger is not one


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


_Prop = str | dict[str, Any]


class _LookupModel(_Strict):
    file: str
    key: str
    delimiter: str | None = None

    @field_validator("file")
    @classmethod
    def _inside(cls, v: str) -> str:
        for flavour in (PurePosixPath, PureWindowsPath):
            p = flavour(v)
            if p.is_absolute() or p.anchor or ".." in p.parts:
                raise ValueError(f"{v!r} must name a file in the data file's folder (no absolute path, no ..)")
        return v


class _DetectModel(_Strict):
    headers: list[str] = []
    filename: str | None = None


class _DeriveModel(_Strict):
    column: str
    pattern: str


class _EntityModel(_Strict):
    label: str | dict[str, Any]
    properties: dict[str, _Prop] = Field(min_length=1)
    identity: str | list[str] | None = None
    optional: bool = False
    when: dict[str, Any] | None = None


class _RelModel(_Strict):
    type: str
    from_: str = Field(alias="from")
    to: str
    properties: dict[str, _Prop] | None = None
    when: dict[str, Any] | None = None


class _MappingModel(_Strict):
    name: str
    source: str
    description: str = ""
    format: Literal["csv", "tsv", "jsonl"] = "csv"
    detect: _DetectModel = _DetectModel()
    delimiter: str | None = Field(None, min_length=1, max_length=1)
    encoding: str = "utf-8-sig"
    seen: dt.date | str | dict[str, Any] | None = None
    record_id: str | None = None
    expand: str | None = None
    null_values: list[str | int | float] | None = None
    lookups: dict[str, _LookupModel] | None = None
    derive: list[_DeriveModel] | None = None
    entities: dict[str, _EntityModel] = Field(min_length=1)
    relationships: list[_RelModel] | None = None

    @field_validator("encoding")
    @classmethod
    def _known(cls, v: str) -> str:
        try:
            codecs.lookup(v)
        except LookupError:
            raise ValueError(f"unknown encoding {v!r}") from None
        return v

    @field_validator("record_id")
    @classmethod
    def _plain(cls, v: str | None) -> str | None:
        if v is not None:
            _template(v)
        return v


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _check_structure(raw: Any, path: Path) -> None:
    """``MappingError`` naming the first place (``entities.firm.properties``) where ``raw`` is malformed."""
    if not isinstance(raw, dict):
        kind = "empty" if raw is None else f"a {type(raw).__name__}"
        raise MappingError(f"mapping {path}: the top level must be a mapping (name:, source:, entities: …), "
                           f"not {kind}")
    try:
        _MappingModel.model_validate(raw)
    except ValidationError as e:
        errors = e.errors()
        first = errors[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        msg = first["msg"].removeprefix("Value error, ")
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise MappingError(_one_line(f"mapping {path}: {where}: {msg}{more}")) from None


def load_mapping(path: Path | str) -> SourceMapping:
    """Parse a mapping file and check it against the schema; ``MappingError`` (one line, naming
    the file and the place in it) if it is wrong."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_MAPPING_BYTES:
            raise MappingError(f"mapping {path} is {size:,} bytes; a mapping file is at most {MAX_MAPPING_BYTES:,}")
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise MappingError(_one_line(f"cannot read mapping {path}: {e}")) from e
    _check_structure(raw, path)
    try:
        return _parse(raw, path)
    except (KeyError, TypeError, ValueError) as e:
        if isinstance(e, MappingError):
            raise
        raise MappingError(_one_line(f"mapping {path}: missing or malformed field {e}")) from e


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
        identity, name_only = _identity(spec, labels, where, name)
        entities.append(EntitySpec(name, label, choose, props, identity, bool(spec.get("optional", False)),
                                   _condition(spec.get("when"), f"{where}: entity {name}", nulls), name_only))
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
        rels.append(RelSpec(type_, spec["from"], spec["to"], props, _condition(spec.get("when"), f"{where}: {type_}", nulls)))
    seen = raw.get("seen")
    if isinstance(seen, (str, dt.date)) and not isinstance(seen, dt.datetime):
        seen = nz.parse_date(str(seen))
    elif isinstance(seen, dict):
        seen = _prop_spec("seen", seen, nulls, where)
    fmt = raw.get("format", "csv")
    if fmt not in ("csv", "tsv", "jsonl"):
        raise MappingError(f"{where}: format must be csv, tsv or jsonl, not {fmt!r}")
    if raw.get("record_id"):
        fields = [f for _, f in _template(raw["record_id"]) if f]
        if not fields:
            raise MappingError(f"{where}: record_id template names no column")
    return SourceMapping(
        name=raw["name"], source=raw["source"], description=raw.get("description", ""),
        format=fmt, entities=tuple(entities), relationships=tuple(rels),
        headers=tuple(raw.get("detect", {}).get("headers", ())),
        filename=raw.get("detect", {}).get("filename"),
        delimiter=raw.get("delimiter"), encoding=raw.get("encoding", "utf-8-sig"),
        seen=seen, record_id=raw.get("record_id"), expand=raw.get("expand"),
        lookup_files=raw.get("lookups", {}), path=path, derive=_derive(raw.get("derive"), where),
    )


def load_mappings(paths: Sequence[Path | str] | Path | str) -> list[SourceMapping]:
    """Mappings from files and folders (a folder: every ``*.yaml`` / ``*.yml`` in it, sorted).

    With more than one, the loader picks a file's mapping by ``detect`` (headers, filename),
    so each needs ``detect.headers``; two with the same name are an error.
    """
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted([*p.glob("*.yaml"), *p.glob("*.yml")])
            if not found:
                raise MappingError(f"mapping folder {p} holds no *.yaml file")
            files += found
        else:
            files.append(p)
    mappings = [load_mapping(f) for f in files]
    if len(mappings) > 1:
        for m in mappings:
            if not m.headers:
                raise MappingError(f"mapping {m.path}: with several mappings in one load each needs "
                                   "detect.headers, so that each file finds its own")
    names = [m.name for m in mappings]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise MappingError(f"mappings named twice: {dup}")
    return mappings


def builtin_mappings() -> list[SourceMapping]:
    """The mappings for the layouts creditgraph recognises out of the box."""
    return [load_mapping(p) for p in sorted(BUILTIN_DIR.glob("*.yaml"))]
