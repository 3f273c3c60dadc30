"""Load benchmark: all of ../shared/data into the embedded store and into Neo4j, same process.

    python -m bench.load_shared [--data ../shared/data] [--neo4j-uri bolt://…] [--skip-neo4j]

Prints one row per backend (rows read, seconds, rows/s, node and edge counts) and a final
ratio line (embedded ÷ Neo4j rows/s). Without --neo4j-uri it starts the project's local
Neo4j 5.26 in a temporary folder. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import logging
import platform
import resource
import tempfile
import time
from pathlib import Path

from creditgraph.graph.connect import connect_bolt
from creditgraph.graph.embedded import EmbeddedServer
from creditgraph import neo4j_local
from creditgraph.loaders.pipeline import load_paths

log = logging.getLogger("bench.load_shared")


def _run(store, data: Path, report_dir: Path) -> dict:
    store.ensure_schema()
    store.wipe()
    t0 = time.perf_counter()
    report = load_paths(store, [data], hash_key="bench", report_dir=report_dir, progress=False)
    seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    again = load_paths(store, [data], hash_key="bench", report_dir=report_dir / "again", progress=False)
    reload_s = time.perf_counter() - t1
    counts = store.counts()
    return {"backend": store.backend, "rows": report.rows_read, "quarantined": report.rows_quarantined,
            "seconds": seconds, "rows_per_s": report.rows_read / seconds, "reload_s": reload_s,
            "reload_created": sum(again.nodes_created.values()) + sum(again.edges_created.values()),
            "nodes": sum(counts.nodes.values()), "edges": sum(counts.relationships.values()),
            "counts": counts.as_dict()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    ap.add_argument("--neo4j-uri")
    ap.add_argument("--skip-neo4j", action="store_true")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    tmp = Path(tempfile.mkdtemp(prefix="cg-bench-"))
    results = []

    server = EmbeddedServer(tmp / "embedded", heap="2g")
    ep = server.start()
    store = connect_bolt(ep.uri, ep.user, ep.password, database=ep.database, backend="arcadedb")
    results.append(_run(store, args.data, tmp / "r-arcadedb"))
    store.close()
    server.stop()

    if not args.skip_neo4j:
        inst = None
        uri = args.neo4j_uri
        if not uri:
            inst = neo4j_local.start(tmp / "neo4j", cache_dir=Path(".cache/neo4j"), auth=False)
            uri = inst.uri
        store = connect_bolt(uri, None, None, database=None, backend="neo4j")
        results.append(_run(store, args.data, tmp / "r-neo4j"))
        store.close()
        if inst:
            neo4j_local.stop(inst.home)

    print(f"machine: {platform.processor() or platform.machine()}, {__import__('os').cpu_count()} cores; "
          f"peak RSS of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"{'backend':<10}{'rows':>9}{'quar.':>7}{'seconds':>9}{'rows/s':>9}{'reload s':>10}"
          f"{'reload new':>11}{'nodes':>9}{'edges':>9}")
    for r in results:
        print(f"{r['backend']:<10}{r['rows']:>9}{r['quarantined']:>7}{r['seconds']:>9.1f}{r['rows_per_s']:>9.0f}"
              f"{r['reload_s']:>10.1f}{r['reload_created']:>11}{r['nodes']:>9}{r['edges']:>9}")
    for r in results:
        print(r["backend"], r["counts"])
    if len(results) == 2:
        print(f"ratio: embedded/neo4j load rows/s = {results[0]['rows_per_s'] / results[1]['rows_per_s']:.2f}")


if __name__ == "__main__":
    main()
