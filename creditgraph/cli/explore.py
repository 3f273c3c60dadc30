"""``creditgraph explore``: the Streamlit explorer as a child process that ends with us; and what
its pages show, on the command line: ``entity`` (one entity, its scores and risk level) and
``paths`` (how two entities are tied, found as the paths page finds them)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from creditgraph.cli.common import Registered, log, settings_from
from creditgraph.graph.runs import report_unfinished
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


#: The score properties ``creditgraph entity`` shows, in this order.
SCORES = ("shell_score", "shell_flag", "repeat_cases", "repeat_flag", "repeat_reason", "spread", "cluster")


def cmd_entity(args: argparse.Namespace) -> int:
    """One entity by key: label, name, risk level (:func:`creditgraph.analytics.risk.risk_level`)
    and the scores behind it. An unknown key is a NotFound (exit 3)."""
    from creditgraph.analytics.risk import risk_level
    from creditgraph.graph.connect import open_store

    settings = settings_from(args)
    with Registered(settings, "entity", {"key": args.key}) as reg, open_store(settings) as store:
        report_unfinished(store)
        e = store.get(args.key)
        reg.results = 1
    scores = {k: e.props[k] for k in SCORES if e.props.get(k) is not None}
    out = {"key": e.key, "label": e.label, "name": e.name, "risk": risk_level(e.props),
           "resolved": e.props.get("resolved") or e.key, "scores": scores}
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
        return 0
    print(f"{e.label:<16} {e.key:<48} {e.name}")
    print(f"risk: {out['risk']}")
    if out["resolved"] != e.key:
        print(f"resolved: {out['resolved']}")
    for k, v in scores.items():
        print(f"  {k:<14} {v}")
    return 0


def cmd_paths(args: argparse.Namespace) -> int:
    """Paths between two entities as the explorer's paths page finds them
    (:func:`creditgraph.analytics.paths.find_paths`); exit 1 when none is found."""
    from creditgraph.analytics.paths import find_paths
    from creditgraph.graph.connect import open_store

    settings = settings_from(args)
    query = {"start": args.start, "end": args.end, "max_hops": args.max_hops, "k": args.k}
    with Registered(settings, "paths", query) as reg, open_store(settings) as store:
        report_unfinished(store)
        found = find_paths(store, args.start, args.end, k=args.k, max_hops=args.max_hops)
        reg.results = len(found.paths)
    G = found.graph
    paths = [{"length": len(p) - 1,
              "nodes": [{"key": n, "label": G.nodes[n].get("label", ""), "name": G.nodes[n].get("name", "")}
                        for n in p],
              "hops": [[{k: v for k, v in r.items() if k in ("type", "start", "end", "role", "since", "first_seen")}
                        for r in rels] for rels in found.hops(p)]}
             for p in found.paths]
    if args.json:
        print(json.dumps({"start": found.start, "end": found.end, "via": found.via, "paths": paths},
                         ensure_ascii=False, indent=2, default=str))
    else:
        for p in paths:
            line = [p["nodes"][0]["name"] or p["nodes"][0]["key"]]
            for n, rels in zip(p["nodes"][1:], p["hops"]):
                via = ",".join(r["type"] + (f":{r['role']}" if r.get("role") else "") for r in rels)
                line.append(f"-[{via}]- {n['name'] or n['key']}")
            print(" ".join(line))
        if not paths:
            print(f"no path of at most {args.max_hops} hops")
    return 0 if paths else 1


def _positive(text: str) -> int:
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return n


def register(sub, store: argparse.ArgumentParser) -> None:
    s = sub.add_parser("explore", parents=[store], help="the Streamlit explorer: search, networks, paths, rankings")
    s.add_argument("--port", type=int, default=8501, help="HTTP port (default 8501)")
    s.add_argument("--address", default="127.0.0.1",
                   help="listen address (loopback by default; any other needs logins: creditgraph users add)")
    s.add_argument("--user", help="who is asking, for the query register (default: CREDITGRAPH_USER)")
    s.set_defaults(func=cmd_explore, store_key="read")

    s = sub.add_parser("entity", parents=[store], help="one entity by key: its risk level and scores")
    s.add_argument("key", help="an entity key, e.g. co:uscc:91350100… (creditgraph search finds it)")
    s.add_argument("--json", action="store_true", help="print the entity as JSON")
    s.set_defaults(func=cmd_entity, store_key="read")

    s = sub.add_parser("paths", aliases=["path"], parents=[store],
                       help="how two entities are tied: the k shortest typed paths, as the explorer's paths page "
                            "finds them (exit 1 when there is none)")
    s.add_argument("start", help="an entity key, e.g. co:uscc:91350100…")
    s.add_argument("end", help="an entity key")
    s.add_argument("--max-hops", type=_positive, default=6, help="longest path to look for (default 6)")
    s.add_argument("-k", type=_positive, default=5, help="at most this many paths, shortest first (default 5)")
    s.add_argument("--json", action="store_true", help="print the paths, their nodes and relations as JSON")
    s.set_defaults(func=cmd_paths, store_key="read")
