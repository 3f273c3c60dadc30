"""The ``neo4j.conf`` of a local home, rewritten on every start: loopback-only Bolt, no HTTP, no
usage report, the given heap and page cache.
"""

from __future__ import annotations

import re
from pathlib import Path

from creditgraph.errors import Neo4jServerError

__all__ = ["INITIAL_HEAP", "write_conf", "size_bytes"]

INITIAL_HEAP = 256 * 1024**2

_SIZE_RE = re.compile(r"^(\d+)([kmg]?)$", re.IGNORECASE)


def write_conf(home: Path, *, port: int, auth: bool, heap: str, pagecache: str) -> Path:
    """Write ``home/conf/neo4j.conf``: loopback-only Bolt, no HTTP, no usage report."""
    initial = heap if size_bytes(heap, "heap") <= INITIAL_HEAP else "256m"
    settings = {
        "server.default_listen_address": "127.0.0.1",
        "server.default_advertised_address": "127.0.0.1",
        "server.bolt.enabled": "true",
        "server.bolt.listen_address": f"127.0.0.1:{port}",
        "server.bolt.advertised_address": f"127.0.0.1:{port}",
        "server.http.enabled": "false",
        "server.https.enabled": "false",
        "dbms.security.auth_enabled": "true" if auth else "false",
        "server.memory.heap.initial_size": initial,
        "server.memory.heap.max_size": heap,
        "server.memory.pagecache.size": pagecache,
        "dbms.usage_report.enabled": "false",
        "server.directories.data": str(home / "data"),
        "server.directories.logs": str(home / "logs"),
        "server.directories.run": str(home / "run"),
        "server.directories.import": str(home / "import"),
        "server.directories.plugins": str(home / "plugins"),
        # Bolt's Netty event loops otherwise idle 5 s each before shutting down, which
        # makes every stop take 10 s longer. Internal but known to 5.x, so strict
        # config validation accepts it.
        "internal.dbms.bolt.netty_server_shutdown_quiet_period": "0",
    }
    conf = home / "conf" / "neo4j.conf"
    conf.parent.mkdir(parents=True, exist_ok=True)
    text = "# Written by creditgraph.neo4j_local on every start; edits are lost.\n"
    text += "".join(f"{key}={value}\n" for key, value in settings.items())
    conf.write_text(text, encoding="utf-8")
    return conf


def size_bytes(size: str, what: str) -> int:
    match = _SIZE_RE.match(size)
    if match is None:
        raise Neo4jServerError(f"{what} must be a size such as 512m or 1g, got {size!r}")
    number, unit = int(match.group(1)), match.group(2).lower()
    value = number * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit]
    if value < 8 * 1024**2:
        raise Neo4jServerError(f"{what} of {size} is too small for Neo4j; use at least 8m")
    return value
