"""A command's cost with and without the embedded JVM's class cache (graph/jvm_cache.py; not a test).

    python -m bench.jvm_start [--runs 5] [--command stats]

Trains the cache (in a temporary cache folder, as the first store start would in the background),
then runs ``creditgraph <command> --data-dir DIR`` on one store ``--runs`` times each way,
alternating (cache off, cache on), and prints per run and the medians: the process's wall
seconds, its CPU seconds (user + system, the JVM included), and the store's own start as
``graph/embedded.py`` logs it; then on / off. The machine's load average is printed beside
each run: on a busy two-core machine only the ratios of neighbouring runs mean much.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._measure import machine

_STARTED = re.compile(r"embedded store started at .* in ([\d.]+)s")


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{out.stderr[-2000:]}")
    started = _STARTED.search(out.stderr)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, float(started[1]) if started else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5, help="runs each way (default 5)")
    ap.add_argument("--command", default="stats", help="the creditgraph command to run (default stats)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-jvm-start-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDITGRAPH_")}
    env |= {"XDG_CACHE_HOME": str(work / "cache"), "CREDITGRAPH_ID_HASH_KEY": "bench-jvm-start-key-0123456789"}
    where = subprocess.run([sys.executable, "-c", "from creditgraph.graph.jvm_cache import cache_file; "
                            "print(cache_file())"], env=env, capture_output=True, text=True, check=True)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "creditgraph.graph.jvm_cache", where.stdout.strip()], env=env, check=True)
    print(f"# {machine()}")  # noqa: T201  (a bench prints its table)
    print(f"# cache trained in {time.perf_counter() - t0:.1f} s: {where.stdout.strip()}")  # noqa: T201
    command = [sys.executable, "-m", "creditgraph.cli", *args.command.split(), "--data-dir", str(work / "data")]
    _run(command, env | {"CREDITGRAPH_EMBEDDED_CLASS_CACHE": "false"})  # the store made, not measured
    results: dict[str, list[tuple[float, float, float]]] = {"off": [], "on": []}
    print(f"{'run':>4} {'cache':>5} {'wall s':>7} {'cpu s':>6} {'store start s':>13} {'load':>5}")  # noqa: T201
    for i in range(args.runs):
        for mode in ("off", "on"):
            got = _run(command, env | {"CREDITGRAPH_EMBEDDED_CLASS_CACHE": "true" if mode == "on" else "false"})
            results[mode].append(got)
            print(f"{i + 1:>4} {mode:>5} {got[0]:>7.2f} {got[1]:>6.2f} {got[2]:>13.2f} "  # noqa: T201
                  f"{os.getloadavg()[0]:>5.1f}")
    med = {m: [statistics.median(r[j] for r in rows) for j in range(3)] for m, rows in results.items()}
    for m in ("off", "on"):
        print(f"median {m:>3}: wall {med[m][0]:.2f} s, cpu {med[m][1]:.2f} s, store start {med[m][2]:.2f} s")  # noqa: T201
    print(f"on / off: wall {med['on'][0] / med['off'][0]:.2f}, cpu {med['on'][1] / med['off'][1]:.2f}, "  # noqa: T201
          f"store start {med['on'][2] / med['off'][2]:.2f}")


if __name__ == "__main__":
    main()
