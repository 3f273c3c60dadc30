"""Rows per transaction of the embedded store's in-process write-back: 2,000 (the Bolt batch, the
old default) against ``CREDITGRAPH_EMBEDDED_TX_ROWS`` sizes, on a scored store.

Each round writes the Person nodes' stored ``spread`` back unchanged (what ``creditgraph score``
writes, one property per node, through ``EmbeddedGraphStore.write_scores``), keys in the order
scoring writes them (sorted), the sizes taking turns so that a warmer page cache favours none.
The store's content does not change (a ``None`` spread removes a property that is not there).

    CREDITGRAPH_ID_HASH_KEY=… CREDITGRAPH_EMBEDDED_HEAP=4g CREDITGRAPH_EMBEDDED_PAGE_RAM_MB=1024 \\
        python -m bench.writeback_tx_rows --data-dir <scored store> --rows 200000 --rounds 2
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
from pathlib import Path

from bench._measure import machine
from creditgraph.graph.connect import open_store
from creditgraph.settings import Settings

BASELINE = 2000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, required=True, help="data dir of a scored embedded store")
    ap.add_argument("--rows", type=int, default=200_000, help="Person nodes written per round")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--sizes", default="20000,100000", help="rows per transaction to compare with 2,000")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    sizes = [BASELINE] + [int(s) for s in args.sizes.split(",")]
    print(f"# python -m bench.writeback_tx_rows --data-dir <store> --rows {args.rows} --rounds {args.rounds} "
          f"--sizes {args.sizes}")
    print(f"# {machine()}")
    settings = Settings(data_dir=args.data_dir, _env_file=None)
    with open_store(settings, ensure_schema=False) as store:
        people = store.export_tables(["spread"], []).nodes["Person"]
        rows = [(k, {"spread": None if v != v else v})  # NaN: no spread stored
                for k, v in zip(people["key"].tolist()[: args.rows], people["spread"].tolist()[: args.rows])]
        print(f"# store: {args.data_dir} ({len(people):,} Person nodes; the first {len(rows):,} by key written)")
        rates: dict[int, list[float]] = {n: [] for n in sizes}
        for r in range(args.rounds):
            for n in sizes if r % 2 == 0 else sizes[::-1]:
                store.tx_rows = n
                t0 = time.perf_counter()
                written = store.write_scores(dict(rows))
                rates[n].append(written / (time.perf_counter() - t0))
    print(f"{'rows per transaction':>22} {'rows/s (median)':>16} {'each round':>24} {'ratio':>7}")
    base = statistics.median(rates[BASELINE])
    for n, xs in rates.items():
        print(f"{n:>22,} {statistics.median(xs):>16,.0f} {', '.join(f'{x:,.0f}' for x in xs):>24} "
              f"{statistics.median(xs) / base:>6.2f}x")


if __name__ == "__main__":
    main()
