"""Load, resolve and score a generated city into an embedded store, then exit.

Run as a script by the e2e fixtures: ``python prepare_store.py CITY_DATA DATA_DIR HASH_KEY``.
It runs in its own process because the embedded store's JVM is one per process and
is started with per-store settings: a pytest process that already holds another
embedded store (``arcadedb_store``) could not open a second one. When this process
exits it releases the data folder, and ``creditgraph explore`` becomes its owner.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from creditgraph.graph.connect import connect_bolt
from creditgraph.graph.embedded import EmbeddedServer
from creditgraph.loaders.pipeline import load_paths
from creditgraph.resolution import run_resolution
from creditgraph.scoring import run_scoring
from creditgraph.settings import Settings


def main(city_data: Path, data_dir: Path, hash_key: str) -> None:
    server = EmbeddedServer(data_dir / "embedded", heap="1g", jvm_options=Settings().jvm_option_list)
    ep = server.start()
    store = connect_bolt(ep.uri, ep.user, ep.password, database=ep.database, backend="arcadedb")
    try:
        store.ensure_schema()
        load_paths(store, [city_data], hash_key=hash_key, report_dir=data_dir / "report", progress=False)
        run_resolution(store)
        run_scoring(store)
    finally:
        store.close()
        server.stop()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
