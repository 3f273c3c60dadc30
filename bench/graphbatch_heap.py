"""How much Java heap GraphBatch needs for a graph of the 1M city's shape (a probe, not a test).

    python -m bench.graphbatch_heap [--vertices 7215134] [--edges 8267991] [--records ours|small]
                                    [--edges-per-batch 1000000] [--heap 4g] [--page-ram-mb 1024]
                                    [--parallel-flush] [--commit-every 20000]

Writes synthetic vertices and edges between random vertices straight through the bulk writer's
own pieces (``graph/arcadedb_bulk.py``: ``_batch``, ``_create_vertices``, ``_new_edges``), with no fold
in Python beside it, and prints the live heap (after ``System.gc()``) after the vertices and
after each edge batch. ``--records small`` gives a vertex two properties and an edge two;
``ours`` gives them the size of the loaded city's (11 and 6, lists and dates included). At 1M
(2026-11-29, 4 GB heap; ``bench/results/load_1m_embedded_attempt.txt``): with the parallel
flush, small took everything in 430 s at ~1.1 GB live, and ours ran out of heap in the first
edge batch (at 1M and at 200k edges per batch, and with ``--commit-every 5000``): each bucket's
edges are connected in one transaction, holding every 64 KB page it touched, ~42k pages by the
histogram. Serially (the writer's setting since), ours took everything in 582 s, live heap
under 1.2 GB. The JVM is this process's: run it alone.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

from creditgraph.graph import arcadedb_bulk as bulk
from creditgraph.graph.embedded import EmbeddedServer

_CHUNK = 100_000


def _vertex(i: int, records: str) -> dict:
    if records == "small":
        return {"key": f"k{i}", "name": f"名字{i}"}
    return {"key": f"pe:h:{i:064x}", "name": f"名字{i}", "id_hash": f"{i:064x}", "id_masked": "3501021972****0000",
            "gender": "男", "birth_year": 1970 + i % 40, "city": "福州市",
            "sources": ["enterprise_registration", "officers"],
            "source_ids": [f"enterprise_registration:{i}", f"officers:{i}"],
            "first_seen": "2019-01-01", "last_seen": "2020-06-30"}


def _edge(i: int, records: str) -> dict:
    if records == "small":
        return {"sources": ["x"], "source_ids": [f"x:{i}"]}
    return {"role": "董事长", "since": "2015-03-01", "sources": ["officers"], "source_ids": [f"officers:{i}"],
            "first_seen": "2019-01-01", "last_seen": "2020-06-30"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vertices", type=int, default=7_215_134)
    ap.add_argument("--edges", type=int, default=8_267_991)
    ap.add_argument("--records", choices=("ours", "small"), default="ours")
    ap.add_argument("--edges-per-batch", type=int, default=bulk._EDGES_PER_BATCH)
    ap.add_argument("--heap", default="4g")
    ap.add_argument("--page-ram-mb", type=int, default=1024)
    ap.add_argument("--parallel-flush", action="store_true", help="connect edges as before (ran out of heap at 1M)")
    ap.add_argument("--commit-every", type=int, default=bulk._COMMIT_EVERY)
    args = ap.parse_args()
    bulk._PARALLEL_FLUSH, bulk._COMMIT_EVERY = args.parallel_flush, args.commit_every
    logging.basicConfig(level=logging.WARNING)
    import jpype

    root = Path(tempfile.mkdtemp(prefix="graphbatch-heap-"))
    server = EmbeddedServer(root, heap=args.heap,
                            page_ram_mb=args.page_ram_mb)
    server.start()
    db = server.database()
    db.command("sql", "CREATE VERTEX TYPE V IF NOT EXISTS")
    db.command("sql", "CREATE EDGE TYPE E IF NOT EXISTS")
    runtime, system = jpype.JClass("java.lang.Runtime").getRuntime(), jpype.JClass("java.lang.System")

    def live_gb() -> float:
        system.gc()
        return (runtime.totalMemory() - runtime.freeMemory()) / 2**30

    print(f"# python -m bench.graphbatch_heap --vertices {args.vertices} --edges {args.edges} --records {args.records} "
          f"--edges-per-batch {args.edges_per_batch} --heap {args.heap} --page-ram-mb {args.page_ram_mb}"
          f"{' --parallel-flush' if args.parallel_flush else ''} --commit-every {args.commit_every}")
    print(f"{'step':<28} {'records':>11} {'seconds':>8} {'records/s':>10} {'live heap GB':>13}")
    t0 = time.perf_counter()
    rids: list[str] = []
    with bulk._batch(db) as batch:
        for start in range(0, args.vertices, _CHUNK):
            rows = [_vertex(i, args.records) for i in range(start, min(args.vertices, start + _CHUNK))]
            rids += bulk._create_vertices(batch, "V", rows)
    seconds = time.perf_counter() - t0
    print(f"{'vertices':<28} {len(rids):>11,} {seconds:>8.1f} {len(rids) / seconds:>10,.0f} {live_gb():>13.2f}",
          flush=True)
    rng, done = random.Random(1), 0
    while done < args.edges:
        n, t1 = min(args.edges_per_batch, args.edges - done), time.perf_counter()
        with bulk._batch(db) as batch:
            for start in range(0, n, bulk._EDGE_BUFFER):
                m = min(bulk._EDGE_BUFFER, n - start)
                bulk._new_edges(batch, "E", [rids[rng.randrange(len(rids))] for _ in range(m)],
                                [rids[rng.randrange(len(rids))] for _ in range(m)],
                                [_edge(done + start + j, args.records) for j in range(m)])
                batch.flush()
        done, seconds = done + n, time.perf_counter() - t1
        print(f"{f'edges to {done:,}':<28} {n:>11,} {seconds:>8.1f} {n / seconds:>10,.0f} {live_gb():>13.2f}",
              flush=True)
    print(f"all in {time.perf_counter() - t0:.0f} s")
    server.stop()
    shutil.rmtree(root, ignore_errors=True)
    os._exit(0)  # interpreter teardown beside a live JVM can hang


if __name__ == "__main__":
    main()
