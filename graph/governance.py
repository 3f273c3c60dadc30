"""Query text of record governance (issue 24): lifecycle, objections and repair.

The record status (``active``, ``inactive_*``, ``objection*``, ``correction``) is declared in
the ``record_status`` block of ``schema.yaml`` and written by these statements only; loaders
never set it, so a reload's ``SET n += r.props`` keeps it. Run them through
``BoltGraphStore.read_rows`` / ``write_rows``; labels and properties are interpolated only after
a check against the schema, values travel as parameters. The same text runs on Neo4j 5 and on
ArcadeDB's OpenCypher endpoint.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Sequence

import yaml

from creditgraph.errors import SchemaError
from creditgraph.graph.schema import schema

__all__ = ["RECORD_LABELS", "STATUS_PROPERTIES", "record_facts", "set_status", "clear_objection", "set_props",
           "status_declared"]


@lru_cache(maxsize=1)
def _block() -> dict:
    raw = yaml.safe_load(Path(__file__).with_name("schema.yaml").read_text(encoding="utf-8"))
    block = raw.get("record_status")
    if not block:
        raise SchemaError("schema.yaml has no record_status block: governance cannot mark records")
    return block


#: The record labels that carry a status (the lists: 失信, 限制消费, 经营异常, 行政处罚).
RECORD_LABELS: tuple[str, ...] = tuple(_block()["labels"])
#: The status properties governance writes onto record nodes.
STATUS_PROPERTIES: tuple[str, ...] = tuple(_block()["properties"])


def status_declared() -> bool:
    """Whether the loaded schema declares the status properties on every record label (what
    ``export_tables`` needs to hand ``active`` to scoring)."""
    sch = schema()
    return all(p in sch.node(l).properties for l in RECORD_LABELS for p in STATUS_PROPERTIES)


def _record(label: str) -> str:
    if label not in RECORD_LABELS:
        raise SchemaError(f"{label!r} is not a record label with a status; known: {list(RECORD_LABELS)}")
    return schema().node(label).label


def _field(label: str, prop: str) -> str:
    if prop not in schema().node(label).properties and prop not in STATUS_PROPERTIES and prop != "key":
        raise SchemaError(f"{label} has no property {prop!r}")
    if not prop.isidentifier():
        raise SchemaError(f"{prop!r} is not a plain property name")
    return prop


def record_facts(label: str, props: Sequence[str]) -> str:
    """Every ``label`` record (or those whose key is in ``$keys`` when given) with ``props``, the
    status properties and the first_seen date: what the lifecycle rules read."""
    fields = dict.fromkeys([*map(lambda p: _field(label, p), props), *STATUS_PROPERTIES])
    cols = ", ".join(f"r.{p} AS {p}" for p in fields)
    return (f"MATCH (r:{_record(label)}) WHERE $keys IS NULL OR r.key IN $keys "
            f"RETURN r.key AS key, r.first_seen AS first_seen, {cols} ORDER BY key")


def set_status(label: str) -> str:
    """UNWIND ``$rows`` of ``{key, status}``: set status properties (a map) on the records."""
    return (f"UNWIND $rows AS r MATCH (n:{_record(label)} {{key: r.key}}) "
            "SET n += r.status RETURN count(n) AS written")


def set_props(label: str, props: Sequence[str]) -> str:
    """Set ``props`` (checked names) on one record from ``$values`` (a correction upheld on objection)."""
    names = [_field(label, p) for p in props]
    sets = ", ".join(f"n.{p} = $values.{p}" for p in names)
    return f"MATCH (n:{_record(label)} {{key: $key}}) SET {sets} RETURN count(n) AS written"


def clear_objection(label: str) -> str:
    """Remove the 异议中 mark from one record (the objection id stays, for the history)."""
    return f"MATCH (n:{_record(label)} {{key: $key}}) REMOVE n.objection RETURN count(n) AS written"
