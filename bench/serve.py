"""Explorer response times on a loaded city (not a test).

    python -m bench.serve --data-dir .creditgraph/serve100k [--neo4j URI] [--samples 1000] [--pages 100]

Times, over ``--samples`` random firms of the city the store holds (read from its
``city/data/enterprise_registration.csv``), what the explorer asks of the store:

- search: the one-box lookup for a full name, a trade name (the middle of a name), a USCC or a
  case number, with the in-memory name index the explorer builds once per process;
- entity page reads: the entity, the records reaching it (``related_listings``), its
  1-hop network and the Cytoscape elements built from it;
- 2-hop network; path query (all shortest paths between two firms, up to 6 hops);

then runs the real entity and search pages (Streamlit AppTest, in this process) ``--pages``
times each (cold caches, name index built). Prints p50 / p95 per operation, and the ratio of
trade-name search through the store's substring scan to the same lookup with the name index,
measured in the same run (the first ``--baseline`` such queries, 50 by default).
"""

from __future__ import annotations

import argparse
import csv
import logging
import random
import statistics
import time
from pathlib import Path

from creditgraph.app.network import build_view
from creditgraph.graph.connect import open_store
from creditgraph.graph.lookup import lookup
from creditgraph.graph.name_index import NameIndex
from creditgraph.settings import DEFAULT_ID_HASH_KEY, Settings

TARGETS_MS = {"search": 200, "entity page (reads)": 300, "entity page (AppTest)": 300, "path": 1000}


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def _sample(city: Path, n: int, seed: int) -> tuple[list[dict], list[str]]:
    rng = random.Random(seed)
    with open(city / "data" / "enterprise_registration.csv", encoding="utf-8") as fh:
        firms = list(csv.DictReader(fh))
    cases = []
    with open(city / "data" / "dishonest_records_zxgk.csv", encoding="utf-8", errors="replace") as fh:
        cases = [r["案号"] for r in csv.DictReader(fh) if r.get("案号")]
    return rng.sample(firms, min(n, len(firms))), cases


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, required=True, help="data dir holding embedded/ and city/")
    ap.add_argument("--neo4j", help="a Neo4j URI holding the same city (default: the embedded store)")
    ap.add_argument("--neo4j-password")
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--pages", type=int, default=100, help="AppTest page runs (0 to skip)")
    ap.add_argument("--baseline", type=int, default=50,
                    help="trade-name queries also run through the store's substring scan (seconds each at 1M)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    settings = Settings(data_dir=args.data_dir, neo4j_uri=args.neo4j, neo4j_password=args.neo4j_password,
                        _env_file=None)
    hash_key = DEFAULT_ID_HASH_KEY
    firms, cases = _sample(args.data_dir / "city", args.samples, args.seed)
    rng = random.Random(args.seed)
    times: dict[str, list[float]] = {}

    def timed(name: str, fn, *a, **kw):
        t0 = time.perf_counter()
        out = fn(*a, **kw)
        times.setdefault(name, []).append((time.perf_counter() - t0) * 1000)
        return out

    with open_store(settings, ensure_schema=False) as store:
        t0 = time.perf_counter()
        names = NameIndex.build(store)
        print(f"name index: {len(names):,} names in {time.perf_counter() - t0:.1f} s (once per server process)")
        for i, f in enumerate(firms):
            key = f"co:uscc:{f['统一社会信用代码']}"
            # a full name, its trade name (the middle: 福州|荣悦|网络科技有限公司), a USCC, a case number
            query = [f["公司名"], f["公司名"][2:6], f["统一社会信用代码"],
                     rng.choice(cases) if cases else f["公司名"]][i % 4]
            timed("search", lookup, store, query, hash_key=hash_key, limit=30, names=names)
            if i % 4 == 1 and i < 4 * args.baseline:
                timed("search: substring scan (baseline)", lookup, store, query, hash_key=hash_key, limit=30)
                timed("search: name index (same queries)", lookup, store, query, hash_key=hash_key, limit=30,
                      names=names)
            t0 = time.perf_counter()
            store.get(key)
            store.related_listings(key)
            sub = store.neighbourhood(key, hops=1, per_node=25, limit=150)
            build_view(sub, centre=key)
            times.setdefault("entity page (reads)", []).append((time.perf_counter() - t0) * 1000)
            timed("2-hop network", store.neighbourhood, key, hops=2, per_node=25, limit=150)
            other = f"co:uscc:{firms[(i + 1) % len(firms)]['统一社会信用代码']}"
            timed("path", store.shortest_paths, key, other, max_hops=6, limit=5)
        if args.pages:
            _pages(store, settings, firms[: args.pages], times)

    print(f"\nexplorer timings, {len(firms)} firms sampled, store: {'neo4j' if args.neo4j else 'embedded'}")
    print(f"{'operation':<38} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'target':>8}")
    for name, xs in times.items():
        target = TARGETS_MS.get(name)
        print(f"{name:<38} {len(xs):>5} {statistics.median(xs):>8.1f} {_pct(xs, 0.95):>8.1f} "
              f"{(str(target) if target else '-'):>8}")
    scan, probe = times.get("search: substring scan (baseline)"), times.get("search: name index (same queries)")
    if scan and probe:
        print(f"ratio: trade-name search p50, store substring scan / in-memory name index = "
              f"{statistics.median(scan) / statistics.median(probe):.1f}x")


def _pages(store, settings, firms: list[dict], times: dict[str, list[float]]) -> None:
    """Run the real pages through AppTest against this store (server-side time, no browser)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from creditgraph.app import state

    state.store = lambda: store
    bench_settings = settings.model_copy(update={"data_dir": settings.data_dir / "bench-audit", "user": "bench"})
    state.settings = lambda: bench_settings
    app = str(Path(state.__file__).parent / "streamlit_app.py")
    for f in firms:
        for name, page, params in (("entity page (AppTest)", "app_pages/entity.py",
                                    {"entity": f"co:uscc:{f['统一社会信用代码']}"}),
                                   ("search page (AppTest)", "app_pages/search.py", {"q": f["公司名"][2:6]})):
            at = AppTest.from_file(app, default_timeout=120)
            at.run()  # the frame and an empty search page
            for k, v in params.items():
                at.query_params[k] = v
            at.switch_page(page)
            st.cache_data.clear()  # cold reads: what a first visit costs (the name index stays built)
            t0 = time.perf_counter()
            at.run()
            times.setdefault(name, []).append((time.perf_counter() - t0) * 1000)
            if at.exception:
                raise RuntimeError(f"{page} failed: {at.exception[0].value}")


if __name__ == "__main__":
    main()
