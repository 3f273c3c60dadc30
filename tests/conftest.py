"""Shared fixtures: the two stores, the seeded city, the real datasets, and CI's no-skip rule.

Under ``CI=true`` nothing that CI is meant to exercise may skip: a Neo4j that will
not start or a missing ``../shared/data`` fails the run instead.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from creditgraph import collector
from creditgraph.graph.connect import connect_bolt
from creditgraph.graph.embedded import EmbeddedServer

pytest_plugins = ["neo4j_fixture"]

# The built-in ID-hash key is refused outside `creditgraph demo` (creditgraph/keys.py): the
# tests, and every CLI process they start (which inherits this environment), use their own.
TEST_ID_HASH_KEY = "creditgraph-tests-only-key-0123456789"
os.environ.setdefault("CREDITGRAPH_ID_HASH_KEY", TEST_ID_HASH_KEY)

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
from ci_rules import IN_CI, skip_or_fail  # noqa: E402,F401  (re-exported for older imports)
from testenv import jvm_options  # noqa: E402  (sets the tests' JVM flags for every process they start)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real datasets folder beside the repository (../shared/data)."""
    if not SHARED_DATA.is_dir():
        skip_or_fail(f"real datasets not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def real_listed_graph(shared_data, tmp_path_factory):
    """The Taifu case, the listed-company graph and the 2018 board members loaded together into one
    graph, firms and people resolved (``resolved`` set on every node): ``(G, person resolution)``.
    Read-only. The scoring and resolution tests on the listed firms share it (one load of 157k rows
    instead of two; the tests that take it run in one worker)."""
    from creditgraph.analytics.resolve.companies import company_canonical
    from creditgraph.analytics.resolve.persons import resolve_persons
    from creditgraph.loaders.nx_sink import NetworkXSink
    from creditgraph.loaders.pipeline import load_paths

    sink = NetworkXSink()
    paths = [shared_data / n for n in ("cn_dishonest_debtor_case_taifu", "cn_listed_company_graph",
                                       "cn_ashare_executives_2018")]
    with collector.paused():  # 2.2M objects, none of them garbage: each automatic collection would walk them all
        load_paths(sink, paths, hash_key="k", report_dir=tmp_path_factory.mktemp("real-listed"), progress=False)
    G = sink.graph
    firms = company_canonical(G)
    persons = resolve_persons(G, company_canonical=firms)
    for k, c in {**firms, **persons.canonical}.items():
        G.nodes[k]["resolved"] = c
    return G, persons


@pytest.fixture(scope="session")
def city(tmp_path_factory) -> Path:
    """The standard seeded city: 1,000 companies, seed 7 (``data/`` and ``truth/``); read-only."""
    from creditgraph.synth.generate import generate

    out = tmp_path_factory.mktemp("city")
    generate(1000, seed=7, out=out, progress=False)
    return out


@pytest.fixture(scope="session")
def small_seeded_city(tmp_path_factory) -> Path:
    """A clean seeded city of 300 companies (seed 7): for tests of how a store or a command treats
    a whole city, where 1,000 firms prove nothing more than 300 and take three times as long."""
    from creditgraph.synth.generate import generate

    out = tmp_path_factory.mktemp("small-seeded-city")
    generate(300, seed=7, out=out, progress=False)
    return out


@pytest.fixture(scope="session")
def scored_city(small_seeded_city) -> Path:
    """The city the scored stores hold (``scored_store``): the 300-firm seeded city. The pages and
    roles read over it find every planted pattern there, and each store loads, resolves and
    scores it in a third of the 1,000-firm city's time."""
    return small_seeded_city


@pytest.fixture(scope="session")
def arcadedb_server(tmp_path_factory):
    """The session's embedded server (one per process: it lives in this process's JVM)."""
    server = EmbeddedServer(tmp_path_factory.mktemp("arcadedb"), heap="1g", jvm_options=jvm_options())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def arcadedb_store(arcadedb_server):
    ep = arcadedb_server.endpoint
    store = connect_bolt(ep.uri, ep.user, ep.password, database=ep.database, backend="arcadedb")
    store.ensure_schema()
    yield store
    store.close()


@pytest.fixture(scope="session")
def neo4j_store(neo4j_instance):
    store = connect_bolt(neo4j_instance.uri, neo4j_instance.user, neo4j_instance.password,
                         database=None, backend="neo4j")
    store.ensure_schema()
    yield store
    store.close()


@pytest.fixture
def memory_store():
    """The in-memory store (graph/memory.py): no JVM, the contract's semantics."""
    from creditgraph.graph.memory import MemoryGraphStore

    return MemoryGraphStore()


@pytest.fixture(params=["memory", "arcadedb", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request):
    """An empty store of each backend; every test that takes it runs on all three."""
    s = request.getfixturevalue(f"{request.param}_store")
    s.wipe()
    return s


@pytest.fixture(scope="session")
def _scored_cache() -> dict:
    """backend → the fingerprint of the scored city it holds (tests/cities.py)."""
    return {}


def _scored(request, backend: str):
    from cities import fingerprint, load_scored

    s = request.getfixturevalue(f"{backend}_store")
    cache = request.getfixturevalue("_scored_cache")
    if cache.get(backend) is None or fingerprint(s) != cache[backend]:
        city = request.getfixturevalue("scored_city")
        cache[backend] = load_scored(s, city, request.getfixturevalue("tmp_path_factory").mktemp("scored-report"))
    return s


@pytest.fixture(scope="module", params=["arcadedb", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def scored_store(request):
    """The scored city resolved and scored, in the embedded store and in Neo4j; read it, do not
    change it (loaded once per session; a module after one that changed the store reloads it)."""
    return _scored(request, request.param)


@pytest.fixture(scope="module")
def scored_arcadedb(request):
    """The seeded city resolved and scored in the embedded store (as ``scored_store``)."""
    return _scored(request, "arcadedb")


_exit_status = 0


_NEO4J_FIXTURES = {"neo4j_instance", "neo4j_store", "neo4j_driver"}
_OWN_NEO4J_FIXTURES = {"neo4j_start", "neo4j_jars"}
_STORE_FIXTURES = {"store", "scored_store"}
_SCORED_FIXTURES = {"scored_store", "scored_arcadedb"}


def _worker_group(item) -> str:
    """Which pytest-xdist worker group a test runs in (``--dist loadgroup``, pyproject): each
    module's tests together, so its module fixtures are made once, except that every test on the
    session's Neo4j (one database) runs in one worker, the tests that start Neo4j servers of their
    own (and never touch that database) in another, the tests that read the shared scored city in
    another, the browser tests in one, the tests on the real listed-company graph in one, and the
    fork tests first in theirs."""
    names = set(item.fixturenames)
    if item.get_closest_marker("fork"):
        return "fork"
    if names & _OWN_NEO4J_FIXTURES and not names & (_NEO4J_FIXTURES | _STORE_FIXTURES):
        return "neo4j-own-servers"
    if item.get_closest_marker("neo4j") or _NEO4J_FIXTURES & names:
        return "neo4j"
    if _SCORED_FIXTURES & set(item.fixturenames):
        return "scored-city"
    if item.get_closest_marker("e2e"):
        return "browser"
    if "real_listed_graph" in names:
        return "real-listed"
    return item.nodeid.split("::")[0]


def pytest_xdist_auto_num_workers(config) -> int:
    """``-n auto`` (pyproject's addopts): one worker more than there are cores. Much of a worker's
    time is spent waiting on what it started (a server, a browser, a command), and a third worker
    on two cores fills that time (``--maxprocesses`` still caps it)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores + 1


def pytest_itemcollected(item):
    """Each test is named its worker group (``_worker_group``) as it is collected: xdist reads the
    groups in its own ``pytest_collection_modifyitems``, which may run before ours."""
    item.add_marker(pytest.mark.xdist_group(_worker_group(item)))


#: Groups that start first, in this order (``--no-loadscope-reorder`` keeps it): the fork tests
#: before any JVM starts in their worker, then the longest groups, so none is left for the end.
_FIRST_GROUPS = ("fork", "neo4j", "browser", "scored-city", "tests/runs/test_killed_runs.py", "neo4j-own-servers")


def pytest_collection_modifyitems(items):
    """Tests that fork run first: once a test starts the embedded store's JVM in this process,
    Beside no longer forks (a child would lack the JVM's threads), so the fork path is tested
    before that. Under xdist the long groups follow (``_FIRST_GROUPS``); the rest keep their order."""
    def rank(item) -> int:
        group = _worker_group(item)
        return _FIRST_GROUPS.index(group) if group in _FIRST_GROUPS else len(_FIRST_GROUPS)

    items.sort(key=rank)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """Before each test's body, what its fixtures and earlier tests left alive is moved out of the
    cyclic collector's reach (``gc.freeze``, after a collection). A worker holds millions of objects
    by the end (the real listed-company graph alone is 2.2M), and the embedded store's JPype asks
    Python for a full collection after each Java collection: each walked them all, which made the
    store tests after the real-data group three times as slow (9 s of CPU became 27). Frozen
    objects are still freed when their last reference goes; only cycles among them are kept."""
    gc.collect()
    gc.freeze()
    yield


_TIMELINE = os.environ.get("CREDITGRAPH_TEST_TIMELINE")


if _TIMELINE:
    import time

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(item, nextitem):
        """With CREDITGRAPH_TEST_TIMELINE=FILE, each test's worker, start, end and CPU seconds (the
        worker's own, its in-process JVM's included, and its reaped child processes') go to FILE, one
        line each, tab-separated: which worker a run waited for, and on what it spent the cores."""
        import resource

        def cpu() -> float:
            own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
            return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

        began, cpu_began = time.time(), cpu()
        yield
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        with open(_TIMELINE, "a", encoding="utf-8") as f:
            f.write(f"{worker}\t{began:.1f}\t{time.time():.1f}\t{item.nodeid}\t{cpu() - cpu_began:.1f}\n")


def pytest_sessionfinish(session, exitstatus):
    global _exit_status
    _exit_status = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """Leave without interpreter teardown once the in-process JVM has run.

    After a green session, JPype's JVM shutdown during interpreter finalisation
    segfaulted intermittently in CI (exit 139 after "301 passed"). Every fixture has
    already stopped its server and the report is printed, so exit with pytest's own
    status here rather than let a crash in teardown turn the run red.
    """
    import sys

    if "jpype" in sys.modules and sys.modules["jpype"].isJVMStarted():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status)
