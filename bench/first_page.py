"""The explorer's first page after a start, cold, in Chromium (not a test).

    python -m bench.first_page --data-dir DIR [--runs 3] [--modes plain,st.App,late] [--page "/?lang=zh"]
                               [--late 20] [--chromium PATH]

``DIR`` holds an embedded store (``creditgraph demo --data-dir DIR``). Each run starts the
explorer twice on a free loopback port, one after the other, with nothing cached:

- **plain**: the entry script run the way Streamlit runs a script that defines no ``st.App``
  (``streamlit.web.bootstrap.run``): no server hooks, so the first session's run opens the
  store (the embedded store's JVM) and the page waits for it — the explorer before it had hooks;
- **st.App**: ``streamlit run app/streamlit_app.py``, as ``creditgraph explore`` runs it: the
  store opens in a thread as the server starts (app/server.py);
- **late**: the same, with the page opened ``--late`` seconds after listening (the store open by
  then): what a user who opens the explorer a little after starting it gets.

and times: process start → server listening (``/_stcore/health`` answers), then, in a fresh
headless Chromium, listening → the page **interactive** (its heading and, on the search page, the
search box on screen, with either the status line that the store is still opening or the store's
name in the sidebar: the page has said where it stands) and listening → its **content** (the
sidebar names the store, no status line left, the script run finished: what the store backs is
drawn); then the same page again in a second browser context (a new session, warm server) as the
baseline of that server. Prints per run and the medians, the ratio of each first page to its
server's second page, and plain / st.App.

``--phases N`` instead starts the st.App explorer N times with timers in the server process (the
warm-up's steps, every script run, the browser's requests; wall seconds from listening and CPU
seconds of the thread that ran each, which depend little on the machine's load), opens the page
once, and prints where the first page's time went; ``--profile DIR`` writes a cProfile of each
step there as well.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit
from pathlib import Path

from bench._measure import machine
from creditgraph.app.strings import t
from creditgraph.graph.net import free_port

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "app" / "streamlit_app.py"
TARGET_S = 3.0  # listening → the first page interactive

_PLAIN = ("import sys; from streamlit import config; from streamlit.web import bootstrap; "
          "flags = {'server_port': int(sys.argv[2]), 'server_address': '127.0.0.1', 'server_headless': True, "
          "'browser_gatherUsageStats': False}; "
          "config._main_script_path = sys.argv[1]; bootstrap.load_config_options(flags); "
          "bootstrap.run(sys.argv[1], False, [], flags)")  # what `streamlit run` does for a script without st.App


def _command(mode: str, port: int) -> list[str]:
    if mode == "plain":
        return [sys.executable, "-c", _PLAIN, str(SCRIPT), str(port)]
    return [sys.executable, "-m", "streamlit", "run", str(SCRIPT), "--server.address", "127.0.0.1",
            "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"]


def _traced_server(trace: str, profile: str | None, port: int) -> None:
    """The st.App explorer with timers (``--phases``): each warm-up step, script run and page or
    session request appends ``{t, what, cpu_s}`` to ``trace`` (``time.monotonic``, one clock for
    every process of this machine). Wraps app/server.py's steps by name: a bench, not a contract."""
    import cProfile
    import json
    import threading

    from creditgraph.app import server
    from streamlit.runtime.scriptrunner import script_runner as sr
    from streamlit.web import cli

    lock = threading.Lock()

    def mark(what: str, **kw) -> None:
        with lock, open(trace, "a") as f:
            f.write(json.dumps({"t": time.monotonic(), "what": what, **kw}) + "\n")

    def timed(name: str, fn, *, prof: bool = True):
        def run(*args, **kwargs):
            c, prof_ = time.thread_time(), cProfile.Profile() if profile and prof else None
            mark(f"{name} start")
            if prof_:
                prof_.enable()
            try:
                return fn(*args, **kwargs)
            finally:
                if prof_:
                    prof_.disable()
                    prof_.dump_stats(f"{profile}/{name.replace(' ', '_')}.prof")
                mark(f"{name} end", cpu_s=time.thread_time() - c)
        return run

    first = server._import_first_page

    def first_page() -> None:
        first()
        from creditgraph.app import state  # imported by now: wrap the store's opening

        state.warm_up = timed("store open", state.warm_up)

    server._import_first_page = timed("first-page imports", first_page)
    server._import_later_pages = timed("later imports", server._import_later_pages)
    runs = {"n": 0}
    run_script = sr.ScriptRunner._run_script

    def traced_run(self, rerun_data):
        runs["n"] += 1
        frag = bool(getattr(rerun_data, "fragment_id_queue", None))
        name = "status poll" if frag else f"script run {runs['n']}"
        return timed(name, run_script, prof=not frag and runs["n"] <= 2)(self, rerun_data)

    sr.ScriptRunner._run_script = traced_run
    call = server.BasePath.__call__

    async def traced_call(self, scope, receive, send):
        if scope["type"] == "http" and self._may_be_page(scope):
            mark("page asked")
        elif scope["type"] == "websocket":
            mark("session opened")
        await call(self, scope, receive, send)

    server.BasePath.__call__ = traced_call
    sys.argv = ["streamlit"] + _command("st.App", port)[3:]
    cli.main()


def _phases(args, browser) -> None:
    """Run the traced explorer ``args.phases`` times, open the page once, print each run's phases."""
    import json
    import tempfile

    for i in range(args.phases):
        trace = Path(tempfile.mkdtemp(prefix="first-page-")) / "trace.jsonl"
        profile = None
        if args.profile:
            profile = str(Path(args.profile, f"run{i + 1}").resolve())
            Path(profile).mkdir(parents=True, exist_ok=True)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("CREDITGRAPH_")}
        env |= {"CREDITGRAPH_DATA_DIR": str(args.data_dir.resolve()), "CREDITGRAPH_USER": "bench"}
        cmd = [sys.executable, "-m", "bench.first_page", "--data-dir", str(args.data_dir), "--serve-traced", str(trace),
               str(port)]
        proc = subprocess.Popen(cmd + (["--profile", profile] if profile else []), env=env, cwd=REPO,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            listening = _listening(url, proc)
            opens = time.monotonic()
            r = _render(browser, url + args.page)
        finally:
            _stop(proc)
        load = " ".join(open("/proc/loadavg").read().split()[:3])
        rows = [json.loads(line) for line in trace.read_text().splitlines()]
        polls = [x for x in rows if x["what"] == "status poll end"]
        steps = [(x["t"], x["what"] + (f"   cpu {x['cpu_s']:.3f} s" if "cpu_s" in x else "")) for x in rows
                 if not x["what"].startswith("status poll")]
        asked = r["asked"]
        steps += [(opens, "the browser opens a fresh context"), (asked, "the browser asks for the page"),
                  (asked + r["interactive"], f"the page interactive ({r['interactive']:.2f} s after it was asked for)"),
                  (asked + r["content"], "its content drawn")]
        print(f"\nrun {i + 1} (load average {load}): seconds after listening, CPU seconds of the step's thread")
        for at, what in sorted(steps):
            print(f"  {at - listening:+7.2f}  {what}")
        print(f"  status polls while the store opened: {len(polls)}, cpu {sum(x['cpu_s'] for x in polls):.3f} s "
              f"in all")


def _listening(url: str, proc: subprocess.Popen, timeout: float = 120.0) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the explorer exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                if r.read().strip() == b"ok":
                    return time.monotonic()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.02)
    raise SystemExit(f"{url} was not listening after {timeout:.0f} s")


def _stop(proc: subprocess.Popen, grace: float = 8.0) -> None:
    """End the server's process group (SIGKILL after ``grace``: the JVM can hang at exit)."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    time.sleep(1.0)  # the store's lock files go with the process


def _render(browser, url: str, timeout_ms: int = 120_000) -> dict[str, float]:
    """Seconds from asking for ``url`` in a new context to the page interactive and to its
    content drawn (the run finished), whether the status line showed (1.0) or not (0.0), and when
    it was asked for (``asked``, ``time.monotonic``: the new context's own start is not counted)."""
    from playwright.sync_api import expect

    lang = "en" if "lang=en" in url else "zh"
    status = t("app.opening", lang, s=0).split("…")[0]  # "正在打开数据库"
    store = f"{t('app.store', lang)}: {t('store.arcadedb', lang)}"  # the sidebar's "数据库: 内置存储"
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    t0 = time.monotonic()
    try:
        page.goto(url)
        main = page.get_by_test_id("stMain")
        expect(main.get_by_role("heading").first).to_be_visible(timeout=timeout_ms)
        if urlsplit(url).path in ("", "/"):  # the landing (search) page: its box
            expect(main.get_by_test_id("stTextInput").first).to_be_visible(timeout=timeout_ms)
        said = page.get_by_text(status).or_(page.get_by_test_id("stSidebar").get_by_text(store))
        expect(said.first).to_be_visible(timeout=timeout_ms)
        interactive = time.monotonic() - t0
        saw_status = float(page.get_by_text(status).count() > 0)
        expect(page.get_by_test_id("stSidebar").get_by_text(store)).to_be_visible(timeout=timeout_ms)
        expect(page.get_by_text(status)).to_have_count(0, timeout=timeout_ms)
        expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning",
                                                                timeout=timeout_ms)
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=timeout_ms)
        expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=timeout_ms)
        return {"interactive": interactive, "content": time.monotonic() - t0, "status": saw_status, "asked": t0}
    finally:
        context.close()


def one(mode: str, data_dir: Path, page: str, browser, late: float = 0.0) -> dict[str, float]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDITGRAPH_")}
    env |= {"CREDITGRAPH_DATA_DIR": str(data_dir.resolve()), "CREDITGRAPH_USER": "bench"}
    t0 = time.monotonic()
    proc = subprocess.Popen(_command(mode, port), env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        listening = _listening(url, proc) - t0
        if late:
            time.sleep(late)
        first = _render(browser, url + page)
        second = _render(browser, url + page)
    finally:
        _stop(proc)
    return {"listening": listening, "interactive": first["interactive"], "first": first["content"],
            "status": first["status"], "second": second["content"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, required=True, help="a data dir with an embedded store (creditgraph demo)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--page", default="/?lang=zh", help="the page opened, as a path with its query")
    ap.add_argument("--late", type=float, default=20.0,
                    help="seconds after listening the 'late' run opens the page (the store open by then)")
    ap.add_argument("--modes", default="plain,st.App,late", help="which of plain, st.App, late to run")
    ap.add_argument("--chromium", default=os.environ.get("CREDITGRAPH_CHROMIUM", "/usr/bin/chromium"))
    ap.add_argument("--phases", type=int, default=0, help="instead: N traced starts, where the first page's time goes")
    ap.add_argument("--profile", help="with --phases: a folder for a cProfile of each step")
    ap.add_argument("--serve-traced", nargs=2, metavar=("TRACE", "PORT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve_traced:
        _traced_server(args.serve_traced[0], args.profile, int(args.serve_traced[1]))
        return
    from playwright.sync_api import sync_playwright

    print(f"# python -m bench.first_page {' '.join(sys.argv[1:])}")
    print(f"# {machine()}")
    rows: dict[str, list[dict[str, float]]] = {m: [] for m in args.modes.split(",")}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, headless=True,
                                     args=["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"])
        browser.new_context().close()  # Chromium's own start is not the explorer's
        if args.phases:
            _phases(args, browser)
            return
        print(f"{'run':>3}  {'mode':<7} {'start→listening':>16} {'→interactive':>13} {'→content':>9} "
              f"{'status shown':>12} {'second page':>12}")
        for i in range(args.runs):
            for mode in rows:
                r = one("st.App" if mode == "late" else mode, args.data_dir, args.page, browser,
                        late=args.late if mode == "late" else 0.0)
                rows[mode].append(r)
                print(f"{i + 1:>3}  {mode:<7} {r['listening']:>14.2f} s {r['interactive']:>11.2f} s "
                      f"{r['first']:>7.2f} s {'yes' if r['status'] else 'no':>12} {r['second']:>10.2f} s", flush=True)
        browser.close()
    cols = ("listening", "interactive", "first", "second")
    med = {m: {k: statistics.median(r[k] for r in rs) for k in cols} for m, rs in rows.items()}
    print(f"\nmedians over {args.runs} runs (target: first page interactive ≤ {TARGET_S:.0f} s after listening)")
    for m, x in med.items():
        print(f"     {m:<7} {x['listening']:>14.2f} s {x['interactive']:>11.2f} s {x['first']:>7.2f} s "
              f"{'':>12} {x['second']:>10.2f} s   content / second page = {x['first'] / x['second']:.1f}x")
    for m in [m for m in ("st.App", "late") if m in med and "plain" in med]:
        verdict = "meets" if med[m]["interactive"] <= TARGET_S else "misses"
        ratio = med["plain"]["interactive"] / med[m]["interactive"]
        print(f"ratio: first page interactive, plain / {m} = {ratio:.1f}x "
              f"({m} {verdict} the {TARGET_S:.0f} s target); content, plain / {m} = "
              f"{med['plain']['first'] / med[m]['first']:.1f}x")


if __name__ == "__main__":
    main()
