"""Fetching the Neo4j server jars with Maven (no Docker, no tarball).

Maven resolves ``org.neo4j:neo4j`` from Maven Central into ``<cache_dir>/neo4j-<version>/lib``
(about 210 jars, 125 MB; the download itself is shared through ``~/.m2``); a done-marker makes
a second fetch a file check.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
import time
from pathlib import Path

from creditgraph.errors import Neo4jServerError
from creditgraph.neo4j_local.files import TAIL_LINES, file_lock, last_lines, write_atomic

__all__ = ["NEO4J_VERSION", "fetch"]

log = logging.getLogger(__name__)

#: The Neo4j release fetched unless a caller asks for another one.
NEO4J_VERSION = "5.26.30"

# Pinned so that every Maven version resolves the same way.
_DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1"
_DONE_MARKER = ".fetched.json"
_MAVEN_TIMEOUT = 1800.0

_POM = """\
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by creditgraph.neo4j_local: fetches the Neo4j server jars. -->
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
    with file_lock(root.parent / f"neo4j-{version}.lock"):
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
            output = last_lines((done.stdout or "") + (done.stderr or ""), TAIL_LINES)
            raise Neo4jServerError(
                f"Maven could not fetch Neo4j {version} (exit code {done.returncode}, "
                f"{len(jars)} jars, {server_jar} {'present' if lib.joinpath(server_jar).exists() else 'missing'}); "
                f"last lines of its output:\n{output or '(no output)'}"
            )
        seconds = time.monotonic() - began
        write_atomic(marker, json.dumps({"version": version, "jars": len(jars), "seconds": round(seconds, 1)}))
        log.info("fetched %d Neo4j %s jars in %.1fs", len(jars), version, seconds)
    return lib


def _find_mvn() -> str | None:
    return shutil.which("mvn")
