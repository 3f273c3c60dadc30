"""A local Neo4j 5.26 Community server for development and tests, fetched with Maven.

No Docker and no tarball: Maven resolves ``org.neo4j:neo4j`` from Maven Central into
``<cache_dir>/neo4j-<version>/lib`` (about 210 jars, 125 MB; the download itself is
shared through ``~/.m2``), and the server is ``org.neo4j.server.CommunityEntryPoint``
run on that classpath as a detached JVM with a generated ``neo4j.conf`` that listens
on 127.0.0.1 only, speaks Bolt only and sends no usage reports.

One *home* folder holds one server::

    home/conf/neo4j.conf     rewritten on every start
    home/data/               the databases, kept between starts
    home/logs/console.log    the JVM's stdout and stderr (debug.log sits beside it)
    home/run/neo4j.json      pid, port, uri and user of the running server
    home/neo4j.password      the generated password (mode 0600), when auth is on

With ``auth=True`` the first start of a home sets a generated password through Neo4j's
own ``neo4j-admin dbms set-initial-password`` (``org.neo4j.cli.AdminTool``); later
starts reuse it. The password is passed to that one short-lived admin JVM on its
command line, so other local users could see it in ``ps`` for about a second; the
server only listens on loopback.

Functions here take plain arguments; the CLI and the test fixture read settings.
Start-up takes 10-20 s on two cores once the jars are cached.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import re
import secrets
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from creditgraph.errors import Neo4jServerError
from creditgraph.graph.net import free_port, port_open

try:  # POSIX only; on other systems concurrent starts are not guarded.
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

__all__ = ["NEO4J_VERSION", "SUPPORTED_JAVA", "Neo4jInstance", "fetch", "start", "stop", "status"]

log = logging.getLogger(__name__)

#: The Neo4j release fetched unless a caller asks for another one.
NEO4J_VERSION = "5.26.30"

#: Java feature releases Neo4j 5.26 supports.
SUPPORTED_JAVA = (17, 21)

_USER = "neo4j"
_MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
_ADMIN_CLASS = "org.neo4j.cli.AdminTool"
# Pinned so that every Maven version resolves the same way.
_DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1"
_DONE_MARKER = ".fetched.json"
_RUN_FILE = Path("run") / "neo4j.json"
_PASSWORD_FILE = "neo4j.password"
_TAIL_LINES = 40
_MAVEN_TIMEOUT = 1800.0
_INITIAL_HEAP = 256 * 1024**2

# The JVM options of the neo4j.conf that Neo4j 5 ships (server.jvm.additional), minus
# AlwaysPreTouch, which would touch the whole heap at start-up; plus the opens the
# standalone launcher's users commonly add. CommunityEntryPoint reads none of
# server.jvm.additional itself, so they go on the command line.
_JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-Dlog4j2.disable.jmx=true",
    "-Dlog4j.layout.jsonTemplate.maxStringLength=32768",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
)

_POM = """\
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by creditgraph.graph.neo4j_server: fetches the Neo4j server jars. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>creditgraph.local</groupId>
  <artifactId>neo4j-server-jars</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.neo4j</groupId>
      <artifactId>neo4j</artifactId>
      <version>{version}</version>
    </dependency>
  </dependencies>
</project>
"""

_VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")
_SIZE_RE = re.compile(r"^(\d+)([kmg]?)$", re.IGNORECASE)
_JAVA_VERSION_RE = re.compile(r'version "(\d+)(?:\.(\d+))?')

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


# --- fetch ------------------------------------------------------------------------


def fetch(cache_dir: Path, version: str = NEO4J_VERSION) -> Path:
    """Fetch the Neo4j server jars with Maven; return the folder that holds them.

    Returns ``cache_dir/neo4j-<version>/lib``. Maven runs only when that folder's
    done-marker is missing, so a second call costs a file check. Concurrent calls for
    one version are serialised with a file lock. Raises :class:`Neo4jServerError` when
    ``mvn`` is missing or fails, with the tail of Maven's output.
    """
    if not _VERSION_RE.match(version):
        raise Neo4jServerError(f"Neo4j version must look like 5.26.30, got {version!r}")
    root = Path(cache_dir).resolve() / f"neo4j-{version}"
    lib = root / "lib"
    marker = root / _DONE_MARKER
    if marker.is_file():
        return lib
    mvn = _find_mvn()
    if mvn is None:
        raise Neo4jServerError(
            "Maven (`mvn`) is not on PATH; install Maven 3 (for example `apt-get install maven`): "
            f"it fetches the Neo4j {version} jars from Maven Central"
        )
    root.mkdir(parents=True, exist_ok=True)
    with _file_lock(root.parent / f"neo4j-{version}.lock"):
        if marker.is_file():  # another process finished the fetch while we waited
            return lib
        shutil.rmtree(lib, ignore_errors=True)
        pom = root / "pom.xml"
        pom.write_text(_POM.format(version=version), encoding="utf-8")
        cmd = [
            mvn, "-B", "-q", "-Dstyle.color=never", "-f", str(pom),
            f"{_DEPENDENCY_PLUGIN}:copy-dependencies", f"-DoutputDirectory={lib}",
        ]
        log.info("fetching Neo4j %s with Maven into %s", version, lib)
        began = time.monotonic()
        try:
            done = subprocess.run(
                cmd, cwd=root, stdin=subprocess.DEVNULL, capture_output=True,
                text=True, errors="replace", timeout=_MAVEN_TIMEOUT,
            )
        except subprocess.TimeoutExpired as e:
            raise Neo4jServerError(f"Maven did not finish fetching Neo4j {version} in {_MAVEN_TIMEOUT:.0f}s") from e
        except OSError as e:
            raise Neo4jServerError(f"could not run Maven ({mvn}): {e}") from e
        jars = sorted(lib.glob("*.jar")) if lib.is_dir() else []
        server_jar = f"neo4j-server-{version}.jar"
        if done.returncode != 0 or not any(j.name == server_jar for j in jars):
            output = _last_lines((done.stdout or "") + (done.stderr or ""), _TAIL_LINES)
            raise Neo4jServerError(
                f"Maven could not fetch Neo4j {version} (exit code {done.returncode}, "
                f"{len(jars)} jars, {server_jar} {'present' if lib.joinpath(server_jar).exists() else 'missing'}); "
                f"last lines of its output:\n{output or '(no output)'}"
            )
        seconds = time.monotonic() - began
        _write_atomic(marker, json.dumps({"version": version, "jars": len(jars), "seconds": round(seconds, 1)}))
        log.info("fetched %d Neo4j %s jars in %.1fs", len(jars), version, seconds)
    return lib


def _find_mvn() -> str | None:
    return shutil.which("mvn")


# --- start / stop / status --------------------------------------------------------


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
) -> Neo4jInstance:
    """Start a Neo4j server in ``home`` and wait until Bolt answers.

    Fetches the jars first when needed. ``port=0`` picks a free loopback port. If a
    live server is already recorded in ``home`` it is returned instead. On failure the
    JVM is stopped again and the error carries the last lines of its logs.
    """
    home = Path(home).resolve()
    heap_bytes = _size_bytes(heap, "heap")
    _size_bytes(pagecache, "pagecache")
    if not 0 <= port <= 65535:
        raise Neo4jServerError(f"port must be 0 (pick a free one) or 1-65535, got {port}")
    if timeout <= 0:
        raise Neo4jServerError(f"timeout must be positive, got {timeout}")
    home.mkdir(parents=True, exist_ok=True)
    (home / "run").mkdir(exist_ok=True)
    with _file_lock(home / "run" / "start.lock"):
        running = status(home)
        if running is not None:
            if port and port != running.port:
                log.warning("Neo4j in %s already runs on port %d, not %d", home, running.port, port)
            log.info("Neo4j already running in %s (pid %d, %s)", home, running.pid, running.uri)
            return running
        record = _read_run(home)
        if record is not None:
            if _pid_alive(record["pid"], home):
                raise Neo4jServerError(
                    f"Neo4j (pid {record['pid']}) is recorded in {home} but does not answer on port "
                    f"{record['port']}; wait for it to finish starting, or stop it first"
                )
            log.info("removing the run file of a Neo4j that is gone (pid %d)", record["pid"])
            _remove_run(home)

        java = _find_java()
        lib = fetch(cache_dir, version)
        port = port or free_port()
        if port_open(port):
            raise Neo4jServerError(f"port {port} on 127.0.0.1 is already in use; pick another or pass port=0")
        for sub in ("conf", "data", "logs", "import", "plugins"):
            (home / sub).mkdir(exist_ok=True)
        _write_conf(home, port=port, auth=auth, heap=heap, pagecache=pagecache)
        env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
        password = _initial_password(home, java=java, lib=lib, env=env) if auth else None

        initial = heap if heap_bytes <= _INITIAL_HEAP else "256m"
        cmd = [
            java, f"-Xms{initial}", f"-Xmx{heap}", *_JVM_FLAGS, "-cp", str(lib / "*"),
            _MAIN_CLASS, f"--home-dir={home}", f"--config-dir={home / 'conf'}",
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
        _write_run(instance, version=version, auth=auth)
        try:
            _wait_ready(instance, proc, timeout)
        except BaseException:
            _terminate(proc.pid, home, grace=15)
            _remove_run(home)
            raise
        log.info("Neo4j %s answered on %s after %.1fs (pid %d)", version, instance.uri, time.monotonic() - began, proc.pid)
        return instance


def stop(home: Path, timeout: float = 60) -> bool:
    """Stop the server recorded in ``home``: SIGTERM, then SIGKILL after ``timeout``.

    Returns False when nothing was running there. Only a process whose command line is
    this home's Neo4j is signalled, so a recycled pid is left alone.
    """
    home = Path(home).resolve()
    record = _read_run(home)
    if record is None:
        return False
    pid = record["pid"]
    if not _pid_alive(pid, home):
        log.info("Neo4j in %s is not running (stale pid %d)", home, pid)
        _remove_run(home)
        return False
    log.info("stopping Neo4j in %s (pid %d)", home, pid)
    _terminate(pid, home, grace=timeout)
    _remove_run(home)
    return True


def status(home: Path) -> Neo4jInstance | None:
    """The server recorded in ``home`` if its process is alive and its port answers."""
    home = Path(home).resolve()
    record = _read_run(home)
    if record is None or not _pid_alive(record["pid"], home) or not port_open(record["port"]):
        return None
    password = None
    if record.get("auth"):
        try:
            password = (home / _PASSWORD_FILE).read_text(encoding="utf-8").strip()
        except FileNotFoundError as e:
            raise Neo4jServerError(f"Neo4j in {home} runs with auth on but {e.filename} is missing") from e
    return Neo4jInstance(
        uri=record["uri"], user=record["user"], password=password, pid=record["pid"], home=home, port=record["port"]
    )


# --- configuration ----------------------------------------------------------------


def _write_conf(home: Path, *, port: int, auth: bool, heap: str, pagecache: str) -> Path:
    """Write ``home/conf/neo4j.conf``: loopback-only Bolt, no HTTP, no usage report."""
    initial = heap if _size_bytes(heap, "heap") <= _INITIAL_HEAP else "256m"
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
    text = "# Written by creditgraph.graph.neo4j_server on every start; edits are lost.\n"
    text += "".join(f"{key}={value}\n" for key, value in settings.items())
    conf.write_text(text, encoding="utf-8")
    return conf


def _size_bytes(size: str, what: str) -> int:
    match = _SIZE_RE.match(size)
    if match is None:
        raise Neo4jServerError(f"{what} must be a size such as 512m or 1g, got {size!r}")
    number, unit = int(match.group(1)), match.group(2).lower()
    value = number * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit]
    if value < 8 * 1024**2:
        raise Neo4jServerError(f"{what} of {size} is too small for Neo4j; use at least 8m")
    return value


# --- java and the initial password ------------------------------------------------


def _find_java() -> str:
    """``$JAVA_HOME/bin/java`` or ``java`` on PATH, checked to be Java 17 or 21."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        java = Path(java_home) / "bin" / "java"
        if not java.is_file():
            raise Neo4jServerError(f"JAVA_HOME={java_home} has no bin/java; point it at a JDK 17 or 21")
        where = f"{java} (from JAVA_HOME)"
    else:
        found = shutil.which("java")
        if found is None:
            raise Neo4jServerError("no `java` on PATH and JAVA_HOME is not set; install a JDK 17 or 21")
        java, where = Path(found), f"{found} (from PATH)"
    major = _java_major(str(java))
    if major not in SUPPORTED_JAVA:
        raise Neo4jServerError(
            f"Neo4j 5.26 runs on Java 17 or 21, but {where} is Java {major}; "
            "set JAVA_HOME to a JDK 17 or 21"
        )
    return str(java)


@functools.lru_cache(maxsize=8)
def _java_major(java: str) -> int:
    try:
        done = subprocess.run(
            [java, "-version"], stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace", timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Neo4jServerError(f"could not run {java} -version: {e}") from e
    match = _JAVA_VERSION_RE.search(done.stderr + done.stdout)
    if match is None:
        raise Neo4jServerError(f"cannot tell the Java version of {java} from: {_last_lines(done.stderr, 3)!r}")
    major = int(match.group(1))
    if major == 1 and match.group(2):  # "1.8.0_292" is Java 8
        major = int(match.group(2))
    return major


def _initial_password(home: Path, *, java: str, lib: Path, env: dict[str, str]) -> str:
    """The home's password: the recorded one, or a new one set before the first start."""
    password_file = home / _PASSWORD_FILE
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
    cmd = [java, "-Xmx256m", *_JVM_FLAGS, "-cp", str(lib / "*"), _ADMIN_CLASS, "dbms", "set-initial-password", password]
    try:
        done = subprocess.run(
            cmd, cwd=home, env=env, stdin=subprocess.DEVNULL, capture_output=True,
            text=True, errors="replace", timeout=300,
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Neo4jServerError(f"could not run neo4j-admin dbms set-initial-password: {e}") from e
    if done.returncode != 0:
        output = _last_lines(done.stdout + done.stderr, _TAIL_LINES).replace(password, "***")
        raise Neo4jServerError(f"neo4j-admin dbms set-initial-password failed (exit code {done.returncode}):\n{output}")
    fd = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        os.fchmod(out.fileno(), 0o600)
        out.write(password + "\n")
    log.info("set the initial Neo4j password; it is in %s", password_file)
    return password


# --- waiting and process handling -------------------------------------------------


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
                    f"Neo4j exited with code {code} while starting in {instance.home}\n{_diagnostics(instance.home)}"
                )
            try:
                driver.verify_connectivity()
                return
            except AuthError as e:
                raise Neo4jServerError(
                    f"Neo4j in {instance.home} refused the recorded password; "
                    f"the home's {_PASSWORD_FILE} does not match its database"
                ) from e
            except (ServiceUnavailable, SessionExpired, TransientError, OSError) as e:
                last = e
            if time.monotonic() > deadline:
                raise Neo4jServerError(
                    f"Neo4j did not answer on {instance.uri} within {timeout:.0f}s (last error: {last})\n"
                    f"{_diagnostics(instance.home)}"
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
    return _MAIN_CLASS.encode() in args and f"--home-dir={home}".encode() in args


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


# --- files ------------------------------------------------------------------------


def _read_run(home: Path) -> dict[str, Any] | None:
    path = home / _RUN_FILE
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


def _write_run(instance: Neo4jInstance, *, version: str, auth: bool) -> None:
    record = {
        "pid": instance.pid,
        "port": instance.port,
        "uri": instance.uri,
        "user": instance.user,
        "auth": auth,
        "version": version,
        "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    _write_atomic(instance.home / _RUN_FILE, json.dumps(record, indent=2) + "\n")


def _remove_run(home: Path) -> None:
    (home / _RUN_FILE).unlink(missing_ok=True)


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
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


def _diagnostics(home: Path) -> str:
    """The last lines of the console, user and debug logs, for error messages."""
    parts = []
    for name in ("console.log", "neo4j.log", "debug.log"):
        path = home / "logs" / name
        if path.is_file():
            parts.append(f"--- last {_TAIL_LINES} lines of {path} ---\n{_tail(path, _TAIL_LINES)}")
    return "\n".join(parts) or f"(no logs in {home / 'logs'})"


def _tail(path: Path, lines: int) -> str:
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        handle.seek(max(0, handle.tell() - 256 * 1024))
        data = handle.read()
    return _last_lines(data.decode("utf-8", errors="replace"), lines)


def _last_lines(text: str, lines: int) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
