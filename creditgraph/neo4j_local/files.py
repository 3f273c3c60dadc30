"""Files the launcher writes: a home's run record (``run/neo4j.json``), atomic writes, advisory
locks, and the tails of logs and tool output that go into error messages.
"""

from __future__ import annotations

import contextlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from creditgraph.errors import Neo4jServerError

try:  # POSIX only; on other systems concurrent starts are not guarded.
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from creditgraph.neo4j_local.server import Neo4jInstance

__all__ = ["RUN_FILE", "TAIL_LINES", "read_run", "write_run", "remove_run", "write_atomic", "file_lock",
           "diagnostics", "last_lines"]

RUN_FILE = Path("run") / "neo4j.json"
TAIL_LINES = 40


def read_run(home: Path) -> dict[str, Any] | None:
    path = home / RUN_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        record = json.loads(text)
        int(record["pid"]), int(record["port"]), str(record["uri"]), str(record["user"])
    except (ValueError, KeyError, TypeError) as e:
        raise Neo4jServerError(f"{path} is not a valid run file ({e}); stop the server by hand and delete it") from e
    return record


def write_run(instance: Neo4jInstance, *, version: str, auth: bool, heap: str, pagecache: str) -> None:
    """The run record; ``heap`` and ``pagecache`` so a restart (a bulk import) starts it as it was."""
    record = {
        "pid": instance.pid,
        "port": instance.port,
        "uri": instance.uri,
        "user": instance.user,
        "auth": auth,
        "version": version,
        "heap": heap,
        "pagecache": pagecache,
        "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    write_atomic(instance.home / RUN_FILE, json.dumps(record, indent=2) + "\n")


def remove_run(home: Path) -> None:
    (home / RUN_FILE).unlink(missing_ok=True)


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``path`` (a no-op without fcntl)."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def diagnostics(home: Path) -> str:
    """The last lines of the console, user and debug logs, for error messages."""
    parts = []
    for name in ("console.log", "neo4j.log", "debug.log"):
        path = home / "logs" / name
        if path.is_file():
            parts.append(f"--- last {TAIL_LINES} lines of {path} ---\n{_tail(path, TAIL_LINES)}")
    return "\n".join(parts) or f"(no logs in {home / 'logs'})"


def _tail(path: Path, lines: int) -> str:
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        handle.seek(max(0, handle.tell() - 256 * 1024))
        data = handle.read()
    return last_lines(data.decode("utf-8", errors="replace"), lines)


def last_lines(text: str, lines: int) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
