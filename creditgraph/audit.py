"""The query register (查询登记): who looked up what, when, and how much came back.

Append-only JSON lines. The product only ever appends (the file is opened with
``O_APPEND``; nothing in creditgraph rewrites it), and each entry carries the SHA-256
of the line before it, so an edited or deleted entry breaks the chain and
:meth:`AuditLog.verify` names the first line that no longer fits. Query text is
masked (full ID numbers become their masked form) before it is written.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from creditgraph.loaders.report import json_line
from creditgraph.loaders.transforms import scrub_ids

__all__ = ["AuditLog", "GENESIS"]

#: The ``prev`` of the first entry.
GENESIS = "0" * 64


def _digest(line: str) -> str:
    return hashlib.sha256(line.rstrip("\n").encode("utf-8")).hexdigest()


def _last_line(fh) -> str | None:
    """The file's last line, read from the end (the register only grows)."""
    fh.seek(0, os.SEEK_END)
    end = fh.tell()
    if end == 0:
        return None
    block, data = 4096, b""
    pos = end
    while pos > 0 and data.count(b"\n") < 2:
        pos = max(0, pos - block)
        fh.seek(pos)
        data = fh.read(end - pos)
    lines = data.rstrip(b"\n").split(b"\n")
    return lines[-1].decode("utf-8") if lines else None


class AuditLog:
    def __init__(self, path: Path, user: str) -> None:
        self.path = Path(path)
        self.user = user

    def record(self, action: str, query: Any, results: int) -> dict[str, Any]:
        """Append one entry chained to the previous one; returns the entry written."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "r+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)  # one writer at a time keeps the chain linear
            last = _last_line(fh)
            entry = {
                "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "user": self.user,
                "action": action,
                "query": scrub_ids(json.dumps(query, ensure_ascii=False)),
                "results": int(results),
                "prev": _digest(last) if last else GENESIS,
            }
            fh.write(json_line(entry).encode("utf-8"))
        return entry

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line]

    def verify(self) -> int | None:
        """None when the chain is whole, else the 1-based number of the first line that breaks it."""
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
