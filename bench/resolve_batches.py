"""Person resolution a batch of name blocks at a time against all at once, on a loaded store.

    CREDITGRAPH_DATA_DIR=<store> CREDITGRAPH_ID_HASH_KEY=... python -m bench.resolve_batches \
        [--batches 0,200000,50000] [--out FILE]

Each batch size (0: every record in one batch, the baseline) runs in a fresh process of its
own, one after another, so each peak is its own: the process opens the store (embedded or
Neo4j, as the settings say), reads resolution's tables and resolves the firms (what
``creditgraph resolve`` does first, timed once per process), then resolves the people (timed:
seconds, CPU seconds, peak RSS over the process's RSS before the step). Nothing is written
back. Every run must give the same people (a digest of the clusters and the links): the bench
stops otherwise. Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

from bench._measure import PeakRSS, machine

log = logging.getLogger("bench.resolve_batches")


def _child(batch: int) -> dict:
    from creditgraph import collector
    from creditgraph.analytics.resolve.companies import resolve_companies
    from creditgraph.analytics.resolve.persons import resolve_persons
    from creditgraph.graph.connect import open_store
    from creditgraph.resolution import read_records
    from creditgraph.settings import Settings

    rss = PeakRSS()
    out: dict = {"batch": batch}
    with open_store(Settings()) as store, collector.paused():
        t0 = time.perf_counter()
        R = read_records(store)
        if not R.nodes:
            raise SystemExit(f"the store at {Settings().data_dir} holds no firms or people: load a city first")
        firms = resolve_companies(R)
        judged = [(j["a"], j["b"], j["verdict"]) for j in store.judgements("Person")]
        out["before_s"] = time.perf_counter() - t0
        out["rss_before_gb"] = rss.peak() / 2**30
        rss.reset()
        t0, c0 = time.perf_counter(), time.process_time()
        people = resolve_persons(R, company_canonical=firms.canonical, judgements=judged,
                                 batch=batch or sys.maxsize)
        out["seconds"], out["cpu"] = time.perf_counter() - t0, time.process_time() - c0
        out["peak_gb"] = rss.peak() / 2**30
    h = hashlib.sha256()
    for k in sorted(people.canonical):
        h.update(f"{k}\0{people.canonical[k]}\n".encode())
    for l in sorted(people.links, key=lambda l: (l.a, l.b)):
        h.update(f"{l.a}\0{l.b}\0{l.score}\n".encode())
    out.update(records=len(people.canonical), links=len(people.links), candidates=people.candidates,
               digest=h.hexdigest()[:16])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--batches", default="0,200000,50000", help="records per batch, comma-separated; 0: all at once")
    ap.add_argument("--out", type=Path, default=None, help="also write the table to this file")
    ap.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.child is not None:
        sys.stdout.write(json.dumps(_child(args.child)) + "\n")
        return
    rows = []
    for batch in (int(b) for b in args.batches.split(",")):
        run = subprocess.run([sys.executable, "-m", "bench.resolve_batches", "--child", str(batch)],
                             capture_output=True, text=True, env=os.environ)
        if run.returncode:
            raise SystemExit(f"batch {batch} failed ({run.returncode}):\n{run.stderr[-3000:]}")
        rows.append(json.loads(run.stdout.strip().splitlines()[-1]))
        log.warning("%s", rows[-1])
    base = rows[0]
    store = os.environ.get("CREDITGRAPH_DATA_DIR")
    lines = [f"# python -m bench.resolve_batches --batches {args.batches}   (store {store})",
             f"# machine: {machine()}",
             "# each row: a fresh process; 'before' = open the store, read resolution's tables, resolve the firms;"
             " people = resolve_persons alone (no write-back); peak = the step's peak RSS (JVM included)",
             f"{'records per batch':<18} {'before s':>9} {'RSS before GB':>14} {'people s':>9} {'CPU s':>7}"
             f" {'peak GB':>8} {'+GB':>6}  {'people':>10} {'links':>9} digest"]
    for r in rows:
        lines.append(f"{r['batch'] or 'all':<18} {r['before_s']:9.1f} {r['rss_before_gb']:14.2f} {r['seconds']:9.1f}"
                     f" {r['cpu']:7.1f} {r['peak_gb']:8.2f} {r['peak_gb'] - r['rss_before_gb']:6.2f}"
                     f"  {r['records']:>10,} {r['links']:>9,} {r['digest']}")
    for r in rows[1:]:
        lines.append(f"ratio {r['batch']:,} / all: {r['seconds'] / base['seconds']:.2f}x people seconds, "
                     f"{(r['peak_gb'] - r['rss_before_gb']) / max(base['peak_gb'] - base['rss_before_gb'], 1e-9):.2f}x"
                     " memory the step adds")
    if len({r["digest"] for r in rows}) != 1:
        lines.append("DIFFERENT RESULTS: the batch sizes did not give the same people")
    text = "\n".join(lines)
    sys.stdout.write(text + "\n")
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    if len({r["digest"] for r in rows}) != 1:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
