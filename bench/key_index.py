"""How long ArcadeDB takes to build a unique key index, by index page size (a probe, not a test).

    python -m bench.key_index [--keys 1000000] [--page-sizes 0,4194304]

Creates ``--keys`` vertices holding only a key shaped like a Person's (``pe:h:`` and 64 hex
digits) through the bulk writer's GraphBatch, then builds a unique LSM index over them, once per
page size (0: ArcadeDB's default, 256 KB), each on a fresh type in the same store, and prints the
build times and their ratio to the first. ArcadeDB checks each key against every page built so
far, so the default grows faster than the keys: on 2026-11-29, 500k keys 11.8 s, 1M 34.0 s with
the default and 10.4 s with 4 MB pages (3.3x); 4.24M (the 1M city's Person) 196 s with 1 MB and
146 s with 4 MB pages, where the real load's index building took 1,392 s with the default
(``bench/results/load_1m_embedded.txt``). The JVM is this process's: run it alone.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from creditgraph.graph import arcadedb_bulk as bulk
from creditgraph.graph.embedded import EmbeddedServer


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keys", type=int, default=1_000_000)
    ap.add_argument("--page-sizes", default="0,4194304", help="comma-separated bytes; 0 is ArcadeDB's default")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    import jpype

    root = Path(tempfile.mkdtemp(prefix="key-index-"))
    server = EmbeddedServer(root, heap="2g", page_ram_mb=512)
    server.start()
    db = server.database()
    lsm = jpype.JClass("com.arcadedb.schema.Schema$INDEX_TYPE").LSM_TREE
    print(f"# python -m bench.key_index --keys {args.keys} --page-sizes {args.page_sizes}")
    print(f"{'page size':>10} {'keys':>11} {'vertices s':>11} {'index s':>9} {'ratio':>7}")
    first = None
    for size in (int(s) for s in args.page_sizes.split(",")):
        type_name = f"K{size}"
        db.command("sql", f"CREATE VERTEX TYPE {type_name}")
        db.command("sql", f"CREATE PROPERTY {type_name}.key STRING")
        t0 = time.perf_counter()
        with bulk._batch(db) as batch:
            for start in range(0, args.keys, bulk._CHUNK):
                rows = [{"key": f"pe:h:{(i * 2654435761) % (1 << 256):064x}"}
                        for i in range(start, min(args.keys, start + bulk._CHUNK))]
                bulk._create_vertices(batch, type_name, rows)
        t1 = time.perf_counter()
        builder = db.get_java_database().getSchema().buildTypeIndex(type_name, jpype.JArray(jpype.JString)(["key"]))
        builder = builder.withType(lsm).withUnique(True)
        (builder.withPageSize(size) if size else builder).create()
        seconds = time.perf_counter() - t1
        first = first or seconds
        print(f"{size or 'default':>10} {args.keys:>11,} {t1 - t0:>11.1f} {seconds:>9.1f} {first / seconds:>6.1f}x",
              flush=True)
    server.stop()
    shutil.rmtree(root, ignore_errors=True)
    os._exit(0)  # interpreter teardown beside a live JVM can hang


if __name__ == "__main__":
    main()
