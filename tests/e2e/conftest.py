"""The explorer as a user meets it: ``creditgraph explore`` on a loopback port over a scored
city, and Debian's Chromium driven by Playwright, kept offline.

Chromium comes from the system (``/usr/bin/chromium``, installed by ``.ci/run``), never from
``playwright install``: nothing may be downloaded. Without it, or without the ``playwright``
package, these tests skip locally and fail under CI.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest

from creditgraph.graph.net import free_port
from creditgraph.synth.truth import load_truth
from testenv import fresh_env

REPO = Path(__file__).resolve().parents[2]
HASH_KEY = "e2e-test-key"
USER = "e2e-inspector"
ARTIFACTS = REPO / "test-artifacts" / "e2e"
CHROMIUM = os.environ.get("CREDITGRAPH_CHROMIUM", "/usr/bin/chromium")

# Chromium's own background traffic off, and every host name but loopback unresolvable:
# a request for anything else fails in the browser, and still shows in the request log.
CHROMIUM_ARGS = [
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-domain-reliability",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
TIMEOUT_MS = 60_000  # a Streamlit rerun on a busy two-core runner can take many seconds


@dataclass
class Explorer:
    """A running explorer: its base URL, its data folder, and the server's log."""

    url: str
    data_dir: Path
    log: Path


@dataclass
class Browser:
    """One browser page for the module, every URL it (or a frame in it) asked for, and where
    screenshots and downloads are kept for the reviewer."""

    page: object
    requests: list[str] = field(default_factory=list)
    artifacts: Path = ARTIFACTS
    errors: list[str] = field(default_factory=list)  # console errors and uncaught exceptions, every page
    failed: list[str] = field(default_factory=list)  # responses of 400 and above: "status url"


def skip_or_fail(config: pytest.Config, reason: str) -> None:
    """The project's rule (skip locally, fail under CI=true)."""
    from ci_rules import skip_or_fail as rule

    rule(reason)


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            pytest.fail(f"creditgraph explore exited with {proc.returncode}:\n{tail}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    tail = log.read_text(errors="replace")[-3000:]
    pytest.fail(f"the explorer at {url} was not healthy after {timeout:.0f}s:\n{tail}")


def _env() -> dict[str, str]:
    """No CREDITGRAPH_* from the caller's shell (a Neo4j URI would switch stores); no .env either."""
    return fresh_env(CREDITGRAPH_ID_HASH_KEY=HASH_KEY)


@pytest.fixture(scope="session")
def city(small_seeded_city) -> Path:
    """The browser tests' city: the 300-firm seeded city, not the 1,000-firm one. Every pattern they
    walk to (a shell cluster and its nominee, a repeat offender, an asset-hiding case) is planted in
    it, and the explorer serves it the same way; loading, resolving and scoring it takes a third."""
    return small_seeded_city


@pytest.fixture(scope="session")
def prepared(city, tmp_path_factory) -> Path:
    """A data folder holding the seeded city loaded, resolved and scored; prepared once, copied
    for each module's explorer (a module that changes its store changes only its copy)."""
    data_dir = tmp_path_factory.mktemp("e2e-prepared")
    subprocess.run([sys.executable, str(Path(__file__).with_name("prepare_store.py")), str(city / "data"),
                    str(data_dir), HASH_KEY], env=_env(), cwd=data_dir, check=True, timeout=600)
    return data_dir


@pytest.fixture(scope="module")
def explorer(request) -> Explorer:
    """The explorer a module's tests use: the session's (``shared_explorer``), or one of its own,
    over its own copy of the city, for a module that sets ``OWN_EXPLORER = True`` (it changes the
    store, or the explorer's logins).

    ``CREDITGRAPH_E2E_URL`` points the tests at an explorer already serving that city instead
    (loaded with ``CREDITGRAPH_ID_HASH_KEY`` = ``HASH_KEY``): quicker when writing a test."""
    if os.environ.get("CREDITGRAPH_E2E_URL"):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        yield Explorer(os.environ["CREDITGRAPH_E2E_URL"].rstrip("/"), Path(), ARTIFACTS / "explorer.log")
    elif getattr(request.module, "OWN_EXPLORER", False):
        with _serving(request, request.module.__name__) as own:
            yield own
    else:
        yield request.getfixturevalue("shared_explorer")


@pytest.fixture(scope="session")
def shared_explorer(request) -> Explorer:
    """One explorer for every module that only reads the city: each start costs a JVM, a
    Streamlit server and a first page."""
    with _serving(request, "shared-explorer") as shared:
        yield shared


@contextmanager
def _serving(request, name: str) -> Iterator[Explorer]:
    """``creditgraph explore`` over a copy of the prepared city on a free loopback port; its log
    is ``test-artifacts/e2e/<name>.log``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    data_dir = request.getfixturevalue("tmp_path_factory").mktemp("e2e-data")
    shutil.copytree(request.getfixturevalue("prepared"), data_dir, dirs_exist_ok=True)
    env = _env()

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = ARTIFACTS / f"{name}.log"
    cli = Path(sys.executable).with_name("creditgraph")
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen([str(cli), "explore", "--data-dir", str(data_dir), "--port", str(port), "--user", USER],
                                env=env, cwd=data_dir, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # its own process group: streamlit is its child
    try:
        _wait_healthy(url, proc, log)
        yield Explorer(url, data_dir, log)
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen, grace: float = 5.0) -> None:
    """SIGTERM the explorer's process group (creditgraph and its streamlit child), then SIGKILL
    what is left: once a page has opened the embedded store, the streamlit process hangs in the
    JVM's shutdown at exit and never ends by itself."""
    os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.5)
    else:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


@pytest.fixture(scope="module")
def browser(pytestconfig) -> Browser:
    """Headless system Chromium, offline, with a page that records every request URL."""
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        skip_or_fail(pytestconfig, "the playwright package is not installed (pip install -e '.[dev]')")
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).is_file()):
        skip_or_fail(pytestconfig, f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN",
                                       timezone_id="Asia/Shanghai", accept_downloads=True)
        context.set_default_timeout(TIMEOUT_MS)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        seen = Browser(page=None)
        # The context sees requests from every page and frame (the network view is an iframe),
        # and service workers; web sockets are reported per page.
        context.on("request", lambda r: seen.requests.append(r.url))
        seen.page = context.new_page()
        seen.page.on("websocket", lambda ws: seen.requests.append(ws.url))
        seen.page.on("console", lambda m: seen.errors.append(f"{m.text} at {m.location.get('url', '')}")
                     if m.type == "error" else None)
        seen.page.on("pageerror", lambda e: seen.errors.append(f"pageerror: {e}"))
        context.on("response", lambda r: seen.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        try:
            yield seen
        finally:
            (ARTIFACTS / "requests.txt").write_text("\n".join(seen.requests) + "\n", encoding="utf-8")
            (ARTIFACTS / "console-errors.txt").write_text("\n".join(seen.errors + seen.failed) + "\n", encoding="utf-8")
            context.close()
            chromium.close()


LOOPBACK = {"127.0.0.1", "localhost"}


@pytest.fixture(autouse=True)
def quiet_and_local(request):
    """After every browser test: no console error, no uncaught exception and no response of 400
    or above while it ran (a page opened by its URL included: Streamlit's base-path probes,
    streamlit/streamlit#7074, are answered by app/server.py), and every URL it asked for was on
    loopback."""
    if "browser" not in request.fixturenames:
        yield
        return
    seen = request.getfixturevalue("browser")
    errors, failed, asked = len(seen.errors), len(seen.failed), len(seen.requests)
    yield
    assert not seen.failed[failed:], seen.failed[failed:][:10]
    assert not seen.errors[errors:], seen.errors[errors:][:10]
    outside = sorted({u for u in seen.requests[asked:] if urlsplit(u).scheme not in ("data", "blob", "about")
                      and urlsplit(u).hostname not in LOOPBACK})
    assert not outside, f"requests left 127.0.0.1: {outside}"


@pytest.fixture(scope="session")
def plant(city) -> dict:
    """The first planted shell cluster: a firm to search for, another firm of the cluster,
    and the nominee legal rep (name, ID number) as the truth files give them."""
    truth = load_truth(city)
    cluster = truth.of("shell_cluster")[0]
    with (city / "data" / "enterprise_registration.csv").open(encoding="utf-8") as fh:
        names = {r["统一社会信用代码"]: r["公司名"] for r in csv.DictReader(fh)}
    with (city / "truth" / "persons.csv").open(encoding="utf-8") as fh:
        ids = {int(r["pid"]): r["id_number"] for r in csv.DictReader(fh)}
    firm, other = cluster["companies"][0], cluster["companies"][-1]
    nominee = cluster["facts"]["nominee"]
    all_shells = {names[u] for c in truth.of("shell_cluster") for u in c["companies"]}
    return {"key": f"co:uscc:{firm}", "name": names[firm], "other_key": f"co:uscc:{other}", "other_name": names[other],
            "cluster_keys": [f"co:uscc:{u}" for u in cluster["companies"]], "all_shell_names": all_shells,
            "nominee": truth.names[nominee], "nominee_id": ids[nominee]}


@pytest.fixture(scope="session")
def hiding(city) -> dict:
    """The first planted asset-hiding case: the debtor firm and the firm that received its assets."""
    truth = load_truth(city)
    facts = truth.of("asset_hiding")[0]["facts"]
    with (city / "data" / "enterprise_registration.csv").open(encoding="utf-8") as fh:
        names = {r["统一社会信用代码"]: r["公司名"] for r in csv.DictReader(fh)}
    return {"debtor": f"co:uscc:{facts['debtor_firm']}", "debtor_name": names[facts["debtor_firm"]],
            "hidden": f"co:uscc:{facts['hidden_firm']}", "hidden_name": names[facts["hidden_firm"]]}


