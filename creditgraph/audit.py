"""The query register (查询登记): who looked up what, when, and how much came back — and proof it was not rewritten.

Three layers, each for a stronger attacker:

1. **Chain.** Append-only JSON lines (``O_APPEND``, one writer at a time under ``flock``);
   each entry carries the SHA-256 of the line before it (``prev``), so an edited, removed
   or inserted entry breaks the chain at the next line.
2. **Seals.** A writer that holds the ID-hash key seals each entry
   (``seal = HMAC(seal_key(id_hash_key), entry)``): an edit of the *last* entry, or an
   append with the right ``prev``, by someone who can write the file but lacks the key,
   no longer verifies.
3. **Checkpoints.** ``creditgraph audit checkpoint`` signs ``(count, SHA-256 of the last
   line, time)`` with ``CREDITGRAPH_AUDIT_KEY`` — a key the explorer never holds — and
   appends it to ``<data dir>/audit/checkpoints.jsonl`` and to any file the operator ships
   elsewhere. Against a checkpoint, :func:`verify_register` catches a cut tail, an emptied
   or deleted register, an edit or a whole re-chained file up to the checkpoint (even by
   someone holding the ID-hash key), and an entry appended after it with an earlier date.

A torn last line (a crash mid-write) is cut off by :meth:`AuditLog.repair` (or by the next
:meth:`AuditLog.record`), which appends a ``repair`` entry saying how many bytes went and
their hash. Query text is masked (full ID numbers become their masked form) before it is
written.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from creditgraph.errors import CreditGraphError
from creditgraph.loaders.report import json_line
from creditgraph.loaders.transforms import scrub_ids

__all__ = ["AuditLog", "GENESIS", "seal_key", "make_checkpoint", "write_checkpoint", "read_checkpoints",
           "verify_register", "Verdict", "AuditError"]

log = logging.getLogger(__name__)

#: The ``prev`` of the first entry.
GENESIS = "0" * 64
_SEAL_CONTEXT = b"creditgraph/audit-seal/v1"
_KID_CONTEXT = b"creditgraph/audit-checkpoint-key-id/v1"
_CHECKPOINT_FIELDS = ("v", "register", "count", "last", "at", "by", "kid")


class AuditError(CreditGraphError):
    """The register or a checkpoint cannot be written or read."""


def _digest(line: str | bytes) -> str:
    if isinstance(line, str):
        line = line.encode("utf-8")
    return hashlib.sha256(line.rstrip(b"\n")).hexdigest()


def _canonical(d: dict[str, Any]) -> bytes:
    return json.dumps(d, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def seal_key(id_hash_key: str) -> bytes:
    """The key that seals register entries, derived from the ID-hash key (never that key itself)."""
    return hmac.new(id_hash_key.encode("utf-8"), _SEAL_CONTEXT, hashlib.sha256).digest()


def _seal(key: bytes, entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "seal"}
    return hmac.new(key, _canonical(body), hashlib.sha256).hexdigest()


def _tail(fh) -> tuple[str | None, int]:
    """``(last complete line, torn bytes after it)``, read from the end (the register only grows)."""
    fh.seek(0, os.SEEK_END)
    end = fh.tell()
    if end == 0:
        return None, 0
    block, data, pos = 4096, b"", end
    while pos > 0 and data.count(b"\n") < 2:
        pos = max(0, pos - block)
        fh.seek(pos)
        data = fh.read(end - pos)
    torn = 0 if data.endswith(b"\n") else len(data) - (data.rfind(b"\n") + 1)
    body = data[: len(data) - torn].rstrip(b"\n")
    lines = body.split(b"\n") if body else []
    return (lines[-1].decode("utf-8", "replace") if lines else None), torn


class AuditLog:
    """Append and read the register at ``path`` as ``user``; ``seal_key`` (see :func:`seal_key`) seals entries."""

    def __init__(self, path: Path, user: str, *, seal_key: bytes | None = None) -> None:
        self.path = Path(path)
        self.user = user
        self._seal_key = seal_key

    def _open(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        return os.fdopen(fd, "r+b")

    def record(self, action: str, query: Any, results: int, *, outcome: str | None = None) -> dict[str, Any]:
        """Append one entry chained to the previous one; returns the entry written.

        ``outcome``: what happened when it was not a plain answer (``not found``, an error).
        A torn last line left by a crash is cut off first, and the cut recorded.
        """
        with self._open() as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)  # one writer at a time keeps the chain linear
            last, torn = _tail(fh)
            if torn:
                log.warning("the query register %s ended in a torn line (%d bytes); cutting it off", self.path, torn)
                _, last = self._cut(fh, torn)
            return self._append(fh, last, action, query, results, outcome)

    def repair(self) -> dict[str, Any] | None:
        """Cut a torn last line and record the cut; ``None`` when the last line is whole."""
        if not self.path.exists():
            return None
        with self._open() as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            _, torn = _tail(fh)
            if not torn:
                return None
            entry, _ = self._cut(fh, torn)
            return entry

    def _cut(self, fh, torn: int) -> tuple[dict[str, Any], str | None]:
        fh.seek(0, os.SEEK_END)
        end = fh.tell()
        fh.seek(end - torn)
        gone = fh.read(torn)
        fh.truncate(end - torn)
        last, _ = _tail(fh)
        entry = self._append(fh, last, "repair", {"torn_bytes": torn, "torn_sha256": hashlib.sha256(gone).hexdigest()},
                             0, "a torn last line (a write cut short) was removed")
        return entry, _tail(fh)[0]

    def _append(self, fh, last: str | None, action: str, query: Any, results: int,
                outcome: str | None) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "at": _now(),
            "user": self.user,
            "action": action,
            "query": scrub_ids(json.dumps(query, ensure_ascii=False)),
            "results": int(results),
            "prev": _digest(last) if last else GENESIS,
        }
        if outcome:
            entry["outcome"] = scrub_ids(outcome)
        if self._seal_key:
            entry["seal"] = _seal(self._seal_key, entry)
        fh.write(json_line(entry).encode("utf-8"))
        fh.flush()
        return entry

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line]

    def verify(self) -> int | None:
        """None when the chain is whole, else the 1-based number of the first line that breaks it.

        The chain alone; :func:`verify_register` adds seals and checkpoints."""
        if not self.path.exists():
            return None
        prev = GENESIS
        for n, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            try:
                if json.loads(line).get("prev") != prev:
                    return n
            except json.JSONDecodeError:
                return n
            prev = _digest(line)
        return None


# -- checkpoints -------------------------------------------------------------------


def _kid(audit_key: str) -> str:
    return hmac.new(audit_key.encode("utf-8"), _KID_CONTEXT, hashlib.sha256).hexdigest()[:16]


def _sign(audit_key: str, cp: dict[str, Any]) -> str:
    body = {k: cp[k] for k in _CHECKPOINT_FIELDS}
    return hmac.new(audit_key.encode("utf-8"), _canonical(body), hashlib.sha256).hexdigest()


def make_checkpoint(register: Path, audit_key: str, *, by: str) -> dict[str, Any]:
    """A signed checkpoint of ``register`` as it is now: entry count, hash of the last line, time.

    Reads under the writers' lock, so every entry appended later is dated at or after it.
    """
    register = Path(register)
    count, last = 0, GENESIS
    if register.exists():
        with register.open("rb") as fh:
            fcntl.flock(fh, fcntl.LOCK_SH)
            data = fh.read()
            at = _now()
        if data and not data.endswith(b"\n"):
            raise AuditError(f"{register} ends in a torn line: run `creditgraph audit verify --repair` first")
        lines = [l for l in data.split(b"\n") if l]
        count, last = len(lines), (_digest(lines[-1]) if lines else GENESIS)
    else:
        at = _now()
    cp = {"v": 1, "register": register.name, "count": count, "last": last, "at": at, "by": by,
          "kid": _kid(audit_key)}
    cp["sig"] = _sign(audit_key, cp)
    return cp


def write_checkpoint(cp: dict[str, Any], path: Path) -> None:
    """Append ``cp`` as one line to ``path`` (a checkpoint file keeps every checkpoint)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(cp, ensure_ascii=False, sort_keys=True) + "\n")


def read_checkpoints(paths: Iterable[Path]) -> list[tuple[str, Any]]:
    """``(where, checkpoint)`` for every line of every existing file (``where`` = ``file:line``)."""
    out: list[tuple[str, Any]] = []
    for p in map(Path, paths):
        if not p.exists():
            continue
        for n, line in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if line.strip():
                try:
                    out.append((f"{p}:{n}", json.loads(line)))
                except ValueError:
                    out.append((f"{p}:{n}", None))
    return out


# -- verification ------------------------------------------------------------------


@dataclass
class Verdict:
    """What :func:`verify_register` found: ``problems`` fail it, ``notes`` say what it could not check."""

    entries: int = 0
    anchored: int = 0  # entries covered by the latest valid checkpoint
    checkpoints: int = 0  # valid checkpoints seen
    torn: int = 0  # bytes of a torn last line
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries, "anchored": self.anchored, "checkpoints": self.checkpoints,
                "torn_bytes": self.torn, "problems": self.problems, "notes": self.notes}


def verify_register(path: Path, *, checkpoints: Sequence[tuple[str, Any]] = (), audit_key: str | None = None,
                    seal_key: bytes | None = None, strict: bool = False) -> Verdict:
    """Check the chain, the seals after the last checkpoint, and the register against every checkpoint.

    ``strict``: an unsealed entry after the last checkpoint is a problem, not a note (set it
    once every writer seals). Linear in the register's size.
    """
    path = Path(path)
    v = Verdict()
    exists = path.exists()
    data = path.read_bytes() if exists else b""
    if data and not data.endswith(b"\n"):
        v.torn = len(data) - (data.rfind(b"\n") + 1)
        data = data[: len(data) - v.torn]
        v.problems.append(f"the last line is torn ({v.torn} bytes with no end of line: a write cut short, or a cut "
                          "mid-entry); `creditgraph audit verify --repair` removes it and records the repair")
    raw_lines = [l for l in data.split(b"\n") if l]
    v.entries = len(raw_lines)
    digests = [_digest(l) for l in raw_lines]
    entries: list[dict[str, Any] | None] = []
    prev, broken = GENESIS, False
    for n, line in enumerate(raw_lines, 1):
        try:
            e = json.loads(line.decode("utf-8"))
            if not isinstance(e, dict):
                raise ValueError("not an object")
        except ValueError:
            e = None
        entries.append(e)
        if not broken and (e is None or e.get("prev") != prev):
            broken = True
            v.problems.append(f"line {n} breaks the chain: " + ("it is not a register entry" if e is None else
                              "its prev is not the hash of line " + (f"{n - 1}" if n > 1 else "0 (the start)"))
                              + " — an entry at or before it was edited, removed or inserted")
        prev = digests[n - 1]

    # checkpoints: signed anchors kept outside the register
    latest: dict[str, Any] | None = None
    if checkpoints and not audit_key:
        v.notes.append("CREDITGRAPH_AUDIT_KEY is not set: checkpoint signatures cannot be checked, so a forged "
                       "checkpoint would pass; the register is compared with them anyway")
    for where, cp in checkpoints:
        if not isinstance(cp, dict) or any(k not in cp for k in (*_CHECKPOINT_FIELDS, "sig")):
            v.problems.append(f"checkpoint {where} is not a checkpoint (damaged or forged)")
            continue
        if cp["register"] != path.name:
            continue
        if audit_key and not hmac.compare_digest(str(cp["sig"]), _sign(audit_key, cp)):
            v.problems.append(f"checkpoint {where}: its signature does not match CREDITGRAPH_AUDIT_KEY "
                              f"(forged, altered, or signed with another key: kid {cp['kid']})")
            continue
        count = cp["count"]
        if not isinstance(count, int) or count < 0:
            v.problems.append(f"checkpoint {where}: bad count {count!r}")
            continue
        v.checkpoints += 1
        if count > v.entries:
            if not exists:
                what = f"the register {path} is gone (deleted)"
            elif v.entries == 0:
                what = f"the register {path} is empty (emptied)"
            else:
                what = f"the register has {v.entries} entries: entries were cut from its end"
            v.problems.append(f"{what}, but the checkpoint of {cp['at']} ({where}) anchored {count}")
            continue
        if count and digests[count - 1] != cp["last"]:
            v.problems.append(f"entry {count} no longer matches the checkpoint of {cp['at']} ({where}): the register "
                              f"was edited, or rewritten and re-chained, up to it")
            continue
        if latest is None or count > latest["count"]:
            latest = cp
    if latest is not None:
        v.anchored = latest["count"]
        for n in range(latest["count"] + 1, v.entries + 1):
            e = entries[n - 1]
            if e is not None and str(e.get("at", "")) < latest["at"]:
                v.problems.append(f"entry {n} is dated {e.get('at')}, before the checkpoint of {latest['at']} that "
                                  "it follows: it was appended later with a back date")
    elif not checkpoints:
        v.notes.append("no checkpoint: a cut tail, an emptied or deleted register and a re-chained file cannot be "
                       "detected; anchor it with `creditgraph audit checkpoint` (CREDITGRAPH_AUDIT_KEY) and ship the "
                       "checkpoint file elsewhere")

    # seals: what no checkpoint covers yet
    unsealed = 0
    for n in range(v.anchored + 1, v.entries + 1):
        e = entries[n - 1]
        if e is None:
            continue
        if "seal" not in e:
            unsealed += 1
        elif seal_key is None:
            pass
        elif not hmac.compare_digest(str(e["seal"]), _seal(seal_key, e)):
            v.problems.append(f"entry {n}: its seal does not match (edited or forged after the last checkpoint, or "
                              "written under another CREDITGRAPH_ID_HASH_KEY)")
    if unsealed:
        msg = (f"{unsealed} entr{'y' if unsealed == 1 else 'ies'} after the last checkpoint carry no seal (written "
               "by a process without the ID-hash key): an edit of the last one, or an append, cannot be told from a "
               "real entry until a checkpoint covers them")
        (v.problems if strict else v.notes).append(msg)
    return v
