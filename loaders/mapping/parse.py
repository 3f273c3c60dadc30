"""A mapping file to a :class:`~.source.SourceMapping`: read, structure-checked
(:mod:`.structure`), parsed and checked against the schema once; several files or folders at
a time; the built-in mappings of ``loaders/mappings/``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Mapping, Sequence

import yaml

from creditgraph import normalize as nz
from creditgraph.errors import MappingError
from creditgraph.graph.schema import schema
from creditgraph.loaders.mapping.source import SourceMapping, record_id_template
from creditgraph.loaders.mapping.specs import (_COMPARE, DEFAULT_NULLS, NAME_ONLY, Condition, Derive, EntitySpec,
                                               PropSpec, RelSpec)
from creditgraph.loaders.mapping.structure import MAX_MAPPING_BYTES, check_structure, one_line
from creditgraph.loaders.transforms import MULTI, OPTIONS, get_transform

__all__ = ["BUILTIN_DIR", "load_mapping", "load_mappings", "builtin_mappings"]

BUILTIN_DIR = Path(__file__).parent.with_name("mappings")


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
        raise MappingError(one_line(f"cannot read mapping {path}: {e}")) from e
    check_structure(raw, path)
    try:
        return _parse(raw, path)
    except (KeyError, TypeError, ValueError) as e:
        if isinstance(e, MappingError):
            raise
        raise MappingError(one_line(f"mapping {path}: missing or malformed field {e}")) from e


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
        rels.append(RelSpec(type_, spec["from"], spec["to"], props,
                            _condition(spec.get("when"), f"{where}: {type_}", nulls)))
    seen = raw.get("seen")
    if isinstance(seen, (str, dt.date)) and not isinstance(seen, dt.datetime):
        seen = nz.parse_date(str(seen))
    elif isinstance(seen, dict):
        seen = _prop_spec("seen", seen, nulls, where)
    fmt = raw.get("format", "csv")
    if fmt not in ("csv", "tsv", "jsonl"):
        raise MappingError(f"{where}: format must be csv, tsv or jsonl, not {fmt!r}")
    if raw.get("record_id"):
        fields = [f for _, f in record_id_template(raw["record_id"]) if f]
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
