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
from creditgraph.settings import DEFAULT_ID_HASH_KEY, Settings

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


def _audit(settings: Settings):
    from creditgraph.audit import AuditLog

    return AuditLog(settings.data_dir / "audit" / "queries.jsonl", settings.user)


def cmd_load(args: argparse.Namespace) -> int:
    from creditgraph.graph.connect import open_store
    from creditgraph.loaders.mapping import load_mappings
    from creditgraph.loaders.pipeline import load_paths

    settings = _settings(args)
    if settings.id_hash_key.get_secret_value() == DEFAULT_ID_HASH_KEY:
        log.warning("CREDITGRAPH_ID_HASH_KEY is not set: ID hashes use the development key")
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
    with open_store(settings) as store:
        # the explorer's lookup: identifiers and stock codes by index, names in either script
        _, found = lookup(store, args.text, hash_key=settings.id_hash_key.get_secret_value(), limit=args.limit)
        hits = [h.entity for h in found]
        if not hits:  # records (cases, listings ...) by any of their searchable text
            hits = store.search(args.text, limit=args.limit)
    _audit(settings).record("search", {"text": args.text}, len(hits))
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
    with open_store(settings) as store:
        paths = store.shortest_paths(args.start, args.end, max_hops=args.max_hops)
    _audit(settings).record("paths", {"start": args.start, "end": args.end}, len(paths))
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
    with open_store(_settings(args)) as store:
        store.wipe()
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

    return run_demo(_settings(args), companies=args.companies, seed=args.seed)


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
    with open_store(settings) as store:
        rows = store.related_listings(args.key)
    _audit(settings).record("related", {"key": args.key}, len(rows))
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
    print(json.dumps(summary, ensure_ascii=False, indent=2) if args.json else
          "  ".join(f"{k}: {v}" for k, v in summary.items()))
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


def cmd_explore(args: argparse.Namespace) -> int:
    """Serve the Streamlit explorer on loopback, pointed at the store these flags select."""
    import os
    import subprocess
    import sys

    import creditgraph.app

    settings = _settings(args)
    env = dict(os.environ, CREDITGRAPH_DATA_DIR=str(Path(settings.data_dir).resolve()),
               CREDITGRAPH_USER=args.user or settings.user)
    if settings.use_neo4j:
        env |= {"CREDITGRAPH_NEO4J_URI": settings.neo4j_uri, "CREDITGRAPH_NEO4J_USER": settings.neo4j_user}
        if settings.neo4j_password:
            env["CREDITGRAPH_NEO4J_PASSWORD"] = settings.neo4j_password.get_secret_value()
    script = Path(creditgraph.app.__file__).parent / "streamlit_app.py"
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.address", args.address,
           "--server.port", str(args.port), "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    log.info("explorer at http://%s:%s (store: %s)", args.address, args.port,
             "neo4j" if settings.use_neo4j else settings.embedded_dir)
    return subprocess.call(cmd, env=env)


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
        return args.func(args)
    except CreditGraphError as e:
        log.error("%s", e)
        return 2


if __name__ == "__main__":
    sys.exit(main())
