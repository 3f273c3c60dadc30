"""The JVM a local Neo4j runs on: finding Java 17 or 21, and the flags and main classes it is
started with.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Sequence

from creditgraph.errors import Neo4jServerError
from creditgraph.neo4j_local.files import last_lines

__all__ = ["SUPPORTED_JAVA", "MAIN_CLASS", "ADMIN_CLASS", "JVM_FLAGS", "jvm_flags", "find_java", "java_major"]

#: Java feature releases Neo4j 5.26 supports.
SUPPORTED_JAVA = (17, 21)

MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
ADMIN_CLASS = "org.neo4j.cli.AdminTool"

# The JVM options of the neo4j.conf that Neo4j 5 ships (server.jvm.additional), minus
# AlwaysPreTouch, which would touch the whole heap at start-up; plus the opens the
# standalone launcher's users commonly add. CommunityEntryPoint reads none of
# server.jvm.additional itself, so they go on the command line.
JVM_FLAGS = (
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



def jvm_flags(extra: Sequence[str] = ()) -> list[str]:
    """:data:`JVM_FLAGS` followed by the caller's (``Settings.jvm_options``); a collector named
    there replaces G1, since a JVM refuses two."""
    own_gc = any(f.startswith("-XX:+Use") and f.endswith("GC") for f in extra)
    return [f for f in JVM_FLAGS if not (own_gc and f == "-XX:+UseG1GC")] + list(extra)


_JAVA_VERSION_RE = re.compile(r'version "(\d+)(?:\.(\d+))?')


def find_java() -> str:
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
    major = java_major(str(java))
    if major not in SUPPORTED_JAVA:
        raise Neo4jServerError(
            f"Neo4j 5.26 runs on Java 17 or 21, but {where} is Java {major}; "
            "set JAVA_HOME to a JDK 17 or 21"
        )
    return str(java)


@functools.lru_cache(maxsize=8)
def java_major(java: str) -> int:
    try:
        done = subprocess.run(
            [java, "-version"], stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace", timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Neo4jServerError(f"could not run {java} -version: {e}") from e
    match = _JAVA_VERSION_RE.search(done.stderr + done.stdout)
    if match is None:
        raise Neo4jServerError(f"cannot tell the Java version of {java} from: {last_lines(done.stderr, 3)!r}")
    major = int(match.group(1))
    if major == 1 and match.group(2):  # "1.8.0_292" is Java 8
        major = int(match.group(2))
    return major
