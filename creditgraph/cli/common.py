"""What every command shares: settings from flags, the store-key check, the query register."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from creditgraph.errors import CreditGraphError
from creditgraph.settings import Settings

__all__ = ["quiet_driver_logs", "settings_from", "check_key", "audit_log", "register_path", "Registered", "log"]

log = logging.getLogger("creditgraph")


def quiet_driver_logs() -> None:
    """The Neo4j driver's own logging down to warnings, and its relay of the server's notices
    down to errors: it warns of every optional property or relationship type the graph does not
    hold yet (``active`` before any listing ends, ``JUDGED`` before any review), which our reads
    ask for on purpose."""
    logging.getLogger("neo4j").setLevel(logging.WARNING)
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)


def settings_from(args: argparse.Namespace) -> Settings:
    """Flags over environment over .env; ``--neo4j`` with no URI means the project's local server."""
    overrides = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = args.data_dir
    settings = Settings(**overrides)
    neo4j = getattr(args, "neo4j", None)
    if neo4j:
        if neo4j == "local":
            from creditgraph import neo4j_local

            inst = neo4j_local.status(settings.neo4j_home)
            if inst is None:
                raise CreditGraphError("no local Neo4j is running; start one with `creditgraph neo4j start`")
            settings = settings.model_copy(update={"neo4j_uri": inst.uri, "neo4j_user": inst.user,
                                                   "neo4j_password": inst.password})
        else:
            settings = settings.model_copy(update={"neo4j_uri": neo4j})
    if isinstance(settings.neo4j_password, str):
        from pydantic import SecretStr

        settings = settings.model_copy(update={"neo4j_password": SecretStr(settings.neo4j_password)})
    return settings


def check_key(args: argparse.Namespace) -> None:
    """Refuse the built-in ID-hash key, and a store built with another key (creditgraph/keys.py).

    A command opts in with ``set_defaults(store_key="read")`` (or ``"write"`` when it writes ID
    hashes); commands that never open a store, or check the key themselves, leave it unset.
    """
    mode = getattr(args, "store_key", None)
    if mode:
        from creditgraph.keys import check_store_key

        check_store_key(settings_from(args), writes=mode == "write")


def register_path(settings: Settings) -> Path:
    return settings.data_dir / "audit" / "queries.jsonl"


def audit_log(settings: Settings):
    from creditgraph.audit import AuditLog, seal_key

    return AuditLog(register_path(settings), settings.user, seal_key=seal_key(settings.id_hash_key.get_secret_value()))


class Registered:
    """Register a read when it ends — answered, empty, not found or failed — so that no lookup
    goes unrecorded (``with Registered(settings, "paths", query) as reg: ...; reg.results = n``)."""

    def __init__(self, settings: Settings, action: str, query: dict) -> None:
        self.settings, self.action, self.query, self.results = settings, action, query, 0

    def __enter__(self) -> "Registered":
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if exc is None:
            outcome = None
        elif isinstance(exc, CreditGraphError):
            outcome = str(exc)
        else:
            outcome = f"failed: {kind.__name__}"
        audit_log(self.settings).record(self.action, self.query, self.results if exc is None else 0, outcome=outcome)
