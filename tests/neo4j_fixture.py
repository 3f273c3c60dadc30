"""Pytest plugin: a real Neo4j server for tests marked ``neo4j``.

Register it once, in ``tests/conftest.py``::

    pytest_plugins = ["neo4j_fixture"]

(``tests/`` is not a package; pytest's default "prepend" import mode puts it on
``sys.path`` when it imports that conftest, so the module imports as ``neo4j_fixture``.)

Fixtures:

``neo4j_instance`` (session)
    With ``NEO4J_URI`` set (plus ``NEO4J_USER``, ``NEO4J_PASSWORD``), that server.
    Otherwise one local server per test session, auth off, in a temporary home, with
    the jars cached in ``<repo>/.cache/neo4j``; stopped when the session ends.
``neo4j_driver`` (session)
    An official driver connected to ``neo4j_instance``.
``neo4j_start`` (function)
    ``neo4j_start(**start_kwargs)`` starts an extra local server in its own temporary
    home (for tests of the launcher itself) and stops it after the test.
``neo4j_jars`` (session)
    The folder of the Neo4j jars, fetched once, for tests that run ``neo4j-admin`` or a
    server of their own and never touch the session's database.

Tests that use only ``neo4j_start`` or ``neo4j_jars`` run in a worker of their own
(``tests/conftest.py::_worker_group``), beside the one that holds the session's database.

When a server cannot be had, the test is skipped with the reason, except in CI
(``CI=true``), where it fails: CI must never skip the Neo4j tests.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

import pytest

from creditgraph.errors import Neo4jServerError
from creditgraph import neo4j_local
from testenv import jvm_options

__all__ = ["neo4j_instance", "neo4j_driver", "neo4j_start", "neo4j_jars", "NEO4J_CACHE_DIR"]

#: Where the Neo4j jars are cached between sessions (``.cache/`` is git-ignored); under a
#: ``CREDITGRAPH_DATA_DIR`` (as in CI), its ``cache/``, where ``creditgraph neo4j start`` put them.
NEO4J_CACHE_DIR = (Path(os.environ["CREDITGRAPH_DATA_DIR"]) / "cache" if os.environ.get("CREDITGRAPH_DATA_DIR")
                   else Path(__file__).resolve().parents[1] / ".cache" / "neo4j")

# Small enough for two servers side by side on a two-core, few-GB machine.
_TEST_SERVER = {"heap": "512m", "pagecache": "64m", "timeout": 180, "jvm_options": jvm_options()}


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _unavailable(reason: str) -> None:
    """Skip locally, fail in CI; never returns."""
    if _in_ci():
        pytest.fail(f"Neo4j is required in CI (CI=true) but is unavailable: {reason}", pytrace=False)
    pytest.skip(f"no Neo4j server: {reason}")


def _external(uri: str) -> neo4j_local.Neo4jInstance:
    """The server named by NEO4J_URI; pid 0 and home '.' mark it as not ours."""
    try:
        port = urlsplit(uri).port or 7687
    except ValueError as e:
        _unavailable(f"NEO4J_URI={uri!r} is not a valid URI: {e}")
    return neo4j_local.Neo4jInstance(
        uri=uri,
        user=os.environ.get("NEO4J_USER", "neo4j"),
        password=os.environ.get("NEO4J_PASSWORD"),
        pid=0,
        home=Path("."),
        port=port,
    )


def _auth(instance: neo4j_local.Neo4jInstance) -> tuple[str, str] | None:
    return (instance.user, instance.password) if instance.password is not None else None


@pytest.fixture(scope="session")
def neo4j_instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[neo4j_local.Neo4jInstance]:
    """One Neo4j server for the whole session (see the module docstring)."""
    uri = os.environ.get("NEO4J_URI")
    if uri:
        from neo4j import GraphDatabase
        from neo4j.exceptions import DriverError, Neo4jError

        instance = _external(uri)
        failure = None
        try:
            with GraphDatabase.driver(instance.uri, auth=_auth(instance)) as driver:
                driver.verify_connectivity()
        except (DriverError, Neo4jError, OSError) as e:
            failure = f"NEO4J_URI={uri} does not answer: {e}"
        if failure:
            _unavailable(failure)
        yield instance
        return

    home = tmp_path_factory.mktemp("neo4j-home")
    failure = None
    try:
        instance = neo4j_local.start(home, cache_dir=NEO4J_CACHE_DIR, auth=False, **_TEST_SERVER)
    except Neo4jServerError as e:  # reported outside the handler, without the chained traceback
        failure = str(e)
    if failure:
        _unavailable(failure)
    try:
        yield instance
    finally:
        neo4j_local.stop(home)


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_instance: neo4j_local.Neo4jInstance) -> Iterator[Any]:
    """The official driver, connected to ``neo4j_instance``; closed at session end."""
    from neo4j import GraphDatabase

    with GraphDatabase.driver(neo4j_instance.uri, auth=_auth(neo4j_instance)) as driver:
        yield driver


@pytest.fixture(scope="session")
def neo4j_jars() -> Path:
    """The Neo4j jars in ``NEO4J_CACHE_DIR`` (fetched with Maven on first use)."""
    failure = None
    try:
        return neo4j_local.fetch(NEO4J_CACHE_DIR)
    except Neo4jServerError as e:
        failure = str(e)
    _unavailable(failure)
    raise AssertionError("unreachable: _unavailable always raises")


@pytest.fixture
def neo4j_start(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., neo4j_local.Neo4jInstance]]:
    """Start extra local servers, each in a fresh home; all are stopped after the test."""
    homes: list[Path] = []

    def _start(**kwargs: Any) -> neo4j_local.Neo4jInstance:
        home = kwargs.pop("home", None) or tmp_path_factory.mktemp("neo4j-extra")
        homes.append(home)
        try:
            return neo4j_local.start(home, **{"cache_dir": NEO4J_CACHE_DIR, **_TEST_SERVER, **kwargs})
        except Neo4jServerError as e:
            failure = str(e)
        _unavailable(failure)
        raise AssertionError("unreachable: _unavailable always raises")

    try:
        yield _start
    finally:
        for home in homes:
            neo4j_local.stop(home)
