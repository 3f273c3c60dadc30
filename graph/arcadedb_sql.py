"""ArcadeDB's own SQL, for what its Cypher endpoint does not do: declaring the types and typed
properties a bulk load writes into, and the whole-type scans the in-process reader takes as
columns. Names are checked against the schema as in :mod:`.queries`, whose guards these use.
"""

from __future__ import annotations

from typing import Sequence

from creditgraph.errors import SchemaError
from creditgraph.graph.queries import _label, _prop, _rel
from creditgraph.graph.schema import schema

__all__ = ["arcadedb_vertex_type", "arcadedb_string_property", "arcadedb_date_property", "arcadedb_edge_type",
           "arcadedb_node_columns", "arcadedb_edge_columns"]


def arcadedb_vertex_type(label: str) -> str:
    """ArcadeDB SQL: the vertex type a bulk load writes into."""
    return f"CREATE VERTEX TYPE `{_label(label)}` IF NOT EXISTS"


def arcadedb_string_property(label: str, prop: str) -> str:
    """ArcadeDB SQL: declare a property STRING, so a bulk load can build its unique index over it."""
    if prop not in schema().node(label).properties and prop != "key":
        raise SchemaError(f"{label} has no property {prop!r}")
    return f"CREATE PROPERTY `{_label(label)}`.`{prop}` IF NOT EXISTS STRING"


def arcadedb_date_property(type_name: str, prop: str) -> str:
    """ArcadeDB SQL: declare a property DATE, so a day number written to it is stored as a date."""
    sch = schema()
    declared = (sch.nodes[type_name].properties if type_name in sch.nodes
                else sch.rel(type_name).properties)
    if prop not in declared and prop not in ("first_seen", "last_seen"):
        raise SchemaError(f"{type_name} has no property {prop!r}")
    return f"CREATE PROPERTY `{type_name}`.`{prop}` IF NOT EXISTS DATE"


def arcadedb_edge_type(type_: str) -> str:
    """ArcadeDB SQL: the edge type a bulk load needs before ``GraphBatch`` can use it."""
    return f"CREATE EDGE TYPE `{_rel(type_)}` IF NOT EXISTS"


def arcadedb_node_columns(label: str, props: Sequence[str] | None, *, rid: bool = False) -> str:
    """ArcadeDB SQL: every ``label`` record as one row, its key then ``props`` (None: every stored
    property, as ``properties(n)``), and its record id as ``__rid`` where ``rid``; read in process
    as columns (``embedded_reader.py``)."""
    head = ["@rid AS `__rid`"] if rid else []
    if props is None:  # ArcadeDB takes ``*`` only first
        return f"SELECT {', '.join(['*', *head])} FROM `{_label(label)}`"
    cols = [*head, *(f"`{_prop(label, p)}`" for p in ("key", *props))]
    return f"SELECT {', '.join(cols)} FROM `{_label(label)}`"


def arcadedb_edge_columns(type_: str, props: Sequence[str] | None, *, ends: str = "key") -> str:
    """ArcadeDB SQL: every ``type_`` edge as one row, ``__start`` and ``__end`` (its ends' keys, or
    with ``ends="rid"`` their record ids), then ``props`` (None: every stored property, as
    ``properties(e)``)."""
    rel = schema().rel(type_)
    for p in props or ():
        if p not in rel.properties:
            raise SchemaError(f"{type_} has no property {p!r}")
    if ends not in ("key", "rid"):
        raise SchemaError(f"an edge's ends are read as key or rid, not {ends!r}")
    part = ".key" if ends == "key" else ""
    head = f"@out{part} AS `__start`, @in{part} AS `__end`"
    if props is None:
        return f"SELECT *, {head} FROM `{rel.type}`"
    return f"SELECT {', '.join([head, *(f'`{p}`' for p in props)])} FROM `{rel.type}`"
