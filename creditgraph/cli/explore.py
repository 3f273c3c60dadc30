"""``creditgraph explore``: the Streamlit explorer as a child process that ends with us."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from creditgraph.cli.common import log, settings_from
from creditgraph.logins import check_listen_address


def cmd_explore(args: argparse.Namespace) -> int:
    """Serve the Streamlit explorer on loopback, pointed at the store these flags select.

    Streamlit runs as a child in its own process group; SIGTERM, SIGINT or SIGHUP to this
    process ends that group (SIGKILL after a grace period: once a page has opened the
    embedded store, the child can hang in the JVM's shutdown), so no server is left holding
    the port.
    """

    import creditgraph.app

    settings = settings_from(args)
    check_listen_address(args.address, settings)  # beyond loopback only where people must sign in
    env = dict(os.environ, CREDITGRAPH_DATA_DIR=str(Path(settings.data_dir).resolve()),
               CREDITGRAPH_USER=args.user or settings.user)
    env.pop("CREDITGRAPH_AUDIT_KEY", None)  # the explorer never holds the checkpoint key
    if settings.use_neo4j:
        env |= {"CREDITGRAPH_NEO4J_URI": settings.neo4j_uri, "CREDITGRAPH_NEO4J_USER": settings.neo4j_user}
        if settings.neo4j_password:
            env["CREDITGRAPH_NEO4J_PASSWORD"] = settings.neo4j_password.get_secret_value()
    script = Path(creditgraph.app.__file__).parent / "streamlit_app.py"
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.address", args.address,
           "--server.port", str(args.port), "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    log.info("explorer at http://%s:%s (store: %s)", args.address, args.port,
             "neo4j" if settings.use_neo4j else settings.embedded_dir)
    return _run_child(subprocess.Popen(cmd, env=env, start_new_session=True))


class _Stop(Exception):
    def __init__(self, signum: int) -> None:
        self.signum = signum


def _run_child(proc, *, grace: float = 8.0) -> int:
    """Wait for ``proc`` (leader of its own process group); on SIGTERM/SIGINT/SIGHUP end its group."""

    def stop(signum, _frame):
        raise _Stop(signum)

    caught = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    old = {s: signal.signal(s, stop) for s in caught}
    try:
        return proc.wait()
    except _Stop as e:
        log.info("stopping the explorer (signal %d)", e.signum)
        return 128 + e.signum
    finally:
        for s in caught:
            signal.signal(s, signal.SIG_IGN)  # a second signal must not cut the clean-up short
        _end_group(proc, grace)
        for s, h in old.items():
            signal.signal(s, h)


def _end_group(proc, grace: float) -> None:

    def alive() -> bool:
        try:
            os.killpg(proc.pid, 0)
            return True
        except ProcessLookupError:
            return False

    if not alive():
        proc.wait()
        return
    os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        proc.poll()  # reap the leader, so that a group of one zombie counts as gone
        if not alive():
            break
        time.sleep(0.1)
    else:
        log.warning("the explorer did not stop within %.0f s; killing it", grace)
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def register(sub, store: argparse.ArgumentParser) -> None:
    s = sub.add_parser("explore", parents=[store], help="the Streamlit explorer: search, networks, paths, rankings")
    s.add_argument("--port", type=int, default=8501, help="HTTP port (default 8501)")
    s.add_argument("--address", default="127.0.0.1",
                   help="listen address (loopback by default; any other needs logins: creditgraph users add)")
    s.add_argument("--user", help="who is asking, for the query register (default: CREDITGRAPH_USER)")
    s.set_defaults(func=cmd_explore, store_key="read")
