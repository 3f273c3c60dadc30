"""Copy a loaded (resolved, scored) embedded store into a fresh local Neo4j, for ``bench.serve``.

    python -m bench.neo4j_copy --data-dir .creditgraph/serve100k [--home .creditgraph/serve100k/neo4j]

Exports the embedded store, folds the export (``Fold.from_graph``), writes the admin-import
files and runs ``neo4j-admin database import full`` into ``--home``, starts the server there
(auth off, loopback) and checks the counts. Leaves it running and prints its URI, so that
``python -m bench.serve --data-dir D --neo4j URI`` times the same city on Neo4j;
``creditgraph neo4j``-style stop: ``python -c "from creditgraph import neo4j_local; neo4j_local.stop(HOME)"``.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import time
from pathlib import Path

from bench.load import NEO4J_CACHE
from creditgraph import neo4j_local
from creditgraph.graph.bulk import Fold, write_neo4j_csv
from creditgraph.graph.connect import connect_bolt, open_store
from creditgraph.graph.neo4j_import import import_full
from creditgraph.settings import Settings

log = logging.getLogger("bench.neo4j_copy")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--home", type=Path)
    ap.add_argument("--heap", default="4g")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    home = (args.home or args.data_dir / "neo4j").resolve()

    t0 = time.perf_counter()
    with open_store(Settings(data_dir=args.data_dir), ensure_schema=False) as store:
        G = store.export()
        want = store.counts().as_dict()
    t1 = time.perf_counter()
    fold = Fold.from_graph(G)
    del G
    neo4j_local.stop(home)
    shutil.rmtree(home, ignore_errors=True)
    files = write_neo4j_csv(fold, home / "import-files")
    t2 = time.perf_counter()
    import_full(home, files, cache_dir=NEO4J_CACHE, heap=args.heap)
    t3 = time.perf_counter()
    inst = neo4j_local.start(home, cache_dir=NEO4J_CACHE, auth=False, heap=args.heap, pagecache="2g", timeout=300)
    store = connect_bolt(inst.uri, None, None, database=None, backend="neo4j")
    try:
        store.ensure_schema()
        store.await_indexes()
        got = store.counts().as_dict()
    finally:
        store.close()
    shutil.rmtree(home / "import-files")
    log.info("export %.1fs, fold + files %.1fs, import %.1fs, start + schema %.1fs",
             t1 - t0, t2 - t1, t3 - t2, time.perf_counter() - t3)
    if got != want:
        raise SystemExit(f"counts differ: embedded {want} neo4j {got}")
    print(f"{inst.uri}  ({got['total_nodes']:,} nodes, {got['total_relationships']:,} relationships; home {home})")


if __name__ == "__main__":
    main()
