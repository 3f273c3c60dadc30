"""The query register's checkpoints in the store: a second anchor beside the checkpoint files.

``creditgraph audit checkpoint`` writes each signed checkpoint to ``<data dir>/audit/checkpoints.jsonl``,
to any file the operator names, and here; ``audit verify`` reads all of them, so cutting the
register and its checkpoint file together is still caught by the copy in the store. The label is
declared in ``schema.yaml``'s ``audit_checkpoints:`` block (outside ``nodes:``); every query on it
is here, run through ``BoltGraphStore.read_rows`` / ``write_rows``.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from creditgraph.errors import SchemaError

__all__ = ["store_checkpoint", "stored_checkpoints", "keeps_checkpoints"]


@lru_cache(maxsize=1)
def _label() -> str:
    raw = yaml.safe_load(Path(__file__).with_name("schema.yaml").read_text(encoding="utf-8")).get("audit_checkpoints")
    label = str((raw or {}).get("label", ""))
    if not re.fullmatch(r"[A-Z][A-Za-z]{0,40}", label):
        raise SchemaError(f"schema.yaml audit_checkpoints: label {label!r} is not a plain name")
    return label


def keeps_checkpoints(store: Any) -> bool:
    """Whether the store runs the queries (a Bolt store does; the in-memory one does not)."""
    return callable(getattr(store, "write_rows", None)) and getattr(store, "backend", None) != "memory"


def store_checkpoint(store: Any, cp: dict[str, Any]) -> str:
    """Write ``cp`` (a signed checkpoint) to the store; idempotent. Returns its key."""
    key = f"ckpt:{cp['register']}:{cp['count']}:{cp['last']}"
    lab = _label()
    store.write_rows(f"creating the {lab} key constraint",
                     f"CREATE CONSTRAINT {lab.lower()}_key IF NOT EXISTS FOR (c:{lab}) REQUIRE c.key IS UNIQUE")
    store.write_rows("storing an audit checkpoint", f"MERGE (c:{lab} {{key: $key}}) SET c += $props",
                     key=key, props={"checkpoint": json.dumps(cp, ensure_ascii=False, sort_keys=True),
                                     "at": cp["at"], "count": cp["count"]})
    return key


def stored_checkpoints(store: Any, register: str) -> list[tuple[str, Any]]:
    """``(where, checkpoint)`` for every checkpoint of ``register`` (its file name) in the store,
    oldest first, in the form ``creditgraph.audit.read_checkpoints`` gives for files."""
    lab = _label()
    rows = store.read_rows("reading audit checkpoints",
                           f"MATCH (c:{lab}) WHERE c.key STARTS WITH $prefix "
                           "RETURN c.key AS key, c.checkpoint AS checkpoint ORDER BY c.at, c.key",
                           prefix=f"ckpt:{register}:")
    out: list[tuple[str, Any]] = []
    for r in rows:
        try:
            out.append((f"store {r['key']}", json.loads(r["checkpoint"])))
        except (TypeError, ValueError):
            out.append((f"store {r['key']}", None))
    return out
