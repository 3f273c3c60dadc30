"""Commands that make a city to work on: generate, demo, and the local Neo4j server."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from creditgraph.cli.common import settings_from

DEMO_COMPANIES = 5_000  # loads in about a minute on the embedded store; --companies for more


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

    settings = settings_from(args)
    check_store_key(settings, demo=True)  # the demo alone may use the public key, and says so
    return run_demo(settings, companies=args.companies, seed=args.seed)


def cmd_neo4j(args: argparse.Namespace) -> int:
    from creditgraph import neo4j_local

    settings = settings_from(args)
    home, cache = settings.neo4j_home, settings.data_dir / "cache"
    if args.action == "start":
        inst = neo4j_local.start(home, cache_dir=cache, port=args.port, auth=not args.no_auth, heap=args.heap,
                                 pagecache=args.pagecache,
                                 jvm_options=settings.jvm_option_list)
        print(inst.uri)
        if inst.password:
            print(f"user {inst.user}; password in {home / 'neo4j.password'}")
    elif args.action == "stop":
        print("stopped" if neo4j_local.stop(home) else "not running")
    else:
        inst = neo4j_local.status(home)
        print(f"running at {inst.uri} (pid {inst.pid})" if inst else "not running")
        return 0 if inst else 1
    return 0


def register(sub, store: argparse.ArgumentParser) -> None:
    from creditgraph.synth.profiles import PROFILES  # plain dataclasses: cheap to import here

    s = sub.add_parser("generate", help="write a synthetic city (real source layouts) with its ground truth")
    s.add_argument("--companies", type=int, default=20_000, help="how many firms (default 20000)")
    s.add_argument("--seed", type=int, default=1, help="random seed: the same seed writes the same files")
    s.add_argument("--out", type=Path, required=True, help="folder for data/ and truth/")
    s.add_argument("--dirty", type=float, default=0.0, help="share of rows to corrupt on purpose (e.g. 0.01)")
    s.add_argument("--profile", choices=list(PROFILES), default="full",
                   help="what the city publishes and how its world looks (synth/profiles.py): full registry feed "
                        "(default), a patchy registry feed, a sparse extract, or the listed-company tables")
    s.add_argument("--json", action="store_true", help="print the summary as JSON")
    s.set_defaults(func=cmd_generate)

    s = sub.add_parser("demo", parents=[store], help="generate a small city, load it and show what was planted")
    s.add_argument("--companies", type=int, default=DEMO_COMPANIES, help=f"how many firms (default {DEMO_COMPANIES})")
    s.add_argument("--seed", type=int, default=1, help="random seed of the generated city")
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("neo4j", parents=[store], help="a local Neo4j 5.26 Community server (Java 17 + Maven); "
                                                      "`status` exits 1 when none runs")
    s.add_argument("action", choices=["start", "stop", "status"], help="start, stop or ask")
    s.add_argument("--port", type=int, default=0, help="Bolt port (default: a free one)")
    s.add_argument("--no-auth", action="store_true", help="start without authentication (tests only)")
    s.add_argument("--heap", default="1g", help="start: the server's JVM heap (default 1g; a 1M-firm city wants 4g)")
    s.add_argument("--pagecache", default="256m",
                   help="start: the page cache beside the heap (default 256m; ~ the store's size on disk serves best)")
    s.set_defaults(func=cmd_neo4j)
