"""The ID-hash key at the door: no public key on real data, no store read with a key it was not built with.

Full ID numbers are stored only as ``HMAC(key, id)``. With a known key each hash falls to
a few hundred tries (a masked ID hides only month and day), so:

* the built-in key (:data:`~creditgraph.settings.DEFAULT_ID_HASH_KEY`, published in this
  repository) is accepted only by ``creditgraph demo``, which says so, and afterwards only
  for reading the store that demo built (synthetic data);
* each store's key **fingerprint** — ``HMAC(key, FINGERPRINT_CONTEXT)``, which reveals
  nothing of the key — is recorded at its first load in ``<data dir>/store.json``
  (one entry per store: ``embedded``, or the Neo4j URI and database), and every command
  refuses a store whose recorded fingerprint is another key's: its hashes would match
  nothing, and new ones would not match the old.

The check costs one small file read: no store is opened to make it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from pathlib import Path
from typing import Any

from creditgraph.errors import CreditGraphError
from creditgraph.settings import DEFAULT_ID_HASH_KEY, Settings

__all__ = ["KeyRefused", "fingerprint", "is_builtin", "store_id", "check_store_key", "forget_store",
           "STORE_FILE", "NO_KEY_HELP"]

log = logging.getLogger(__name__)

STORE_FILE = "store.json"
FINGERPRINT_CONTEXT = b"creditgraph/id-hash-key-fingerprint/v1"
MIN_KEY_CHARS = 16
NO_KEY_HELP = ("set a secret key of your own: `export CREDITGRAPH_ID_HASH_KEY=$(python3 -c "
               "'import secrets; print(secrets.token_urlsafe(32))')` or a line CREDITGRAPH_ID_HASH_KEY=… "
               "in a .env file where you run creditgraph (keep it: every later command needs the same key)")


class KeyRefused(CreditGraphError):
    """The configured ID-hash key may not be used on this store."""


def fingerprint(key: str) -> str:
    """``HMAC-SHA256(key, FINGERPRINT_CONTEXT)`` in hex: names a key without revealing it."""
    return hmac.new(key.encode("utf-8"), FINGERPRINT_CONTEXT, hashlib.sha256).hexdigest()


def is_builtin(key: str) -> bool:
    """The published development/demo key, or no key at all."""
    return not key.strip() or key == DEFAULT_ID_HASH_KEY


def store_id(settings: Settings) -> str:
    """Which store ``settings`` select, as ``store.json`` names it."""
    if settings.use_neo4j:
        return f"neo4j {settings.neo4j_uri} {settings.neo4j_database or 'default'}"
    return "embedded"


def _path(data_dir: Path) -> Path:
    return Path(data_dir) / STORE_FILE


def _read(data_dir: Path) -> dict[str, Any]:
    path = _path(data_dir)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"stores": {}}
    except (OSError, ValueError) as e:
        raise KeyRefused(f"{path} is unreadable ({e}): it records which key built the store; "
                         "restore it, or remove it to record the current key again") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("stores"), dict):
        raise KeyRefused(f"{path} is not a creditgraph store record; restore it, or remove it to record "
                         "the current key again")
    return doc


def _write(data_dir: Path, doc: dict[str, Any]) -> None:
    path = _path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def check_store_key(settings: Settings, *, writes: bool = False, demo: bool = False) -> None:
    """Refuse the built-in key and a key other than the store's; record the key at first use.

    ``writes``: the command writes ID hashes (``load``): the built-in key is refused even on
    a demo store. ``demo``: ``creditgraph demo`` (it wipes the store and reloads synthetic
    data), which may use the built-in key and records the store as a demo store.
    """
    key = settings.id_hash_key.get_secret_value()
    data_dir, sid = Path(settings.data_dir), store_id(settings)
    doc = _read(data_dir)
    rec = doc["stores"].get(sid)
    fp = fingerprint(key)
    builtin = is_builtin(key)
    if demo:
        if builtin:
            log.warning("demo: ID numbers are hashed with the public demo key (synthetic data only); "
                        "real data needs CREDITGRAPH_ID_HASH_KEY")
        doc["stores"][sid] = {"fingerprint": fp, "demo": builtin}
        _write(data_dir, doc)
        return
    if builtin:
        if rec and rec.get("demo") and rec.get("fingerprint") == fp and not writes:
            log.info("the demo store: synthetic data hashed with the public demo key")
            return
        raise KeyRefused("CREDITGRAPH_ID_HASH_KEY is not set: the built-in key is public, and ID hashes made "
                         f"with it can be reversed (only `creditgraph demo` uses it); {NO_KEY_HELP}")
    if len(key) < MIN_KEY_CHARS:
        log.warning("CREDITGRAPH_ID_HASH_KEY is shorter than %d characters: a guessable key makes ID hashes "
                    "reversible", MIN_KEY_CHARS)
    if rec is None:
        doc["stores"][sid] = {"fingerprint": fp, "demo": False}
        _write(data_dir, doc)
        log.info("recorded this ID-hash key's fingerprint for the %s store in %s", sid, _path(data_dir))
        return
    if rec.get("fingerprint") != fp:
        built = ("the public demo key" if rec.get("demo")
                 else f"another key (fingerprint {rec.get('fingerprint', '?')[:12]}…)")
        raise KeyRefused(
            f"the {sid} store in {data_dir} was built with {built}, not with this CREDITGRAPH_ID_HASH_KEY "
            f"(fingerprint {fp[:12]}…): set the key it was built with, or rebuild it with this one "
            "(`creditgraph wipe --yes`, then `creditgraph load` from the source files)")


def forget_store(settings: Settings) -> None:
    """After a wipe: the empty store takes the key of its next load."""
    doc = _read(Path(settings.data_dir))
    if doc["stores"].pop(store_id(settings), None) is not None:
        _write(Path(settings.data_dir), doc)
