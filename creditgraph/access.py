"""Who may see what in the explorer: roles, the disclosure table, and the one service that
applies it to every read.

The table is data (``creditgraph/access.yaml``): per role, natural persons' names in full or
masked (张三明 → 张*明), which ID-derived fields, the analytics' inferences, records past their
publicity period, the network depth, and the actions (exports, the query register, ...).
:meth:`Policy.for_role` gives a :class:`Disclosure`, which the explorer applies after each
cached read (reads are cached per process, disclosure is per signed-in session) and asks
before each action: what a role may not see is left out or masked here, what it may not do
raises :class:`~creditgraph.errors.AccessDenied` — hiding a widget is only the courtesy on top.

Masked views hand out opaque keys (``pe:~…``) for entities whose keys carry a person's name;
:meth:`Disclosure.real_key` turns them back before a read (the tokens are remembered per
process, so such a link lasts as long as the server).

Who is signed in is :mod:`creditgraph.logins` (users file, password hashes, throttle, the
listen-address rule; re-exported here). ``creditgraph users add NAME --role
ROLE`` adds a user.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from creditgraph.errors import AccessDenied, CreditGraphError
from creditgraph.disclosure import Disclosure, mask_name
from creditgraph.logins import (LoginThrottle, User, Users, auth_mode, check_listen_address, hash_password,
                                validation_message, verify_password)

__all__ = ["Policy", "Disclosure", "mask_name", "POLICY_FILE", "AccessDenied",
           # from creditgraph.logins
           "User", "Users", "hash_password", "verify_password", "LoginThrottle", "auth_mode", "check_listen_address"]

log = logging.getLogger(__name__)

POLICY_FILE = Path(__file__).with_name("access.yaml")
_EXPORTS = ("csv", "graphml", "pdf")


# -- the table --------------------------------------------------------------------------

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldGroup(_Strict):
    props: tuple[str, ...]
    labels: tuple[str, ...] = ()
    description: str = ""


class Publicity(_Strict):
    date: str
    days: int


class Grant(_Strict):
    """One row of the disclosure table."""

    description: str = ""
    names: Literal["full", "masked"]
    ids: tuple[str, ...] = ()
    risk: Literal["hidden", "scores", "evidence"]
    expired: bool
    max_hops: int
    actions: tuple[str, ...]

    @model_validator(mode="after")
    def _evidence_names_people(self) -> "Grant":
        if self.risk == "evidence" and self.names == "masked":
            raise ValueError("risk: evidence shows names inside the evidence sentences; it needs names: full")
        if self.max_hops < 1:
            raise ValueError("max_hops must be at least 1")
        return self


class _Table(_Strict):
    fields: dict[str, FieldGroup]
    publicity: dict[str, Publicity]
    actions: dict[str, str]
    pages: dict[str, str]
    roles: dict[str, Grant]

    @model_validator(mode="after")
    def _names_exist(self) -> "_Table":
        for role, g in self.roles.items():
            for group in g.ids:
                if group not in self.fields or group == "risk":
                    raise ValueError(f"role {role}: ids: unknown field group {group!r}")
            for a in g.actions:
                if a not in self.actions:
                    raise ValueError(f"role {role}: unknown action {a!r} (known: {', '.join(self.actions)})")
        for page, a in self.pages.items():
            if a not in self.actions:
                raise ValueError(f"page {page}: unknown action {a!r}")
        if "risk" not in self.fields:
            raise ValueError("fields: the risk group is missing")
        return self


class Policy:
    """The disclosure table, loaded once per process; :meth:`for_role` gives a role's view.

    ``secret`` keys the opaque tokens that stand for name-bearing keys in masked views (pass
    a deployment secret, so tokens cannot be computed from a guessed name); ``today`` is the
    clock the publicity periods are measured with."""

    def __init__(self, table: _Table, *, secret: bytes | str, today: Callable[[], dt.date] = dt.date.today) -> None:
        self._table = table
        secret = secret.encode() if isinstance(secret, str) else secret
        self._token_key = hmac.new(secret, b"creditgraph access: key tokens", hashlib.sha256).digest()
        self._tokens: dict[str, str] = {}
        self._lock = threading.Lock()
        self.today = today

    @classmethod
    def load(cls, path: Path | None = None, *, secret: bytes | str,
             today: Callable[[], dt.date] = dt.date.today) -> "Policy":
        path = path or POLICY_FILE
        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as e:
            raise CreditGraphError(f"cannot read the disclosure table {path}: {e}") from e
        try:
            table = _Table.model_validate(raw)
        except ValidationError as e:
            raise CreditGraphError(f"{path}: {validation_message(e)}") from e
        return cls(table, secret=secret, today=today)

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(self._table.roles)

    @property
    def actions(self) -> Mapping[str, str]:
        return self._table.actions

    def grant(self, role: str) -> Grant:
        try:
            return self._table.roles[role]
        except KeyError:
            raise AccessDenied(f"unknown role {role!r} (roles: {', '.join(self.roles)})") from None

    def for_role(self, role: str) -> "Disclosure":
        return Disclosure(self, role, self.grant(role))

    def table(self, lang: str = "en") -> list[dict[str, str]]:
        """The disclosure table as rows (one per role), for the README and the sidebar."""
        rows = []
        for role, g in self._table.roles.items():
            exports = [a.split(".", 1)[1] for a in g.actions if a.startswith("export.")]
            rows.append({"role": role, "names": g.names, "ID fields": ", ".join(g.ids) or "none",
                         "risk": g.risk, "past publicity": "shown" if g.expired else "hidden",
                         "network depth": str(g.max_hops), "expand": "yes" if "expand" in g.actions else "no",
                         "exports": ", ".join(exports) or "none",
                         "register": "yes" if "register" in g.actions else "no",
                         "pages": ", ".join(p for p, a in self._table.pages.items() if a in g.actions)})
        return rows

    # -- tokens ---------------------------------------------------------------------------

    def _token(self, key: str) -> str:
        prefix = key.split(":", 1)[0]
        digest = hmac.new(self._token_key, key.encode("utf-8"), hashlib.sha256).digest()[:15]
        token = f"{prefix}:~{base64.b32encode(digest).decode().lower()}"
        with self._lock:
            self._tokens[token] = key
        return token

    def _untoken(self, token: str) -> str:
        with self._lock:
            key = self._tokens.get(token)
        if key is None:
            raise AccessDenied(f"{token} is a link from an earlier run of the explorer; search for the entity again")
        return key
