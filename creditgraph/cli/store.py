"""Commands that fill and read the store: load, mapping check, stats, search, related, wipe, schema
(``paths`` and ``entity``, which show what the explorer's pages show, are in :mod:`creditgraph.cli.explore`)."""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
from pathlib import Path

from creditgraph.cli.common import Registered, settings_from
from creditgraph.errors import CreditGraphError
from creditgraph.cli.bulk import bulk_first_load
from creditgraph.graph.runs import report_unfinished


def cmd_load(args: argparse.Namespace) -> int:
    from creditgraph.graph.connect import open_store
    from creditgraph.loaders.mapping import load_mappings
    from creditgraph.loaders.pipeline import load_paths

    settings = settings_from(args)  # main() has checked the key against the store (keys.py)
    mapping = load_mappings(args.mapping) if args.mapping else None
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    report_dir = args.report_dir or settings.data_dir / "reports" / stamp
    load = functools.partial(load_paths, paths=args.paths, hash_key=settings.id_hash_key.get_secret_value(),
                             report_dir=report_dir, mapping=mapping, batch_rows=settings.batch_size)
    from creditgraph.governance import after

    if args.bulk:
        report = bulk_first_load(settings, load, paths=args.paths)
        with open_store(settings) as store:
            after(settings, store, "load")
    else:
        with open_store(settings) as store:
            _refuse_after_stopped_bulk(store)
            report = load(store)
            after(settings, store, "load")  # objections and repairs a reload overwrote; the run's alerts
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(report.render())
        print(f"report: {report_dir / 'load-report.json'}")
    return 0


def _refuse_after_stopped_bulk(store) -> None:
    """A MERGE load onto what a stopped bulk load left would mix into an incomplete store, which
    the next ``load --bulk`` then wipes to start over: refused, saying what to run instead."""
    from creditgraph.graph import runs

    for r in runs.report_unfinished(store):
        if r.command == runs.BULK_LOAD:
            raise CreditGraphError(f"refused to load: {r.describe()}")


def cmd_mapping(args: argparse.Namespace) -> int:
    from creditgraph.loaders.check import check_mapping
    from creditgraph.loaders.mapping import load_mapping

    result = check_mapping(load_mapping(args.file), args.sample, rows=args.rows)
    print(result.render())
    return 0 if result.ok else 1


def cmd_stats(args: argparse.Namespace) -> int:
    from creditgraph.graph.connect import open_store

    from creditgraph.graph.runs import unfinished_runs

    with open_store(settings_from(args)) as store:
        counts = {"backend": store.backend, **store.counts().as_dict()}
        stopped = unfinished_runs(store)
    counts["unfinished_runs"] = [r.as_dict() for r in stopped]
    if args.json:
        print(json.dumps(counts, ensure_ascii=False, indent=2))
    else:
        print(f"backend: {counts['backend']}")
        for kind in ("nodes", "relationships"):
            for name, n in counts[kind].items():
                print(f"  {name:<16} {n:>10}")
        for r in stopped:
            print(f"UNFINISHED: {r.describe()}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from creditgraph.graph.connect import open_store
    from creditgraph.graph.lookup import lookup

    settings = settings_from(args)
    with Registered(settings, "search", {"text": args.text}) as reg, open_store(settings) as store:
        report_unfinished(store)
        # the explorer's lookup: identifiers and stock codes by index, names in either script
        _, found = lookup(store, args.text, hash_key=settings.id_hash_key.get_secret_value(), limit=args.limit)
        hits = [h.entity for h in found]
        if not hits:  # records (cases, listings ...) by any of their searchable text
            hits = store.search(args.text, limit=args.limit)
        reg.results = len(hits)
    from creditgraph.analytics.risk import risk_level

    for e in hits:  # with the risk level the explorer's badge shows (creditgraph entity KEY: the scores behind it)
        print(f"{e.label:<16} {e.key:<48} {risk_level(e.props):<6} {e.name}")
    return 0


def cmd_related(args: argparse.Namespace) -> int:
    from creditgraph.graph.connect import open_store

    settings = settings_from(args)
    with Registered(settings, "related", {"key": args.key}) as reg, open_store(settings) as store:
        report_unfinished(store)
        rows = store.related_listings(args.key)
        reg.results = len(rows)
    for r in sorted(rows, key=lambda r: (r["via"] != "self", -r["confidence"], r["key"])):
        p = r["props"]
        when = p.get("published") or p.get("listed") or p.get("decided") or p.get("filed") or ""
        what = p.get("case_no") or p.get("decision_no") or p.get("reason", "")
        print(f"{r['confidence']:.2f}  {r['label']:<16} {what}  {p.get('court') or p.get('authority') or ''} {when}"
              f"  via {r['relation']}")
    if not rows:
        print("no dishonest records, restrictions, listings or penalties reach this entity")
    return 0


def cmd_wipe(args: argparse.Namespace) -> int:
    from creditgraph.graph.connect import open_store
    from creditgraph.keys import forget_store

    if not args.yes:
        raise CreditGraphError("wipe deletes the whole graph; add --yes to confirm")
    settings = settings_from(args)
    if settings.use_neo4j:
        with open_store(settings) as store:
            store.wipe()
    else:
        from creditgraph.graph.connect import open_embedded

        with open_embedded(settings) as (server, store):
            store.wipe()
            if server.endpoint and server.endpoint.owner:
                server.empty_data()  # edge records a stopped bulk load wrote but never linked: Cypher misses them
    forget_store(settings)  # the empty store takes the key of its next load
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from creditgraph.graph.schema import schema

    print(schema().mermaid(properties=args.properties))
    return 0


def register(sub, store: argparse.ArgumentParser) -> None:
    s = sub.add_parser("load", parents=[store], help="load files or folders; recognises the built-in layouts")
    s.add_argument("paths", nargs="+", type=Path, help="data files, or folders of them")
    s.add_argument("--mapping", type=Path, action="append",
                   help="a mapping file or a folder of them, for layouts creditgraph does not know (repeatable; "
                        "with several, each file's is detected by its headers)")
    s.add_argument("--report-dir", type=Path, help="where the load report and quarantine go "
                                                    "(default: <data dir>/reports/<time>)")
    s.add_argument("--json", action="store_true", help="print the load report as JSON")
    s.add_argument("--bulk", action="store_true",
                   help="first load of an empty store: fold in memory, then write it with GraphBatch (embedded) "
                        "or neo4j-admin import (the local Neo4j of `creditgraph neo4j start`)")
    s.set_defaults(func=cmd_load, store_key="write")

    s = sub.add_parser("mapping", help="work on a mapping file")
    msub = s.add_subparsers(dest="action", required=True)
    m = msub.add_parser("check", help="dry-run a mapping on a sample file: missing columns, the first rows as "
                                      "nodes/edges")
    m.add_argument("file", type=Path, help="the mapping (YAML)")
    m.add_argument("--sample", type=Path, required=True, help="a data file in the mapping's layout")
    m.add_argument("--rows", type=int, default=5, help="how many rows to show (default 5)")
    m.set_defaults(func=cmd_mapping)

    s = sub.add_parser("stats", parents=[store], help="node and relationship counts, and any run that did not finish")
    s.add_argument("--json", action="store_true", help="print the counts as JSON")
    s.set_defaults(func=cmd_stats, store_key="read")

    s = sub.add_parser("search", parents=[store], help="find entities by name, USCC or case number")
    s.add_argument("text", help="a name (either script, either bracket style), USCC, ID number, stock code "
                                "or case number")
    s.add_argument("--limit", type=int, default=20, help="at most this many hits (default 20)")
    s.set_defaults(func=cmd_search, store_key="read")

    s = sub.add_parser("related", parents=[store],
                       help="dishonesty reaching a firm or person through people, firms and resolution")
    s.add_argument("key", help="an entity key")
    s.set_defaults(func=cmd_related, store_key="read")

    s = sub.add_parser("wipe", parents=[store], help="delete the whole graph")
    s.add_argument("--yes", action="store_true", help="confirm: the graph is deleted")
    s.set_defaults(func=cmd_wipe)

    s = sub.add_parser("schema", help="print the schema as a Mermaid ER diagram")
    s.add_argument("--properties", action="store_true", help="include every property")
    s.set_defaults(func=cmd_schema)
