"""The embedded store: ArcadeDB running inside this Python process, spoken to over Bolt.

``pip install`` brings everything (the ``arcadedb-embedded`` wheel bundles its Java
runtime and Bolt plugin), so the default needs no server. The same Cypher query layer
(``bolt_store.BoltGraphStore``) serves it and Neo4j.

One data folder belongs to one process: the owner holds an OS lock on
``<root>/server.lock`` and writes its Bolt port there. A second process finds the
lock held, reads the port and connects to the running server instead of opening the
folder a second time; if that server does not answer it fails with ``StoreLocked``.
"""

from __future__ import annotations

import atexit
import fcntl
import gc
import json
import logging
import os
import secrets
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from creditgraph.errors import StoreLocked, StoreUnavailable
from creditgraph.graph import jvm_cache
from creditgraph.graph.net import free_port, port_open

__all__ = ["EmbeddedServer", "EmbeddedEndpoint", "DATABASE"]

log = logging.getLogger(__name__)

DATABASE = "creditgraph"
_USER = "root"
_BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"

# Keep ArcadeDB's java.util.logging off the console and out of the working directory.
_LOGGING_PROPERTIES = """\
handlers = java.util.logging.FileHandler
.level = WARNING
java.util.logging.FileHandler.pattern = {log_dir}/arcadedb.%g.log
java.util.logging.FileHandler.limit = 10000000
java.util.logging.FileHandler.count = 3
java.util.logging.FileHandler.level = INFO
java.util.logging.FileHandler.formatter = java.util.logging.SimpleFormatter
java.util.logging.SimpleFormatter.format = %1$tF %1$tT %4$s %3$s %5$s%6$s%n
"""


@dataclass(frozen=True)
class EmbeddedEndpoint:
    """Where a running embedded server answers, and whether this process owns it."""

    uri: str
    user: str
    password: str
    database: str
    owner: bool
    owner_pid: int | None = None  # the owning process (this one's pid when ``owner``)


def _delete_some(type_name: str, limit: int) -> str:
    """ArcadeDB SQL: delete up to ``limit`` records of a type (a vertex's edges go with it). The name
    is one the caller took from the schema; the limit a checked int."""
    if not type_name.isidentifier() or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"not a type name and batch size: {type_name!r}, {limit!r}")
    return f"DELETE FROM `{type_name}` LIMIT {limit}"


class EmbeddedServer:
    """Start (or join) the embedded ArcadeDB server whose data lives in ``root``."""

    def __init__(self, root: Path, *, heap: str = "1g", port: int = 0, page_ram_mb: int | None = None,
                 class_cache: bool = True, jvm_options: Sequence[str] = ()) -> None:
        self.root = Path(root).resolve()
        self.heap = heap
        # The JVM's class cache (jvm_cache.py): only the first JVM of a process reads options.
        self.class_cache = class_cache
        self.jvm_options = list(jvm_options)
        # ArcadeDB's page cache lives on the heap (4 GB by default, cut to half the heap when
        # that is more than 80 % of it). A bulk load needs the heap for GraphBatch instead.
        self.page_ram_mb = page_ram_mb
        self.port = port
        self._lock_fd: int | None = None
        self._server = None
        self.endpoint: EmbeddedEndpoint | None = None

    @property
    def _lock_path(self) -> Path:
        return self.root / "server.lock"

    def _password(self) -> str:
        path = self.root / ".root-password"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(18), encoding="utf-8")
            path.chmod(0o600)
        return path.read_text(encoding="utf-8").strip()

    def start(self) -> EmbeddedEndpoint:
        """Own the folder and start the server, or join the process that owns it."""
        if self.endpoint:
            return self.endpoint
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            self.endpoint = self._join()
            return self.endpoint
        self._lock_fd = fd
        try:
            self.endpoint = self._start_owned()
        except BaseException:
            self._release()
            raise
        return self.endpoint

    def _join(self) -> EmbeddedEndpoint:
        try:
            info = json.loads(self._lock_path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            info = {}
        port = info.get("bolt_port")
        for _ in range(60):  # the owner may still be starting
            if port and port_open(port):
                log.info("embedded store at %s is owned by pid %s; connecting to it", self.root, info.get("pid"))
                return EmbeddedEndpoint(f"bolt://127.0.0.1:{port}", _USER, self._password(), DATABASE, False,
                                        info.get("pid"))
            time.sleep(0.5)
            info = json.loads(self._lock_path.read_text(encoding="utf-8") or "{}")
            port = info.get("bolt_port")
        raise StoreLocked(
            f"the embedded store at {self.root} is locked by process {info.get('pid', '?')}, "
            "which does not answer on Bolt; stop that process or use another --data-dir"
        )

    def _start_owned(self) -> EmbeddedEndpoint:
        # JPype asks Python for a full cyclic collection after every Java collection, and a JVM
        # starting or busy collects often: what this process holds now (its imported modules,
        # mostly) lives as long as the JVM will, so it is moved out of those collections' way.
        gc.freeze()
        log_dir = self.root / "logs"
        log_dir.mkdir(exist_ok=True)
        props = self.root / "logging.properties"
        props.write_text(_LOGGING_PROPERTIES.format(log_dir=log_dir), encoding="utf-8")
        os.environ.setdefault("ARCADEDB_JVM_ERROR_FILE", str(log_dir / "hs_err_pid%p.log"))
        t0 = time.perf_counter()
        try:
            from arcadedb_embedded.server import ArcadeDBServer
        except ImportError as e:  # pragma: no cover - a broken install
            raise StoreUnavailable(f"the embedded store needs arcadedb-embedded: {e}") from e

        bolt_port = self.port or free_port()
        server = ArcadeDBServer(
            str(self.root / "databases"),
            root_password=self._password(),
            config={
                "http_port": free_port(),
                "server_plugins": _BOLT_PLUGIN,
                "bolt_port": bolt_port,
            },
            jvm_kwargs={
                "heap_size": self.heap,
                "jvm_args": [f"-Djava.util.logging.config.file={props}"]
                + ([f"-Darcadedb.maxPageRAM={self.page_ram_mb}"] if self.page_ram_mb else [])
                + self.jvm_options + (jvm_cache.jvm_options() if self.class_cache else []),
            },
        )
        try:
            server.start()
            if not (self.root / "databases" / DATABASE).exists():
                server.create_database(DATABASE)
        except Exception as e:
            raise StoreUnavailable(f"could not start the embedded store at {self.root}: {e}") from e
        self._server = server
        atexit.register(self.stop)
        self._stop_on_sigterm()
        self._lock_path.write_text(json.dumps({"pid": os.getpid(), "bolt_port": bolt_port}), encoding="utf-8")
        log.info("embedded store started at %s (bolt port %d) in %.1fs", self.root, bolt_port,
                 time.perf_counter() - t0)
        return EmbeddedEndpoint(f"bolt://127.0.0.1:{bolt_port}", _USER, self._password(), DATABASE, True,
                                os.getpid())

    def owner_ended(self) -> bool:
        """For a process that joined the owner: whether the owner has let the folder go (its lock
        is free, or the lock file no longer names it). The joined server's Bolt connections then
        fail with ``Neo.ClientError.Security.Unauthorized`` or as unreachable, which say neither."""
        ep = self.endpoint
        if ep is None or ep.owner:
            return False
        try:
            info = json.loads(self._lock_path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            info = {}
        if info.get("pid") != ep.owner_pid:
            return True
        try:
            fd = os.open(self._lock_path, os.O_RDWR)
        except OSError:
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # still held: the owner lives
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return True
        finally:
            os.close(fd)

    def _stop_on_sigterm(self) -> None:
        """Make ``kill`` work: the JVM takes SIGTERM over and the process would keep running.

        Only where nobody else handles SIGTERM (Streamlit does, and stops us through ``atexit``)
        and only from the main thread. The handler stops the server, so the folder is left
        consistent and unlocked, then exits with 143 at once (interpreter teardown with a live
        JVM thread can hang)."""
        if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) not in (
                signal.SIG_DFL, None):
            return

        def stop_and_exit(signum, frame) -> None:
            log.warning("terminated: stopping the embedded store at %s", self.root)
            try:
                self.stop()
            finally:
                logging.shutdown()
                os._exit(128 + signum)

        signal.signal(signal.SIGTERM, stop_and_exit)

    def database(self, name: str = DATABASE, *, create: bool = False):
        """The ``arcadedb_embedded`` Database behind the Bolt endpoint, for in-process bulk writes.

        Only the process that owns the folder holds it; a joined process must use Bolt.
        """
        if self._server is None:
            raise StoreUnavailable(f"the embedded store at {self.root} is not owned by this process")
        try:
            exists = (self.root / "databases" / name).exists()
            if not exists and create:
                return self._server.create_database(name)
            return self._server.get_database(name)
        except Exception as e:
            raise StoreUnavailable(f"could not open database {name!r} of the embedded store: {e}") from e

    def empty_data(self, *, batch: int = 50_000) -> int:
        """Delete every record of the schema's vertex and edge types, in batches of ``batch`` (one
        transaction each), and leave run records and other bookkeeping alone; returns records deleted.

        For starting over after a bulk load that stopped half-way: GraphBatch writes edge records
        before it links them to their vertices, so such a load leaves edges that Cypher (``MATCH
        ()-[e]->()``, ``DETACH DELETE``) never sees and that the next bulk load's empty-store check
        does (169 LISTED_IN records, measured). O(records). Only the owning process can do this."""
        from arcadedb_embedded.exceptions import ArcadeDBError

        from creditgraph.errors import StoreError
        from creditgraph.graph.schema import schema

        database = self.database()
        sch = schema()
        jschema = database.get_java_database().getSchema()
        names = [sch.rel(t).type for t in sch.relationships] + [sch.node(n).label for n in sch.nodes]
        deleted = 0
        try:
            for name in names:  # edges first: a vertex's delete would look for its edges
                if not jschema.existsType(name):
                    continue
                left = database.count_type(name)
                while left:
                    with database.transaction():
                        database.command("sql", _delete_some(name, batch))
                    now = database.count_type(name)
                    if now >= left:
                        raise StoreError(f"could not empty {name} of the embedded store at {self.root}: "
                                         f"{now:,} records stay")
                    deleted, left = deleted + left - now, now
        except ArcadeDBError as e:
            raise StoreError(f"emptying the embedded store at {self.root} failed after {deleted:,} records: {e}") from e
        log.info("emptied the embedded store at %s: %d records deleted", self.root, deleted)
        return deleted

    def stop(self) -> None:
        """Stop the server if this process owns it, and release the folder."""
        if self._server is not None:
            server, self._server = self._server, None
            server.stop()
            log.info("embedded store at %s stopped", self.root)
        self._release()
        self.endpoint = None

    def _release(self) -> None:
        if self._lock_fd is not None:
            try:
                self._lock_path.write_text("{}", encoding="utf-8")
            except OSError:
                log.debug("could not clear %s", self._lock_path, exc_info=True)
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None
