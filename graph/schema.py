"""The graph schema, read once from ``schema.yaml``.

Everything that needs to know labels, keys, property types or edge endpoints asks
this module: the query builders (labels are interpolated only after a check here),
the loaders' validation, the constraints and the README diagram.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import yaml

from creditgraph.errors import SchemaError

__all__ = [
    "PROVENANCE",
    "Prop",
    "NodeType",
    "RelType",
    "Schema",
    "load_schema",
    "schema",
]

#: Provenance properties every node and edge carries (maintained by the store).
PROVENANCE = ("sources", "source_ids", "first_seen", "last_seen")

_TYPES = {"str", "int", "float", "bool", "date", "list"}


@dataclass(frozen=True)
class Prop:
    name: str
    type: str
    required: bool = False
    description: str = ""

    def coerce(self, value: Any) -> Any:
        """Return ``value`` as this property's type, or raise ``ValueError``."""
        if value is None:
            return None
        if self.type == "str":
            return str(value)
        if self.type == "int":
            if isinstance(value, float) and not value.is_integer():
                raise ValueError(f"{value!r} is not a whole number")
            return int(value)
        if self.type == "float":
            out = float(value)
            if out != out or out in (float("inf"), float("-inf")):
                raise ValueError(f"{value!r} is not a finite number")
            return out
        if self.type == "bool":
            return bool(value)
        if self.type == "date":
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, dt.date):
                return value
            return dt.date.fromisoformat(str(value))
        if self.type == "list":
            return list(value)
        raise SchemaError(f"unknown property type {self.type!r}")


@dataclass(frozen=True)
class NodeType:
    label: str
    prefix: str
    description: str
    properties: Mapping[str, Prop]
    search: tuple[str, ...] = ()

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.properties.values() if p.required)


@dataclass(frozen=True)
class RelType:
    type: str
    description: str
    start: tuple[str, ...]
    end: tuple[str, ...]
    properties: Mapping[str, Prop]
    discriminator: tuple[str, ...] = ()

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.properties.values() if p.required)


@dataclass(frozen=True)
class Schema:
    nodes: Mapping[str, NodeType]
    relationships: Mapping[str, RelType]
    _by_prefix: Mapping[str, str] = field(default_factory=dict)

    def node(self, label: str) -> NodeType:
        try:
            return self.nodes[label]
        except KeyError:
            raise SchemaError(f"unknown node label {label!r}; known: {sorted(self.nodes)}") from None

    def rel(self, type_: str) -> RelType:
        try:
            return self.relationships[type_]
        except KeyError:
            raise SchemaError(
                f"unknown relationship type {type_!r}; known: {sorted(self.relationships)}"
            ) from None

    def label_of(self, key: str) -> str:
        """The label of the node whose key is ``key`` (keys start with the label's prefix)."""
        prefix, sep, _ = key.partition(":")
        if sep and prefix in self._by_prefix:
            return self._by_prefix[prefix]
        raise SchemaError(f"key {key!r} does not start with a known label prefix")

    def make_key(self, label: str, *parts: str) -> str:
        """Build a key for ``label`` from its identifying parts."""
        if not parts or any(p is None or str(p) == "" for p in parts):
            raise SchemaError(f"a {label} key needs non-empty parts, got {parts!r}")
        return ":".join((self.node(label).prefix, *map(str, parts)))

    def check_edge(self, type_: str, start_label: str, end_label: str) -> RelType:
        rel = self.rel(type_)
        if start_label not in rel.start or end_label not in rel.end:
            raise SchemaError(
                f"{type_} goes from {list(rel.start)} to {list(rel.end)}, "
                f"not from {start_label} to {end_label}"
            )
        return rel

    def mermaid(self) -> str:
        """An ER diagram of the schema in Mermaid syntax, for the README."""
        lines = ["erDiagram"]
        for rel in self.relationships.values():
            for a in rel.start:
                for b in rel.end:
                    lines.append(f"    {a} }}o--o{{ {b} : {rel.type}")
        for node in self.nodes.values():
            lines.append(f"    {node.label} {{")
            lines.append("        string key PK")
            for p in node.properties.values():
                typ = {"str": "string", "list": "list"}.get(p.type, p.type)
                note = ' "required"' if p.required else ""
                lines.append(f"        {typ} {p.name}{note}")
            lines.append("    }")
        return "\n".join(lines)


def _props(raw: Mapping[str, Any] | None, where: str) -> dict[str, Prop]:
    out = {}
    for name, spec in (raw or {}).items():
        spec = spec or {}
        typ = spec.get("type", "str")
        if typ not in _TYPES:
            raise SchemaError(f"{where}.{name}: unknown type {typ!r}")
        if name == "key" or name in PROVENANCE:
            raise SchemaError(f"{where}.{name}: reserved property name")
        out[name] = Prop(name, typ, bool(spec.get("required", False)), spec.get("description", ""))
    return out


def load_schema(path: Path | None = None) -> Schema:
    """Parse and check a schema file (default: the packaged ``schema.yaml``)."""
    path = path or Path(__file__).with_name("schema.yaml")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    nodes = {}
    for label, spec in raw["nodes"].items():
        props = _props(spec.get("properties"), label)
        search = tuple(spec.get("search", ()))
        for s in search:
            if s not in props:
                raise SchemaError(f"{label}: search property {s!r} is not declared")
        nodes[label] = NodeType(label, spec["prefix"], spec.get("description", ""), props, search)
    prefixes = {}
    for n in nodes.values():
        if n.prefix in prefixes:
            raise SchemaError(f"prefix {n.prefix!r} used by {prefixes[n.prefix]} and {n.label}")
        prefixes[n.prefix] = n.label
    rels = {}
    for type_, spec in raw["relationships"].items():
        props = _props(spec.get("properties"), type_)
        start, end = tuple(spec["from"]), tuple(spec["to"])
        for label in start + end:
            if label not in nodes:
                raise SchemaError(f"{type_}: endpoint {label!r} is not a node label")
        disc = tuple(spec.get("discriminator", ()))
        for d in disc:
            if d not in props or not props[d].required:
                raise SchemaError(f"{type_}: discriminator {d!r} must be a required property")
        rels[type_] = RelType(type_, spec.get("description", ""), start, end, props, disc)
    return Schema(nodes, rels, prefixes)


@lru_cache(maxsize=1)
def schema() -> Schema:
    """The packaged schema, parsed once per process."""
    return load_schema()
