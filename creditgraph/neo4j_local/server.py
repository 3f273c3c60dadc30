"""Starting, stopping and finding a local Neo4j: a detached JVM running
``org.neo4j.server.CommunityEntryPoint`` on the fetched jars, recorded in its home's run file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from creditgraph.errors import Neo4jServerError
from creditgraph.graph.net import free_port, port_open
from creditgraph.neo4j_local.config import INITIAL_HEAP, size_bytes, write_conf
from creditgraph.neo4j_local.files import diagnostics, file_lock, read_run, remove_run, write_run
from creditgraph.neo4j_local.jvm import MAIN_CLASS, find_java, jvm_flags
from creditgraph.neo4j_local.maven import NEO4J_VERSION, fetch
from creditgraph.neo4j_local.password import PASSWORD_FILE, initial_password

__all__ = ["Neo4jInstance", "start", "stop", "status"]

log = logging.getLogger(__name__)

_USER = "neo4j"

# Servers this process started, so that waiting on them also reaps them.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class Neo4jInstance:
    """A running local server: where to connect and which process it is."""

    uri: str
    user: str
    password: str | None = field(repr=False)
    pid: int
    home: Path
    port: int


def start(
    home: Path,
    *,
    cache_dir: Path,
    version: str = NEO4J_VERSION,
    port: int = 0,
    auth: bool = True,
    heap: str = "1g",
    pagecache: str = "256m",
    timeout: float = 120,
    jvm_options: Sequence[str] = (),
) -> Neo4jInstance:
    """Start a Neo4j server in ``home`` and wait until Bolt answers.

    Fetches the jars first when needed. ``port=0`` picks a free loopback port. If a
    live server is already recorded in ``home`` it is returned instead. On failure the
    JVM is stopped again and the error carries the last lines of its logs. ``jvm_options`` follow
    Neo4j's own flags (``Settings.jvm_options``).
    """
    home = Path(home).resolve()
    heap_bytes = size_bytes(heap, "heap")
    size_bytes(pagecache, "pagecache")
    if not 0 <= port <= 65535:
        raise Neo4jServerError(f"port must be 0 (pick a free one) or 1-65535, got {port}")
    if timeout <= 0:
        raise Neo4jServerError(f"timeout must be positive, got {timeout}")
    home.mkdir(parents=True, exist_ok=True)
    (home / "run").mkdir(exist_ok=True)
    with file_lock(home / "run" / "start.lock"):
        running = status(home)
        if running is not None:
            if port and port != running.port:
                log.warning("Neo4j in %s already runs on port %d, not %d", home, running.port, port)
            log.info("Neo4j already running in %s (pid %d, %s)", home, running.pid, running.uri)
            return running
        record = read_run(home)
        if record is not None:
            if _pid_alive(record["pid"], home):
                raise Neo4jServerError(
                    f"Neo4j (pid {record['pid']}) is recorded in {home} but does not answer on port "
                    f"{record['port']}; wait for it to finish starting, or stop it first"
                )
            log.info("removing the run file of a Neo4j that is gone (pid %d)", record["pid"])
            remove_run(home)

        java = find_java()
        lib = fetch(cache_dir, version)
        port = port or free_port()
        if port_open(port):
            raise Neo4jServerError(f"port {port} on 127.0.0.1 is already in use; pick another or pass port=0")
        for sub in ("conf", "data", "logs", "import", "plugins"):
            (home / sub).mkdir(exist_ok=True)
        write_conf(home, port=port, auth=auth, heap=heap, pagecache=pagecache)
        env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
        password = initial_password(home, java=java, lib=lib, env=env, jvm_options=jvm_options) if auth else None

        initial = heap if heap_bytes <= INITIAL_HEAP else "256m"
        cmd = [
            java, f"-Xms{initial}", f"-Xmx{heap}", *jvm_flags(jvm_options), "-cp", str(lib / "*"),
            MAIN_CLASS, f"--home-dir={home}", f"--config-dir={home / 'conf'}",
        ]
        console = home / "logs" / "console.log"
        log.info("starting Neo4j %s in %s on 127.0.0.1:%d", version, home, port)
        began = time.monotonic()
        with open(console, "wb") as out:
            proc = subprocess.Popen(
                cmd, cwd=home, env=env, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True, close_fds=True,
            )
        _CHILDREN[proc.pid] = proc
        instance = Neo4jInstance(
            uri=f"bolt://127.0.0.1:{port}", user=_USER, password=password, pid=proc.pid, home=home, port=port
        )
        write_run(instance, version=version, auth=auth, heap=heap, pagecache=pagecache)
        try:
            _wait_ready(instance, proc, timeout)
        except BaseException:
            _terminate(proc.pid, home, grace=15)
            remove_run(home)
            raise
        log.info("Neo4j %s answered on %s after %.1fs (pid %d)", version, instance.uri, time.monotonic() - began,
                 proc.pid)
        return instance


def stop(home: Path, timeout: float = 60) -> bool:
    """Stop the server recorded in ``home``: SIGTERM, then SIGKILL after ``timeout``.

    Returns False when nothing was running there. Only a process whose command line is
    this home's Neo4j is signalled, so a recycled pid is left alone.
    """
    home = Path(home).resolve()
    record = read_run(home)
    if record is None:
        return False
    pid = record["pid"]
    if not _pid_alive(pid, home):
        log.info("Neo4j in %s is not running (stale pid %d)", home, pid)
        remove_run(home)
        return False
    log.info("stopping Neo4j in %s (pid %d)", home, pid)
    _terminate(pid, home, grace=timeout)
    remove_run(home)
    return True


def status(home: Path) -> Neo4jInstance | None:
    """The server recorded in ``home`` if its process is alive and its port answers."""
    home = Path(home).resolve()
    record = read_run(home)
    if record is None or not _pid_alive(record["pid"], home) or not port_open(record["port"]):
        return None
    password = None
    if record.get("auth"):
        try:
            password = (home / PASSWORD_FILE).read_text(encoding="utf-8").strip()
        except FileNotFoundError as e:
            raise Neo4jServerError(f"Neo4j in {home} runs with auth on but {e.filename} is missing") from e
    return Neo4jInstance(
        uri=record["uri"], user=record["user"], password=password, pid=record["pid"], home=home, port=record["port"]
    )


def _wait_ready(instance: Neo4jInstance, proc: subprocess.Popen[bytes], timeout: float) -> None:
    """Poll Bolt until it answers; fail fast if the JVM exits."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired, TransientError

    auth = (instance.user, instance.password) if instance.password is not None else None
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    with GraphDatabase.driver(instance.uri, auth=auth, connection_timeout=2.0) as driver:
        while True:
            code = proc.poll()
            if code is not None:
                raise Neo4jServerError(
                    f"Neo4j exited with code {code} while starting in {instance.home}\n{diagnostics(instance.home)}"
                )
            try:
                driver.verify_connectivity()
                return
            except AuthError as e:
                raise Neo4jServerError(
                    f"Neo4j in {instance.home} refused the recorded password; "
                    f"the home's {PASSWORD_FILE} does not match its database"
                ) from e
            except (ServiceUnavailable, SessionExpired, TransientError, OSError) as e:
                last = e
            if time.monotonic() > deadline:
                raise Neo4jServerError(
                    f"Neo4j did not answer on {instance.uri} within {timeout:.0f}s (last error: {last})\n"
                    f"{diagnostics(instance.home)}"
                )
            time.sleep(0.5)


def _pid_alive(pid: int, home: Path) -> bool:
    """Whether ``pid`` is a live Neo4j serving ``home`` (reaps our own exited children)."""
    proc = _CHILDREN.get(pid)
    if proc is not None:
        if proc.poll() is None:
            return True
        del _CHILDREN[pid]
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: not ours
        return False
    if not Path("/proc/self").exists():  # no procfs: trust the pid
        return True
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return MAIN_CLASS.encode() in args and f"--home-dir={home}".encode() in args


def _terminate(pid: int, home: Path, *, grace: float) -> None:
    _signal(pid, signal.SIGTERM)
    if _wait_gone(pid, home, grace):
        return
    log.warning("Neo4j (pid %d) did not stop within %.0fs; killing it", pid, grace)
    _signal(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
    if not _wait_gone(pid, home, 15):
        raise Neo4jServerError(f"Neo4j (pid {pid}) in {home} survived SIGKILL")


def _signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _wait_gone(pid: int, home: Path, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while _pid_alive(pid, home):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True
