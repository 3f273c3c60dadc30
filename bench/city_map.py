"""``python -m bench.city --stages map``: the mapping engines compared on a generated city, into a
plain and a packed fold, no store (the module docstring of :mod:`bench.city` says what each runs)."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import os
import subprocess
from pathlib import Path

from bench._measure import Table, machine
from creditgraph.graph.bulk import Fold
from creditgraph.graph.packed import PackedFold
from creditgraph.loaders.pipeline import load_paths

__all__ = ["KEY", "TARGET", "commit", "map_stage"]

KEY = "bench-city-hash-key"
TARGET = 50_000  # source rows/s on 2 cores (issue 23)


def _digest(fold: Fold) -> str:
    h = hashlib.sha256()
    for part in (fold.labels.items(), fold.nodes.items(), fold.edges.items()):
        for item in part:
            h.update(repr(item).encode("utf-8"))
    return h.hexdigest()[:16]


def _map(data: Path, work: Path, engine: str, workers: int, table: Table, name: str, packed: bool = False) -> dict:
    fold = PackedFold() if packed else Fold()
    with table.stage(name, kind="map") as row:
        report = load_paths(fold, [data], hash_key=KEY, report_dir=work / f"{engine}-{workers}", progress=True,
                            engine=engine, workers=workers)
    row.update(rows=report.rows_read, quarantined=report.rows_quarantined, digest=_digest(fold),
               records=len(fold.nodes) + len(fold.edges))
    del fold
    gc.collect()
    return row


def commit() -> str:
    """The commit the bench ran at, saying so when loaders/ or bench/city*.py had changes not committed."""
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "loaders", "bench/city.py", "bench/city_map.py"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return out.stdout.strip() + (" + uncommitted changes in loaders/ or bench/city.py" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "?"


def map_stage(args: argparse.Namespace, data: Path, work: Path) -> str:
    runs = [("rows", 1, False), ("columnar", 1, False), ("columnar", 1, True)] + (
        [("columnar", args.workers, True)] if args.workers > 1 else [])
    load0 = os.getloadavg()[0]
    table = Table(children=True)
    best: dict[tuple[str, int], dict] = {}
    for _ in range(args.repeat):
        for engine, workers, packed in runs:
            name = (f"map: {engine}" + (f", {workers} worker processes" if workers > 1 else "")
                    + (", packed fold" if packed else ""))
            row = _map(data, work, engine, workers, table, name, packed)
            if (engine, workers, packed) not in best or row["seconds"] < best[(engine, workers, packed)]["seconds"]:
                best[(engine, workers, packed)] = row
    load1 = os.getloadavg()[0]
    digests = {r["digest"] for r in best.values()}
    if len(digests) != 1:
        raise SystemExit(f"the engines folded different records: {[(k, r['digest']) for k, r in best.items()]}")

    cmd = (f"python -m bench.city --companies {args.companies} --seed {args.seed} --workers {args.workers} "
           f"--repeat {args.repeat}")
    lines = [f"# {cmd}   ({dt.date.today().isoformat()}, commit {commit()})",
             f"# machine: {machine()}",
             f"# shared machine: load average {load0:.1f} at the start, {load1:.1f} at the end (2 cores); "
             f"fastest of {args.repeat} run(s) per engine",
             f"{'stage':44} {'source rows':>11} {'seconds':>8} {'rows/s':>8} {'CPU s':>7} {'rows/CPU s':>10} "
             f"{'peak RSS GB':>11}  digest"]
    for r in best.values():
        lines.append(f"{r['stage']:44} {r['rows']:>11,} {r['seconds']:>8.1f} {r['rows'] / r['seconds']:>8,.0f} "
                     f"{r['cpu']:>7.1f} {r['rows'] / r['cpu']:>10,.0f} {r['peak_gb']:>11.2f}  {r['digest']}")
    ref = best[("rows", 1, False)]
    r0 = next(iter(best.values()))
    lines.append(f"records folded: {r0['records']:,} (same digest for every engine and fold); "
                 f"quarantined: {r0['quarantined']:,}")
    for (engine, workers, packed), r in best.items():
        if engine == "rows":
            continue
        label = engine + (f" x{workers}" if workers > 1 else "") + (", packed fold" if packed else "")
        lines.append(f"ratio {label} / rows: {ref['seconds'] / r['seconds']:.2f}x wall, "
                     f"{ref['cpu'] / r['cpu']:.2f}x CPU of this process")
    fastest = max(r["rows"] / r["seconds"] for r in best.values())
    lines.append(f"target >= {TARGET:,} source rows/s on 2 cores: {'met' if fastest >= TARGET else 'missed'} "
                 f"(fastest {fastest:,.0f})")
    return "\n".join(lines) + "\n"
