"""A local Neo4j 5.26 Community server for development and tests, fetched with Maven.

A developer's tool, not the product's graph layer: ``creditgraph neo4j start``, the test
fixture and the benchmarks use it; the store reaches any Neo4j through ``creditgraph.graph``.

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

Modules: :mod:`.maven` (fetching the jars), :mod:`.jvm` (finding Java, the JVM's flags),
:mod:`.config` (``neo4j.conf``), :mod:`.password` (the initial password), :mod:`.server`
(start, stop, status: the process), :mod:`.files` (the run record, atomic writes, locks, log
tails).
"""

from creditgraph.neo4j_local.jvm import SUPPORTED_JAVA
from creditgraph.neo4j_local.maven import NEO4J_VERSION, fetch
from creditgraph.neo4j_local.server import Neo4jInstance, start, status, stop

__all__ = ["NEO4J_VERSION", "SUPPORTED_JAVA", "Neo4jInstance", "fetch", "start", "stop", "status"]
