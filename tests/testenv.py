"""The JVM flags of every test process and of every process a test starts.

The tests start some hundred short-lived JVMs (embedded stores in CLI processes, local Neo4j
servers, neo4j-admin) on small cities. C1 alone and the serial collector start them on about half
the CPU (``-XX:TieredStopAtLevel=1`` compiles nothing twice; the serial collector keeps no GC threads
beside two cores' worth of work), and nothing a test runs lives long enough to gain from C2. They
reach the product the way a user's would: ``CREDITGRAPH_JVM_OPTIONS`` (``Settings.jvm_options``).
"""

from __future__ import annotations

import os
import shlex

TEST_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
os.environ.setdefault("CREDITGRAPH_JVM_OPTIONS", TEST_JVM_OPTIONS)


def jvm_options() -> list[str]:
    """This run's JVM flags, for the tests that start a JVM without the settings object."""
    return shlex.split(os.environ["CREDITGRAPH_JVM_OPTIONS"])


def fresh_env(**settings: str) -> dict[str, str]:
    """This process's environment without the caller's ``CREDITGRAPH_*`` settings (a Neo4j URI
    would switch stores), except the JVM flags; plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDITGRAPH_")}
    return env | {"CREDITGRAPH_JVM_OPTIONS": os.environ["CREDITGRAPH_JVM_OPTIONS"]} | settings
