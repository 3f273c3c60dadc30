"""A whole city end to end (issue 23), stage by stage; today the first stage: mapping.

    python -m bench.city [--companies 100000] [--seed 5] [--cache .creditgraph/bench]
                         [--workers 2] [--repeat 1] [--out bench/results/city_map_100k.txt]

``map``: the real loaders read, normalise and map every file of a generated city into a
``Fold`` (no store), once per engine in this one process — ``rows`` (cell by cell, the
reference), ``columnar`` (pyarrow reads, each column's distinct values transformed once,
``loaders/columnar.py``) and ``columnar`` with ``--workers`` processes by chunk. Each prints
source rows/s (wall and per CPU second of this process), peak RSS (workers' private memory
included) and the digest of the folded records, which must be equal for every engine (the
bench stops otherwise). ``--repeat N`` runs the engines N times, alternating, and keeps each
one's fastest run (the machine is shared). Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import logging
import os
import subprocess
import tempfile
from pathlib import Path

from bench._measure import Table, machine
from creditgraph.graph.bulk import Fold
from creditgraph.loaders.pipeline import load_paths

log = logging.getLogger("bench.city")

KEY = "bench-city-hash-key"
TARGET = 50_000  # source rows/s on 2 cores (issue 23)


def _city(companies: int, seed: int, cache: Path) -> Path:
    from creditgraph.synth.generate import generate

    city = cache / f"city-{companies}-s{seed}"
    if not (city / "data").is_dir():
        generate(companies, seed=seed, out=city, progress=True)
    return city / "data"


def _digest(fold: Fold) -> str:
    h = hashlib.sha256()
    for part in (fold.labels.items(), fold.nodes.items(), fold.edges.items()):
        for item in part:
            h.update(repr(item).encode("utf-8"))
    return h.hexdigest()[:16]


def _map(data: Path, work: Path, engine: str, workers: int, table: Table, name: str) -> dict:
    fold = Fold()
    with table.stage(name, kind="map") as row:
        report = load_paths(fold, [data], hash_key=KEY, report_dir=work / f"{engine}-{workers}", progress=True,
                            engine=engine, workers=workers)
    row.update(rows=report.rows_read, quarantined=report.rows_quarantined, digest=_digest(fold),
               records=len(fold.nodes) + len(fold.edges))
    del fold
    gc.collect()
    return row


def _commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "loaders", "bench/city.py"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return out.stdout.strip() + (" + uncommitted loaders/ changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--companies", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--cache", type=Path, default=Path(".creditgraph/bench"))
    ap.add_argument("--workers", type=int, default=2, help="processes of the parallel columnar run (1: skip it)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per engine, alternating; the fastest is kept")
    ap.add_argument("--out", type=Path, default=None, help="also write the table to this file")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")

    args.cache.mkdir(parents=True, exist_ok=True)
    data = _city(args.companies, args.seed, args.cache)
    work = Path(tempfile.mkdtemp(prefix="bench-city-", dir=args.cache))
    runs = [("rows", 1), ("columnar", 1)] + ([("columnar", args.workers)] if args.workers > 1 else [])
    load0 = os.getloadavg()[0]
    table = Table(children=True)
    best: dict[tuple[str, int], dict] = {}
    for _ in range(args.repeat):
        for engine, workers in runs:
            name = f"map: {engine}" + (f", {workers} worker processes" if workers > 1 else "")
            row = _map(data, work, engine, workers, table, name)
            if (engine, workers) not in best or row["seconds"] < best[(engine, workers)]["seconds"]:
                best[(engine, workers)] = row
    load1 = os.getloadavg()[0]
    digests = {r["digest"] for r in best.values()}
    if len(digests) != 1:
        raise SystemExit(f"the engines folded different records: {[(k, r['digest']) for k, r in best.items()]}")

    cmd = (f"python -m bench.city --companies {args.companies} --seed {args.seed} --workers {args.workers} "
           f"--repeat {args.repeat}")
    lines = [f"# {cmd}   ({dt.date.today().isoformat()}, commit {_commit()})",
             f"# machine: {machine()}",
             f"# shared machine: load average {load0:.1f} at the start, {load1:.1f} at the end (2 cores); "
             f"fastest of {args.repeat} run(s) per engine",
             f"{'stage':44} {'source rows':>11} {'seconds':>8} {'rows/s':>8} {'CPU s':>7} {'rows/CPU s':>10} "
             f"{'peak RSS GB':>11}  digest"]
    for r in best.values():
        lines.append(f"{r['stage']:44} {r['rows']:>11,} {r['seconds']:>8.1f} {r['rows'] / r['seconds']:>8,.0f} "
                     f"{r['cpu']:>7.1f} {r['rows'] / r['cpu']:>10,.0f} {r['peak_gb']:>11.2f}  {r['digest']}")
    ref = best[("rows", 1)]
    r0 = next(iter(best.values()))
    lines.append(f"records folded: {r0['records']:,} (same digest for every engine); "
                 f"quarantined: {r0['quarantined']:,}")
    for (engine, workers), r in best.items():
        if engine == "rows":
            continue
        label = engine + (f" x{workers}" if workers > 1 else "")
        lines.append(f"ratio {label} / rows: {ref['seconds'] / r['seconds']:.2f}x wall, "
                     f"{ref['cpu'] / r['cpu']:.2f}x CPU of this process")
    fastest = max(r["rows"] / r["seconds"] for r in best.values())
    lines.append(f"target >= {TARGET:,} source rows/s on 2 cores: {'met' if fastest >= TARGET else 'missed'} "
                 f"(fastest {fastest:,.0f})")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
