"""The generated password of a home with auth on: set once, before the first start, through
Neo4j's own ``neo4j-admin dbms set-initial-password``, and kept in ``home/neo4j.password`` (mode
0600).

The password is passed to that one short-lived admin JVM on its command line, so other local
users could see it in ``ps`` for about a second; the server only listens on loopback.
"""

from __future__ import annotations

import logging
import os
import secrets
import subprocess
from pathlib import Path
from typing import Sequence

from creditgraph.errors import Neo4jServerError
from creditgraph.neo4j_local.files import TAIL_LINES, last_lines
from creditgraph.neo4j_local.jvm import ADMIN_CLASS, jvm_flags

__all__ = ["PASSWORD_FILE", "initial_password"]

log = logging.getLogger(__name__)

PASSWORD_FILE = "neo4j.password"


def initial_password(home: Path, *, java: str, lib: Path, env: dict[str, str],
                     jvm_options: Sequence[str] = ()) -> str:
    """The home's password: the recorded one, or a new one set before the first start."""
    password_file = home / PASSWORD_FILE
    if password_file.is_file():
        return password_file.read_text(encoding="utf-8").strip()
    if (home / "data" / "databases" / "system").exists():
        raise Neo4jServerError(
            f"{home} holds a database that was first started without a recorded password "
            "(auth off); start it with auth=False, or use a fresh home for auth=True"
        )
    # Hex, not token_urlsafe: a password starting with "-" is read by neo4j-admin as an option
    # (seen in CI: "Missing required parameter: '<password>'", about one start in 64).
    password = secrets.token_hex(16)
    cmd = [java, "-Xmx256m", *jvm_flags(jvm_options), "-cp", str(lib / "*"), ADMIN_CLASS,
           "dbms", "set-initial-password", password]
    try:
        done = subprocess.run(
            cmd, cwd=home, env=env, stdin=subprocess.DEVNULL, capture_output=True,
            text=True, errors="replace", timeout=300,
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Neo4jServerError(f"could not run neo4j-admin dbms set-initial-password: {e}") from e
    if done.returncode != 0:
        output = last_lines(done.stdout + done.stderr, TAIL_LINES).replace(password, "***")
        raise Neo4jServerError(f"neo4j-admin dbms set-initial-password failed (exit code {done.returncode}):\n{output}")
    fd = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        os.fchmod(out.fileno(), 0o600)
        out.write(password + "\n")
    log.info("set the initial Neo4j password; it is in %s", password_file)
    return password
