"""A class cache for the embedded store's JVM, so that every command after the first starts sooner.

JDK 25's AOT cache (JEP 483, 514) holds the classes a training run loaded and linked; a JVM
started with it starts ArcadeDB's server in about half the time (``bench/jvm_start.py``). The
JVM writes the cache only when it exits normally, which the product's processes never do (they
leave with ``os._exit``: JPype's JVM teardown can hang), so the cache is made once per ArcadeDB
build, in the background, by a process of its own (``python -m creditgraph.graph.jvm_cache``, which
CI runs before the tests): it starts a store in a temporary folder, runs what every command starts
with, stops it and shuts its JVM down. Until the file is there, stores start as before; a training
that wrote nothing is not tried again for a day. A cache the JVM cannot use
(another build, a damaged file) is ignored by the JVM, silently; so the cache's name carries the
build and a digest of the install's class path, which the JVM checks (jar paths, sizes, times).

The cache lives beside the user's other caches (``$XDG_CACHE_HOME/creditgraph/jvm``), shared by
every data folder; ``CREDITGRAPH_EMBEDDED_CLASS_CACHE=false`` turns it off.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["cache_file", "jvm_options", "prune", "train"]

log = logging.getLogger(__name__)

#: A training run that has not finished in this long is taken for dead, and may be started again.
_TRAINING_TIMEOUT = 300
#: After a training run that wrote no cache (a JVM that cannot make one), the next try waits this long.
_RETRY_AFTER_FAILURE = 86_400
#: The JVM's own messages about the cache (a stale or foreign file) stay off the user's console.
_QUIET = ["-Xlog:aot=off", "-Xlog:cds=off"]


def _build() -> str:
    """The ArcadeDB build, bundled Java runtime and install a cache belongs to.

    The JVM refuses a cache whose class path differs, by a jar's path, size or time ("shared class
    paths mismatch"): one trained by another checkout's venv, or before a reinstall, is useless to
    this one. So the name carries a digest of this install's class path as the JVM sees it."""
    import arcadedb_embedded  # the engine, only when a store is about to start
    from arcadedb_embedded.jvm import get_bundled_jre_lib_path, get_jar_path

    java = "unknown"
    release = Path(get_bundled_jre_lib_path()).parents[2] / "release"  # jre/lib/server/libjvm.so → jre/release
    try:
        for line in release.read_text(encoding="utf-8").splitlines():
            if line.startswith("JAVA_VERSION="):
                java = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    jars = glob.glob(os.path.join(get_jar_path(), "*.jar"))  # the class path, in arcadedb_embedded's order
    jars.append(str(Path(str(arcadedb_embedded.__file__)).parents[1] / "org.jpype.jar"))  # JPype's own
    digest = hashlib.sha256()
    for jar in jars:
        try:
            st = os.stat(jar)
            digest.update(f"{jar}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        except OSError:
            digest.update(f"{jar}\0-\n".encode())
    return f"arcadedb-{arcadedb_embedded.__version__}-java-{java}-{digest.hexdigest()[:10]}"


def cache_file() -> Path:
    """Where this build's cache is (or will be)."""
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "creditgraph" / "jvm"
    return root / f"{_build()}.aot"


_chosen: list[str] | None = None


def jvm_options() -> list[str]:
    """JVM options that start from the cache when it exists; otherwise none, and a training
    process is started in the background (once: a lock file marks a training under way).

    The same answer for the whole process: ``arcadedb_embedded`` refuses a second store whose JVM
    options differ from those the process's JVM started with."""
    global _chosen
    if _chosen is None:
        path = cache_file()
        if path.is_file():
            _chosen = [f"-XX:AOTCache={path}", *_QUIET]
        else:
            _start_training(path)
            _chosen = []
    return list(_chosen)


def _start_training(path: Path) -> None:
    lock = path.with_suffix(".training")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if lock.exists():
            wait = _RETRY_AFTER_FAILURE if lock.read_text(encoding="utf-8") == "failed" else _TRAINING_TIMEOUT
            if time.time() - lock.stat().st_mtime < wait:
                return
        lock.write_text(str(os.getpid()), encoding="utf-8")
        subprocess.Popen([sys.executable, "-m", "creditgraph.graph.jvm_cache", str(path)],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
        log.info("making the embedded store's class cache at %s in the background", path)
    except OSError as e:  # a read-only home: the store starts as before
        log.debug("no class cache for the embedded store: %s", e)


def train(path: Path, part: Path) -> None:
    """Start a store, run what commands start with, shut the JVM down: it writes ``part``, which
    then becomes ``path`` (whole or not at all). The JVM's own messages stay on: when it writes no
    cache, they say why."""
    import jpype

    from creditgraph.graph.connect import connect_bolt
    from creditgraph.graph.embedded import EmbeddedServer

    with tempfile.TemporaryDirectory(prefix="creditgraph-jvm-cache-") as root:
        server = EmbeddedServer(Path(root), heap="512m", class_cache=False,
                                jvm_options=[f"-XX:AOTCacheOutput={part}"])
        ep = server.start()
        store = connect_bolt(ep.uri, ep.user, ep.password, database=ep.database, backend="arcadedb")
        try:
            store.ensure_schema()
            store.counts()
            store.search("有限公司", limit=5)
        finally:
            store.close()
            server.stop()
        jpype.shutdownJVM()  # the JVM writes the cache as it exits
    if part.is_file():
        part.replace(path)
        log.info("wrote the embedded store's class cache %s", path)


#: A cache of another install (another venv, an older reinstall) untouched this long is removed when
#: a new one is made: every fresh checkout trains its own (52 MB), and nothing else would remove them.
_KEEP_OTHERS_DAYS = 7


def prune(folder: Path, *, keep: Path) -> list[Path]:
    """Remove the caches and training marks in ``folder`` other than ``keep`` that are older than
    :data:`_KEEP_OTHERS_DAYS`; the paths removed. An install whose cache went is retrained on its next start."""
    cutoff = time.time() - _KEEP_OTHERS_DAYS * 86_400
    gone = []
    for other in folder.glob("arcadedb-*"):
        try:
            if other != keep and other.suffix in (".aot", ".training") and other.stat().st_mtime < cutoff:
                other.unlink()
                gone.append(other)
        except OSError as e:  # another process's file, removed or in use: left to the next pruning
            log.debug("left %s: %s", other, e)
    if gone:
        log.info("removed %d class caches of other installs unused for %d days", len(gone), _KEEP_OTHERS_DAYS)
    return gone


#: Training runs per ``main``: a JVM that wrote nothing (seen once on a loaded CI machine) gets one
#: more, in a fresh process, since a JVM cannot be started twice in one.
_TRIES = 2


def _train_in_child(path: Path) -> str:
    """One training run in a process of its own; what it printed, for the log when it wrote nothing."""
    part = path.with_name(f"{path.stem}.{os.getpid()}.part")
    try:
        done = subprocess.run([sys.executable, "-m", "creditgraph.graph.jvm_cache", "--once", str(path), str(part)],
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=_TRAINING_TIMEOUT)
        return f"exit {done.returncode}: {(done.stdout + done.stderr)[-3000:]}"
    except subprocess.TimeoutExpired:
        return f"no answer in {_TRAINING_TIMEOUT} s"
    finally:
        for left in (part, part.with_name(part.name + ".config")):
            left.unlink(missing_ok=True)


def main() -> None:
    """``python -m creditgraph.graph.jvm_cache [PATH]``: make the cache (at ``cache_file()`` by default).
    Exits 1, saying what the JVM said, when no try wrote one."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if sys.argv[1:2] == ["--once"]:
        signal.alarm(_TRAINING_TIMEOUT)  # never left running: a hung JVM teardown ends here
        train(Path(sys.argv[2]), Path(sys.argv[3]))
        os._exit(0)
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else cache_file()
    if len(sys.argv) == 1 and path.is_file():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = path.with_suffix(".training")
    said = ""
    for attempt in range(1, _TRIES + 1):
        said = _train_in_child(path)
        if path.is_file():
            break
        log.warning("training run %d of %d wrote no class cache (%s)", attempt, _TRIES, said)
    if path.is_file():
        lock.unlink(missing_ok=True)
        prune(path.parent, keep=path)
        return
    lock.write_text("failed", encoding="utf-8")  # so that not every command starts a training that cannot succeed
    log.error("no class cache for the embedded store: the JVM wrote none in %d tries", _TRIES)
    sys.exit(1)


if __name__ == "__main__":
    main()
