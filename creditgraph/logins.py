"""Who is signed in to the explorer: the users file, password hashes, the sign-in throttle, and
the rule that the explorer listens beyond loopback only where people must sign in.

No Streamlit here (app/auth.py is the form); what a signed-in role sees is
:mod:`creditgraph.access`.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import ipaddress
import os
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from creditgraph.errors import AccessDenied, CreditGraphError

if TYPE_CHECKING:
    from creditgraph.access import Policy

__all__ = ["User", "Users", "hash_password", "verify_password", "LoginThrottle", "auth_mode",
           "check_listen_address", "MIN_PASSWORD", "validation_message"]


def validation_message(e: ValidationError) -> str:
    """The first problem pydantic found, as ``where: what``."""
    first = e.errors()[0]
    where = ".".join(map(str, first["loc"]))
    what = first["msg"].removeprefix("Value error, ")
    return f"{where}: {what}" if where else what


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# scrypt (hashlib, OpenSSL's implementation): memory-hard, in the standard library, so the
# explorer needs no native wheel. n=2^14, r=8, p=5 is one of OWASP's equivalent settings
# (16 MiB, ~0.1 s); the parameters travel in each hash, so they can be raised later.
_N, _R, _P = 2 ** 14, 8, 5
_NAME = re.compile(r"^[\w.@+-]{1,64}$")
MIN_PASSWORD = 10


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$hash`` of ``password`` with a fresh random salt."""
    if len(password) < MIN_PASSWORD:
        raise CreditGraphError(f"a password needs at least {MIN_PASSWORD} characters")
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, maxmem=64 << 20, dklen=32)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def _parse_hash(stored: str) -> tuple[int, int, int, bytes, bytes]:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            raise ValueError(scheme)
        return int(n), int(r), int(p), base64.b64decode(salt, validate=True), base64.b64decode(digest, validate=True)
    except ValueError as e:
        raise CreditGraphError("not a password hash written by creditgraph (scrypt$n$r$p$salt$hash)") from e


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored`` (:func:`hash_password`), compared in constant time."""
    n, r, p, salt, digest = _parse_hash(stored)
    got = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=128 << 20, dklen=len(digest))
    return hmac.compare_digest(got, digest)


_DUMMY = f"scrypt${_N}${_R}${_P}${_b64(bytes(16))}${_b64(bytes(32))}"


@dataclasses.dataclass(frozen=True)
class User:
    """A signed-in user: the name the register records and the role that decides what they see."""

    name: str
    role: str


class _Entry(_Strict):
    role: str
    password: str | None = None  # absent: a user who signs in only through the reverse proxy


class _UsersFile(_Strict):
    users: dict[str, _Entry] = {}


class Users:
    """The users file (``<data dir>/users.yaml``): name → role and password hash.

    ``users: {zhang.san: {role: analyst, password: "scrypt$..."}}``; written by
    :meth:`add` (``creditgraph users add``), never with a clear password."""

    def __init__(self, path: Path, entries: Mapping[str, _Entry]) -> None:
        self.path, self._entries = Path(path), dict(entries)

    @classmethod
    def load(cls, path: Path, policy: "Policy | None" = None) -> "Users":
        """The users in ``path`` (none if it does not exist); each role checked against ``policy``."""
        path = Path(path)
        if not path.exists():
            return cls(path, {})
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            parsed = _UsersFile.model_validate(raw)
        except (OSError, yaml.YAMLError) as e:
            raise CreditGraphError(f"cannot read the users file {path}: {e}") from e
        except ValidationError as e:
            raise CreditGraphError(f"{path}: {validation_message(e)}") from e
        for name, entry in parsed.users.items():
            if not _NAME.match(name):
                raise CreditGraphError(f"{path}: user name {name!r}: letters, digits and . @ + - _ only")
            if policy is not None and entry.role not in policy.roles:
                raise CreditGraphError(f"{path}: user {name}: unknown role {entry.role!r} "
                                       f"(roles: {', '.join(policy.roles)})")
            if entry.password is not None:
                _parse_hash(entry.password)
        return cls(path, parsed.users)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def listing(self) -> list[User]:
        return [User(n, e.role) for n, e in sorted(self._entries.items())]

    @property
    def with_password(self) -> int:
        return sum(e.password is not None for e in self._entries.values())

    def authenticate(self, name: str, password: str) -> User:
        """The user ``name`` if ``password`` is theirs; else :class:`AccessDenied`, which never
        says which of the two was wrong (an unknown name costs the same hash)."""
        entry = self._entries.get(name)
        ok = verify_password(password, entry.password if entry and entry.password else _DUMMY)
        if not (ok and entry and entry.password):
            raise AccessDenied("wrong user name or password")
        return User(name, entry.role)

    def proxy_user(self, name: str, *, default_role: str = "public") -> User:
        """The user a reverse proxy vouched for: their role from this file, else ``default_role``."""
        name = name.strip()
        if not _NAME.match(name):
            raise AccessDenied("the proxy's user header holds no usable user name")
        entry = self._entries.get(name)
        return User(name, entry.role if entry else default_role)

    def add(self, name: str, role: str, password: str | None, *, policy: "Policy", replace: bool = False) -> User:
        """Add (or with ``replace``, change) a user and write the file (mode 0600, atomically)."""
        if not _NAME.match(name):
            raise CreditGraphError(f"user name {name!r}: 1-64 letters, digits and . @ + - _ only")
        policy.grant(role)
        if name in self._entries and not replace:
            raise CreditGraphError(f"user {name} exists already in {self.path} (--replace to change them)")
        self._entries[name] = _Entry(role=role, password=hash_password(password) if password is not None else None)
        self._write()
        return User(name, role)

    def remove(self, name: str) -> None:
        if self._entries.pop(name, None) is None:
            raise CreditGraphError(f"no user {name} in {self.path}")
        self._write()

    def _write(self) -> None:
        body = {"users": {n: e.model_dump(exclude_none=True) for n, e in sorted(self._entries.items())}}
        text = ("# creditgraph explorer logins (creditgraph users add NAME --role ROLE).\n"
                "# Passwords are scrypt hashes; roles are those of creditgraph/access.yaml.\n"
                + yaml.safe_dump(body, allow_unicode=True, sort_keys=False))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, self.path)


class LoginThrottle:
    """At most ``attempts`` failed sign-ins per user name in ``window`` seconds, process-wide
    (a new browser session does not reset it)."""

    def __init__(self, attempts: int = 5, window: float = 900.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.attempts, self.window, self._clock = attempts, window, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, name: str) -> deque[float]:
        q = self._failures.setdefault(name, deque())
        while q and q[0] <= self._clock() - self.window:
            q.popleft()
        return q

    def check(self, name: str) -> None:
        with self._lock:
            if len(self._recent(name)) >= self.attempts:
                minutes = int(self.window // 60)
                raise AccessDenied(f"too many failed sign-ins for {name}; try again in {minutes} minutes")

    def failed(self, name: str) -> None:
        with self._lock:
            self._recent(name).append(self._clock())

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name, None)


# -- deployment rules -------------------------------------------------------------------

def auth_mode(settings: Any) -> Literal["proxy", "users", "local"]:
    """How the explorer knows who is asking: a reverse proxy's header (``auth_header``), the
    users file (when it exists), or — neither — one local user (``user``, ``role``)."""
    if settings.auth_header:
        return "proxy"
    if Path(settings.users_path).exists():
        return "users"
    return "local"


def _is_loopback(address: str) -> bool:
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def check_listen_address(address: str, settings: Any) -> None:
    """Refuse to serve the explorer beyond loopback unless people must sign in.

    Beyond loopback the users file must hold at least one user with a password. A proxy header
    (``auth_header``) is trusted only on loopback: a client that reached the explorer directly
    could send the header itself."""
    if _is_loopback(address):
        return
    mode = auth_mode(settings)
    if mode == "proxy":
        raise CreditGraphError(
            f"--address {address}: CREDITGRAPH_AUTH_HEADER trusts the reverse proxy's {settings.auth_header} header, "
            "which any client reaching the explorer directly could send; listen on 127.0.0.1 behind the proxy")
    users = Users.load(settings.users_path) if mode == "users" else None
    if users is None or not users.with_password:
        raise CreditGraphError(
            f"--address {address} would serve the explorer beyond this machine without logins: add a user with "
            f"`creditgraph users add NAME --role ROLE` (writes {settings.users_path}), "
            "or keep the default 127.0.0.1")
