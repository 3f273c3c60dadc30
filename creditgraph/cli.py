"""The ``creditgraph`` command line: generate, load, stats, search, paths, the local Neo4j, the demo."""

from __future__ import annotations

import argparse
import functools
import json
import logging
import sys
from pathlib import Path
from typing import Sequence

from creditgraph.errors import CreditGraphError
from creditgraph.settings import Settings

__all__ = ["main"]

DEMO_COMPANIES = 5_000  # loads in about a minute on the embedded store; --companies for more

log = logging.getLogger("creditgraph")


def _settings(args: argparse.Namespace) -> Settings:
    """Flags over environment over .env; ``--neo4j`` with no URI means the project's local server."""
    overrides = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = args.data_dir
    settings = Settings(**overrides)
    neo4j = getattr(args, "neo4j", None)
    if neo4j:
        if neo4j == "local":
            from creditgraph.graph import neo4j_server

            inst = neo4j_server.status(settings.neo4j_home)
            if inst is None:
                raise CreditGraphError("no local Neo4j is running; start one with `creditgraph neo4j start`")
            settings = settings.model_copy(update={"neo4j_uri": inst.uri, "neo4j_user": inst.user,
                                                   "neo4j_password": inst.password})
        else:
            settings = settings.model_copy(update={"neo4j_uri": neo4j})
    if isinstance(settings.neo4j_password, str):
        from pydantic import SecretStr

        settings = settings.model_copy(update={"neo4j_password": SecretStr(settings.neo4j_password)})
    return settings


#: Commands that read or write a store: each is refused the built-in ID-hash key, and a store
#: built with another key (creditgraph/keys.py); ``load`` writes ID hashes.
STORE_COMMANDS = frozenset({"load", "stats", "search", "paths", "related", "review", "resolve", "score",
                            "evaluate", "explore"})


def _check_key(args: argparse.Namespace) -> None:
    from creditgraph.keys import check_store_key

    if args.command in STORE_COMMANDS:
        check_store_key(_settings(args), writes=args.command == "load")


def _audit(settings: Settings):
    from creditgraph.audit import AuditLog, seal_key

    return AuditLog(_register(settings), settings.user, seal_key=seal_key(settings.id_hash_key.get_secret_value()))


def _register(settings: Settings) -> Path:
    return settings.data_dir / "audit" / "queries.jsonl"


class _Registered:
    """Register a read when it ends — answered, empty, not found or failed — so that no lookup
    goes unrecorded (``with _Registered(settings, "paths", query) as reg: ...; reg.results = n``)."""

    def __init__(self, settings: Settings, action: str, query: dict) -> None:
        self.settings, self.action, self.query, self.results = settings, action, query, 0

    def __enter__(self) -> "_Registered":
        return self

    def __exit__(self, kind, exc, tb) -> None:
        outcome = None if exc is None else (str(exc) if isinstance(exc, CreditGraphError) else f"failed: {kind.__name__}")
        _audit(self.settings).record(self.action, self.query, self.results if exc is None else 0, outcome=outcome)


def cmd_load(args: argparse.Namespace) -> int:
    from creditgraph.graph.connect import open_store
    from creditgraph.loaders.mapping import load_mappings
    from creditgraph.loaders.pipeline import load_paths

    settings = _settings(args)  # main() has checked the key against the store (keys.py)
    mapping = load_mappings(args.mapping) if args.mapping else None
    import datetime as dt

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    report_dir = args.report_dir or settings.data_dir / "reports" / stamp
    load = functools.partial(load_paths, paths=args.paths, hash_key=settings.id_hash_key.get_secret_value(),
                             report_dir=report_dir, mapping=mapping, batch_rows=settings.batch_size)
    if args.bulk:
        report = _bulk_first_load(settings, load)
    else:
        with open_store(settings) as store:
            report = load(store)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(report.render())
        print(f"report: {report_dir / 'load-report.json'}")
    return 0


def _bulk_first_load(settings: Settings, load):
    """Map everything into a fold, then write it in one GraphBatch pass (empty embedded store only)."""
    from creditgraph.graph.arcadedb_bulk import write_arcadedb
    from creditgraph.graph.bulk import Fold
    from creditgraph.graph.connect import open_embedded

    if settings.use_neo4j:
        raise CreditGraphError("--bulk writes the embedded store in-process; for an empty Neo4j use "
                               "neo4j-admin import (creditgraph.graph.neo4j_import), or load without --bulk")
    with open_embedded(settings) as (server, store):
        present = sum(store.counts().nodes.values())
        if present:
            raise CreditGraphError(f"--bulk is for the first load of an empty store; this one holds {present:,} "
                                   "nodes: load without --bulk (MERGE keeps loads idempotent)")
        fold = Fold()
        report = load(fold)
        log.info("mapped %d rows into %d nodes and %d edges; writing them", report.rows_read,
                 len(fold.nodes), len(fold.edges))
        write_arcadedb(server.database(), fold)
        store.ensure_schema()  # the bulk path builds the indexes after the records
    return report


def cmd_stats(args: argparse.Namespace) -> int:
    from creditgraph.graph.connect import open_store

    with open_store(_settings(args)) as store:
        counts = {"backend": store.backend, **store.counts().as_dict()}
    if args.json:
        print(json.dumps(counts, ensure_ascii=False, indent=2))
    else:
        print(f"backend: {counts['backend']}")
        for kind in ("nodes", "relationships"):
            for name, n in counts[kind].items():
                print(f"  {name:<16} {n:>10}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from creditgraph.graph.connect import open_store
    from creditgraph.graph.lookup import lookup

    settings = _settings(args)
    with _Registered(settings, "search", {"text": args.text}) as reg, open_store(settings) as store:
        # the explorer's lookup: identifiers and stock codes by index, names in either script
        _, found = lookup(store, args.text, hash_key=settings.id_hash_key.get_secret_value(), limit=args.limit)
        hits = [h.entity for h in found]
        if not hits:  # records (cases, listings ...) by any of their searchable text
            hits = store.search(args.text, limit=args.limit)
        reg.results = len(hits)
    for e in hits:
        print(f"{e.label:<16} {e.key:<48} {e.name}")
    return 0


def cmd_mapping(args: argparse.Namespace) -> int:
    from creditgraph.loaders.check import check_mapping
    from creditgraph.loaders.mapping import load_mapping

    result = check_mapping(load_mapping(args.file), args.sample, rows=args.rows)
    print(result.render())
    return 0 if result.ok else 1


def cmd_paths(args: argparse.Namespace) -> int:
    from creditgraph.graph.connect import open_store

    settings = _settings(args)
    with _Registered(settings, "paths", {"start": args.start, "end": args.end}) as reg, open_store(settings) as store:
        paths = store.shortest_paths(args.start, args.end, max_hops=args.max_hops)
        reg.results = len(paths)
    for p in paths:
        hops = [p.nodes[0].name]
        for e, n in zip(p.edges, p.nodes[1:]):
            arrow = "->" if e.end == n.key else "<-"
            hops.append(f"-[{e.type}{':' + e.props['role'] if e.props.get('role') else ''}]{arrow} {n.name}")
        print(" ".join(hops))
    if not paths:
        print("no path")
    return 0


def cmd_wipe(args: argparse.Namespace) -> int:
    from creditgraph.graph.connect import open_store

    if not args.yes:
        raise CreditGraphError("wipe deletes the whole graph; add --yes to confirm")
    from creditgraph.keys import forget_store

    settings = _settings(args)
    with open_store(settings) as store:
        store.wipe()
    forget_store(settings)  # the empty store takes the key of its next load
    return 0


def cmd_neo4j(args: argparse.Namespace) -> int:
    from creditgraph.graph import neo4j_server

    settings = _settings(args)
    home, cache = settings.neo4j_home, settings.data_dir / "cache"
    if args.action == "start":
        inst = neo4j_server.start(home, cache_dir=cache, port=args.port, auth=not args.no_auth)
        print(inst.uri)
        if inst.password:
            print(f"user {inst.user}; password in {home / 'neo4j.password'}")
    elif args.action == "stop":
        print("stopped" if neo4j_server.stop(home) else "not running")
    else:
        inst = neo4j_server.status(home)
        print(f"running at {inst.uri} (pid {inst.pid})" if inst else "not running")
        return 0 if inst else 3
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from creditgraph.synth.generate import generate

    summary = generate(args.companies, seed=args.seed, out=args.out, dirty=args.dirty, profile=args.profile)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print(f"{summary['companies']} companies, {summary['persons']} persons, "
              f"{sum(summary['rows'].values())} rows in {summary['seconds']} s")
        for name, n in summary["rows"].items():
            print(f"  {name:<36} {n:>10} rows")
        print(f"data: {args.out / 'data'}   truth: {args.out / 'truth'}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from creditgraph.demo import run_demo
    from creditgraph.keys import check_store_key

    settings = _settings(args)
    check_store_key(settings, demo=True)  # the demo alone may use the public key, and says so
    return run_demo(settings, companies=args.companies, seed=args.seed)


def cmd_resolve(args: argparse.Namespace) -> int:
    from creditgraph.graph.connect import open_store
    from creditgraph.resolution import run_resolution

    with open_store(_settings(args)) as store:
        summary, _ = run_resolution(store, incremental=args.incremental)
    out = summary.as_dict()
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        p, c = out["persons"], out["companies"]
        print(f"persons: {p['records']} records -> {p['entities']} people ({p['links']} links from "
              f"{p['candidates']} candidate pairs; {p['refused']} refused; {p['judgements']} reviewer judgements)")
        print(f"firms:   {c['records']} records -> {c['entities']} firms ({c['links']} links; {c['ambiguous']} ambiguous)")
        for r in out["refused_examples"][:5]:
            print(f"  refused {r['a']} ~ {r['b']} ({r['score']}): {r['why']}")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from creditgraph.graph.connect import open_store
    from creditgraph.resolution import review

    settings = _settings(args)
    verdict = args.verdict.replace("-", "_")
    with open_store(settings) as store:
        review(store, args.a, args.b, verdict, by=settings.user, why=args.why)
    _audit(settings).record("review", {"a": args.a, "b": args.b, "verdict": verdict}, 1)
    print(f"recorded: {args.a} and {args.b} are {'the same' if verdict == 'same' else 'not the same'}"
          " (applies from the next `creditgraph resolve`)")
    return 0


def cmd_related(args: argparse.Namespace) -> int:
    from creditgraph.graph.connect import open_store

    settings = _settings(args)
    with _Registered(settings, "related", {"key": args.key}) as reg, open_store(settings) as store:
        rows = store.related_listings(args.key)
        reg.results = len(rows)
    for r in sorted(rows, key=lambda r: (r["via"] != "self", -r["confidence"], r["key"])):
        p = r["props"]
        when = p.get("published") or p.get("listed") or p.get("decided") or p.get("filed") or ""
        print(f"{r['confidence']:.2f}  {r['label']:<16} {p.get('case_no') or p.get('decision_no') or p.get('reason', '')}"
              f"  {p.get('court') or p.get('authority') or ''} {when}  via {r['relation']}")
    if not rows:
        print("no dishonest records, restrictions, listings or penalties reach this entity")
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from creditgraph.graph.connect import open_store
    from creditgraph.scoring import run_scoring

    settings = _settings(args)
    with open_store(settings) as store:
        summary = run_scoring(store, processes=settings.scoring_processes)
    import datetime as dt

    reports = settings.data_dir / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    path = reports / f"score-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print("  ".join(f"{k}: {v}" for k, v in summary.items() if k not in ("warnings", "shell_coverage")))
        print("shell indicator coverage: " + ", ".join(f"{k} {v:.0%}" for k, v in summary["shell_coverage"].items()))
        for w in summary["warnings"]:
            print(f"warning: {w}")
        print(f"summary written to {path}")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from creditgraph.graph.connect import open_store
    from creditgraph.resolution import evaluate_persons
    from creditgraph.scoring import evaluate_scores

    settings = _settings(args)
    key = settings.id_hash_key.get_secret_value()
    with open_store(settings) as store:
        result = evaluate_persons(store, args.truth, hash_key=key)
        try:
            result |= evaluate_scores(store, args.truth, hash_key=key)
        except CreditGraphError as e:
            log.warning("%s (scores left out of the evaluation)", e)
    from creditgraph.scoring import plot_pr_curves

    import datetime as dt

    report_dir = args.report_dir or settings.data_dir / "reports" / f"evaluate-{dt.datetime.now():%Y%m%d-%H%M%S}"
    (report_dir / "evaluation.json").parent.mkdir(parents=True, exist_ok=True)
    (report_dir / "evaluation.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    log.info("wrote %s and %s", report_dir / "evaluation.json", plot_pr_curves(result, report_dir / "pr_curves.png"))
    flat = {f"{group}.{k}": v for group, d in result.items() for k, v in d.items()}
    if args.json:
        print(json.dumps(flat, ensure_ascii=False, indent=2))
    else:
        for k, v in flat.items():
            if not isinstance(v, list):
                print(f"{k:<40} {v}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """The query register: verify it (and repair a torn last line), checkpoint it, export it."""
    from creditgraph.audit import AuditError, make_checkpoint, read_checkpoints, verify_register, write_checkpoint
    from creditgraph.audit import seal_key

    settings = _settings(args)
    register = _register(settings)
    local = register.with_name("checkpoints.jsonl")
    audit_key = settings.audit_key.get_secret_value() if settings.audit_key else None
    seal = seal_key(settings.id_hash_key.get_secret_value())

    def verdict():
        return verify_register(register, checkpoints=read_checkpoints([local, *(getattr(args, "checkpoints", None) or [])]),
                               audit_key=audit_key, seal_key=seal, strict=getattr(args, "strict", False))

    if args.action == "checkpoint":
        if not audit_key:
            raise AuditError("a checkpoint is signed with CREDITGRAPH_AUDIT_KEY, which is not set: set it (env or .env) "
                             "for the operator who anchors the register — never for the explorer")
        v = verdict()
        if not v.ok:
            raise AuditError("the register does not verify, and a checkpoint would anchor it as it is: "
                             + "; ".join(v.problems))
        cp = make_checkpoint(register, audit_key, by=settings.user)
        for out in [local, *([args.out] if args.out else [])]:
            write_checkpoint(cp, out)
        print(f"checkpoint: {cp['count']} entries, last {cp['last'][:16]}…, {cp['at']} -> {local}"
              + (f" and {args.out}" if args.out else ""))
        return 0
    if args.action == "verify" and args.repair:
        from creditgraph.audit import AuditLog

        fixed = AuditLog(register, settings.user, seal_key=seal).repair()
        if fixed:
            print(f"repaired: cut a torn last line of {json.loads(fixed['query'])['torn_bytes']} bytes; "
                  "the cut is recorded in the register")
    v = verdict()
    if args.action == "export":
        _audit(settings).record("audit-export", {"out": str(args.out)}, v.entries)  # reading the register is a read
        _export_register(register, args.out, anchored=v.anchored)
        print(f"exported {v.entries} entries to {args.out}")
    if getattr(args, "json", False):
        print(json.dumps(v.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(f"register {register}: {v.entries} entries, {v.anchored} anchored by {v.checkpoints} checkpoint(s)")
        for p in v.problems:
            print(f"TAMPERED: {p}")
        for n in v.notes:
            print(f"note: {n}")
        print("verified" if v.ok else "NOT verified")
    return 0 if v.ok else 1


def _export_register(register: Path, out: Path, *, anchored: int) -> None:
    """The register as CSV (``.csv``) or JSON lines, each entry with its line number and whether a
    checkpoint anchors it."""
    import csv

    rows = []
    if register.exists():
        for n, line in enumerate(register.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            try:
                e = json.loads(line)
            except ValueError:
                e = {"outcome": "unreadable line"}
            rows.append({"line": n, "anchored": n <= anchored, **{k: e.get(k) for k in
                         ("at", "user", "action", "query", "results", "outcome", "prev", "seal")}})
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".csv":
        with out.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=["line", "anchored", "at", "user", "action", "query", "results",
                                               "outcome", "prev", "seal"])
            w.writeheader()
            w.writerows(rows)
    else:
        out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def cmd_explore(args: argparse.Namespace) -> int:
    """Serve the Streamlit explorer on loopback, pointed at the store these flags select.

    Streamlit runs as a child in its own process group; SIGTERM, SIGINT or SIGHUP to this
    process ends that group (SIGKILL after a grace period: once a page has opened the
    embedded store, the child can hang in the JVM's shutdown), so no server is left holding
    the port.
    """
    import os
    import subprocess
    import sys

    import creditgraph.app

    settings = _settings(args)
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
    import signal

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
    import os
    import signal
    import time

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


def cmd_schema(args: argparse.Namespace) -> int:
    from creditgraph.graph.schema import schema

    print(schema().mermaid(properties=args.properties))
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="creditgraph", description=__doc__)
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    store = argparse.ArgumentParser(add_help=False)
    store.add_argument("--neo4j", nargs="?", const="local", metavar="URI",
                       help="use Neo4j (a URI, or the local server from `creditgraph neo4j start`); "
                            "default: the embedded store, or CREDITGRAPH_NEO4J_URI")
    store.add_argument("--data-dir", type=Path, help="where the embedded store, reports and audit live")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("load", parents=[store], help="load files or folders; recognises the built-in layouts")
    s.add_argument("paths", nargs="+", type=Path)
    s.add_argument("--mapping", type=Path, action="append",
                   help="a mapping file or a folder of them, for layouts creditgraph does not know (repeatable; "
                        "with several, each file's is detected by its headers)")
    s.add_argument("--report-dir", type=Path)
    s.add_argument("--json", action="store_true", help="print the load report as JSON")
    s.add_argument("--bulk", action="store_true",
                   help="first load of an empty embedded store: fold in memory, write with GraphBatch")
    s.set_defaults(func=cmd_load)

    s = sub.add_parser("mapping", help="work on a mapping file")
    msub = s.add_subparsers(dest="action", required=True)
    m = msub.add_parser("check", help="dry-run a mapping on a sample file: missing columns, the first rows as nodes/edges")
    m.add_argument("file", type=Path, help="the mapping (YAML)")
    m.add_argument("--sample", type=Path, required=True, help="a data file in the mapping's layout")
    m.add_argument("--rows", type=int, default=5, help="how many rows to show (default 5)")
    m.set_defaults(func=cmd_mapping)

    s = sub.add_parser("stats", parents=[store], help="node and relationship counts")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_stats)

    s = sub.add_parser("search", parents=[store], help="find entities by name, USCC or case number")
    s.add_argument("text")
    s.add_argument("--limit", type=int, default=20)
    s.set_defaults(func=cmd_search)

    s = sub.add_parser("paths", parents=[store], help="shortest paths between two entity keys")
    s.add_argument("start")
    s.add_argument("end")
    s.add_argument("--max-hops", type=int, default=6)
    s.set_defaults(func=cmd_paths)

    s = sub.add_parser("wipe", parents=[store], help="delete the whole graph")
    s.add_argument("--yes", action="store_true")
    s.set_defaults(func=cmd_wipe)

    s = sub.add_parser("neo4j", parents=[store], help="a local Neo4j 5.26 Community server (Java 17 + Maven)")
    s.add_argument("action", choices=["start", "stop", "status"])
    s.add_argument("--port", type=int, default=0, help="Bolt port (default: a free one)")
    s.add_argument("--no-auth", action="store_true", help="start without authentication (tests only)")
    s.set_defaults(func=cmd_neo4j)

    s = sub.add_parser("explore", parents=[store], help="the Streamlit explorer: search, networks, paths, rankings")
    s.add_argument("--port", type=int, default=8501)
    s.add_argument("--address", default="127.0.0.1", help="listen address (loopback by default)")
    s.add_argument("--user", help="who is asking, for the query register (default: CREDITGRAPH_USER)")
    s.set_defaults(func=cmd_explore)

    s = sub.add_parser("audit", help="the query register: verify, checkpoint, export")
    asub = s.add_subparsers(dest="action", required=True)
    checkpoints = argparse.ArgumentParser(add_help=False, parents=[store])
    checkpoints.add_argument("--checkpoints", type=Path, action="append", metavar="FILE",
                             help="a checkpoint file kept elsewhere (repeatable); <data dir>/audit/checkpoints.jsonl "
                                  "is always read")
    a = asub.add_parser("verify", parents=[checkpoints], help="check the chain, the seals and every checkpoint")
    a.add_argument("--repair", action="store_true", help="cut a torn last line first (recorded in the register)")
    a.add_argument("--strict", action="store_true", help="an unsealed entry after the last checkpoint fails")
    a.add_argument("--json", action="store_true")
    a = asub.add_parser("checkpoint", parents=[checkpoints], help="sign (count, last hash, time) with CREDITGRAPH_AUDIT_KEY")
    a.add_argument("--out", type=Path, help="also append the checkpoint to this file (ship it elsewhere)")
    a = asub.add_parser("export", parents=[checkpoints], help="write the register as CSV or JSON lines, verified")
    a.add_argument("--out", type=Path, required=True, help="*.csv, or JSON lines otherwise")
    s.set_defaults(func=cmd_audit)

    s = sub.add_parser("schema", help="print the schema as a Mermaid ER diagram")
    s.add_argument("--properties", action="store_true", help="include every property")
    s.set_defaults(func=cmd_schema)

    s = sub.add_parser("generate", help="write a synthetic city (real source layouts) with its ground truth")
    s.add_argument("--companies", type=int, default=20_000)
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--out", type=Path, required=True, help="folder for data/ and truth/")
    s.add_argument("--dirty", type=float, default=0.0, help="share of rows to corrupt on purpose (e.g. 0.01)")
    from creditgraph.synth.profiles import PROFILES  # plain dataclasses: cheap to import here
    s.add_argument("--profile", choices=list(PROFILES), default="full",
                   help="what the city publishes and how its world looks (synth/profiles.py): full registry feed "
                        "(default), a patchy registry feed, a sparse extract, or the listed-company tables")
    s.add_argument("--json", action="store_true", help="print the summary as JSON")
    s.set_defaults(func=cmd_generate)

    s = sub.add_parser("resolve", parents=[store], help="entity resolution: link records of one person or firm")
    s.add_argument("--json", action="store_true")
    s.add_argument("--incremental", action="store_true", help="only re-score names that gained unresolved records")
    s.set_defaults(func=cmd_resolve)

    s = sub.add_parser("review", parents=[store], help="record that two records are (not) the same; survives reloads")
    s.add_argument("verdict", choices=["same", "not-same"])
    s.add_argument("a")
    s.add_argument("b")
    s.add_argument("--why", required=True, help="the reviewer's reason, stored with the decision")
    s.set_defaults(func=cmd_review)

    s = sub.add_parser("related", parents=[store], help="dishonesty reaching a firm or person through people, firms and resolution")
    s.add_argument("key")
    s.set_defaults(func=cmd_related)

    s = sub.add_parser("score", parents=[store], help="shell, repeat-offender and hidden-asset scores, with reasons")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_score)

    s = sub.add_parser("evaluate", parents=[store], help="score resolution against a generated city's truth")
    s.add_argument("--truth", type=Path, required=True, help="the generated city folder (data/ and truth/)")
    s.add_argument("--json", action="store_true")
    s.add_argument("--report-dir", type=Path, help="where evaluation.json and pr_curves.png go")
    s.set_defaults(func=cmd_evaluate)

    s = sub.add_parser("demo", parents=[store], help="generate a small city, load it and show what was planted")
    s.add_argument("--companies", type=int, default=DEMO_COMPANIES)
    s.add_argument("--seed", type=int, default=1)
    s.set_defaults(func=cmd_demo)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("neo4j").setLevel(logging.WARNING)
    try:
        _check_key(args)
        return args.func(args)
    except CreditGraphError as e:
        log.error("%s", e)
        return 2


if __name__ == "__main__":
    sys.exit(main())
