"""A whole city end to end (issue 23), stage by stage: mapping alone, or files to a scored store.

    python -m bench.city [--companies 100000] [--seed 5] [--cache .creditgraph/bench] [--stages map|all]
                         [--workers 2] [--repeat 1] [--heap 4g] [--page-ram-mb 1024] [--write-back in-process|bolt]
                         [--reads in-process|bolt] [--digest] [--out FILE]

``map``: the real loaders read, normalise and map every file of a generated city into a
``Fold`` (no store), once per engine in this one process — ``rows`` (cell by cell, the
reference), ``columnar`` (pyarrow reads, each column's distinct values transformed once,
``loaders/columnar.py``), ``columnar`` into the packed fold ``load --bulk`` uses
(``graph/packed.py``: the same records, a fraction of the memory) and ``columnar`` with
``--workers`` processes by chunk (packed). Each prints
source rows/s (wall and per CPU second of this process), peak RSS (workers' private memory
included) and the digest of the folded records, which must be equal for every engine (the
bench stops otherwise). ``--repeat N`` runs the engines N times, alternating, and keeps each
one's fastest run (the machine is shared).

``all``: the real ``creditgraph pipeline DATA --bulk --one-process`` (``creditgraph.cli.main``) on a
fresh embedded store under ``--cache``, in this one process (the command's default runs each stage
in a process of its own, which this bench cannot time step by step) — load (map, GraphBatch write, indexes),
resolve, score, and the governance step after load and score — with each stage wrapped where the
command calls it, so every stage gets its seconds, CPU seconds (all threads: the embedded JVM runs
in this process), peak RSS (the JVM's heap included) and throughput. Each stage is cut into the
sub-steps its run record names (``graph/runs.py`` ``run.stage``: reading the graph, writing …), so
the table says where the time goes. The total is the command's wall time against the issue's
target. ``--write-back bolt`` writes the resolution and the scores over Bolt, as before
``graph/embedded_store.py``: the baseline of the in-process write-backs, run in the same session;
``--reads bolt`` reads the whole store (resolve's graph, scoring's and governance's tables) over Bolt,
as before ``graph/embedded_reader.py``.
Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._measure import StepTable, machine
from bench.city_map import KEY, commit, map_stage
from bench.store_digest import store_digests

log = logging.getLogger("bench.city")

TARGET_CITY = {100_000: 180.0, 1_000_000: 1800.0}  # files -> scored embedded store, seconds (issue 23)


def _city(companies: int, seed: int, cache: Path) -> Path:
    from creditgraph.synth.generate import generate

    city = cache / f"city-{companies}-s{seed}"
    if not (city / "data").is_dir():
        generate(companies, seed=seed, out=city, progress=True)
    return city / "data"


class _Wrapped:
    """The command's stage functions, each wrapped where ``creditgraph pipeline`` looks it up (it
    imports them when it runs), timed as one :class:`StepTable` stage; every ``run.stage`` a run
    record says opens a sub-step of the stage in progress."""

    def __init__(self, table: StepTable) -> None:
        self.table, self.current, self.counts = table, "(outside the stages)", {}
        self._undo: list[tuple[object, str, object]] = []

    def patch(self, owner, attr: str, wrapper) -> None:
        original = getattr(owner, attr)
        self._undo.append((owner, attr, original))
        setattr(owner, attr, wrapper(original))

    def stage(self, name: str, count=lambda out: {}):
        def wrap(fn):
            def timed(*a, **kw):
                self.current = name
                with self.table.stage(name, kind="city") as row:
                    self.table.step(name, "(before its first recorded step)")
                    out = fn(*a, **kw)
                    self.table.end_step()
                row.update(count(out))
                self.current = "(outside the stages)"
                return out
            return timed
        return wrap

    def after(self, fn):
        def timed(settings, store, what, **kw):
            return self.stage(f"governance after {what}")(fn)(settings, store, what, **kw)
        return timed

    def run_stage(self, fn):
        def marked(run, what, *, writes=False):
            self.table.step(self.current, what)
            return fn(run, what, writes=writes)
        return marked

    def writer(self, fn):
        def counted(database, fold, **kw):
            out = fn(database, fold, **kw)
            self.counts["records"] = len(fold.nodes) + len(fold.edges)
            return out
        return counted

    def undo(self) -> None:
        for owner, attr, original in reversed(self._undo):
            setattr(owner, attr, original)


class _WriteBacks(logging.Handler):
    """Collects the phases the store logs for each write-back (``write_back`` on its INFO record:
    ``phase_clock.PhaseClock``), so the table splits a sub-step such as writing the person resolution."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.rows: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(getattr(record, "write_back", None), dict):
            self.rows.append(record.write_back)  # type: ignore[attr-defined]


#: The sub-step of ``resolve`` that writes each label's resolution (``creditgraph/resolution.py``).
_RESOLUTION_STEPS = {"writing firm links and resolved keys": "Company",
                     "writing person links and resolved keys": "Person"}


def _pipeline(args: argparse.Namespace, data: Path, work: Path, table: StepTable, write_backs: _WriteBacks) -> dict:
    """Run ``creditgraph pipeline DATA --bulk --one-process`` with its stages wrapped; returns the total."""
    import creditgraph.cli.store as cli_store
    import creditgraph.governance as governance
    import creditgraph.graph.arcadedb_bulk as arcadedb_bulk
    import creditgraph.graph.runs as runs
    import creditgraph.resolution as resolution
    import creditgraph.graph.embedded_store as embedded_store
    import creditgraph.scoring as scoring
    from creditgraph.cli import main as cli_main
    from creditgraph.graph.bolt_store import BoltGraphStore

    os.environ.update({"CREDITGRAPH_ID_HASH_KEY": KEY, "CREDITGRAPH_EMBEDDED_HEAP": args.heap,
                       "CREDITGRAPH_EMBEDDED_PAGE_RAM_MB": str(args.page_ram_mb)})
    w = _Wrapped(table)
    w.patch(cli_store, "bulk_first_load", w.stage(
        "load --bulk: map, GraphBatch write, indexes",
        lambda rep: {"rows": rep.rows_read, "quarantined": rep.rows_quarantined, **w.counts}))
    w.patch(arcadedb_bulk, "write_arcadedb", w.writer)
    w.patch(governance, "after", w.after)
    w.patch(resolution, "run_resolution", w.stage(
        "resolve", lambda out: {"records": out[0].persons["records"] + out[0].companies["records"],
                                "persons": out[0].persons, "companies": out[0].companies}))
    w.patch(scoring, "run_scoring", w.stage(
        "score", lambda out: {"firms": out["firms_scored"], "records": out["nodes_written"],
                              "stage_seconds": out["stage_seconds"], "summary": out}))
    w.patch(runs.RunRecord, "stage", w.run_stage)
    if args.write_back == "bolt":  # the route before the in-process write-backs, for a baseline in the same session
        for attr in ("_write_links", "_write_resolved", "write_scores", "clear_scores", "_route"):
            w.patch(embedded_store.EmbeddedGraphStore, attr, lambda _, attr=attr: getattr(BoltGraphStore, attr))
    if args.reads == "bolt":  # the reads before the in-process columnar ones
        for attr in ("export", "export_tables"):
            w.patch(embedded_store.EmbeddedGraphStore, attr, lambda _, attr=attr: getattr(BoltGraphStore, attr))
    store_log = logging.getLogger("creditgraph.graph")
    level = store_log.level
    store_log.setLevel(logging.INFO)
    store_log.addHandler(write_backs)
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        rc = cli_main(["pipeline", str(data), "--bulk", "--one-process", "--data-dir", str(work / "store")])
    finally:
        w.undo()
        store_log.removeHandler(write_backs)
        store_log.setLevel(level)
    total = {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0,
             "peak_gb": table.rss.top() / 2**30}
    if rc != 0:
        raise SystemExit(f"creditgraph pipeline exited {rc}; stages so far: {[r['stage'] for r in table.rows]}")
    return total


def _all_stages(args: argparse.Namespace, data: Path, work: Path) -> str:
    load0 = os.getloadavg()
    table, write_backs = StepTable(children=True), _WriteBacks()
    total = _pipeline(args, data, work, table, write_backs)
    load1 = os.getloadavg()
    rows = {r["stage"]: r for r in table.rows}
    load, resolve, score = (next(r for n, r in rows.items() if n.startswith(k)) for k in ("load", "resolve", "score"))
    firms = score["firms"]
    cmd = (f"python -m bench.city --stages all --companies {args.companies} --seed {args.seed} --heap {args.heap} "
           f"--page-ram-mb {args.page_ram_mb} --write-back {args.write_back} --reads {args.reads}")
    lines = [f"# {cmd}   ({dt.date.today().isoformat()}, commit {commit()})",
             f"# machine: {machine()}",
             f"# shared machine (2 cores, other engineers' jobs): load average (1/5/15 min) "
             f"{'/'.join(f'{x:.1f}' for x in load0)} at the start, {'/'.join(f'{x:.1f}' for x in load1)} at the end; "
             "wall seconds hold the other jobs' share, CPU s (this process, all threads, the JVM's included) do not",
             "# route: creditgraph pipeline DATA --bulk --one-process (creditgraph.cli.main, in this process: one JVM) "
             f"on an empty embedded store, heap {args.heap}, page cache {args.page_ram_mb} MB; sub-steps are the run "
             "records' run.stage() steps",
             "# a sub-step runs from its run.stage() to the next one: what the code does between two marks counts "
             "in the earlier (score's 'columns' holds spread and clusters, run in turn beside the JVM)",
             f"{'stage / sub-step':58} {'seconds':>8} {'CPU s':>7} {'CPU/wall':>8} {'peak RSS GB':>11}  throughput"]

    def line(name: str, r: dict, through: str = "") -> str:
        return (f"{name:58} {r['seconds']:>8.1f} {r['cpu']:>7.1f} {r['cpu'] / max(r['seconds'], 1e-9):>8.2f} "
                f"{r['peak_gb']:>11.2f}  {through}")

    def rate(n: int, what: str, r: dict) -> str:
        return f"{n:,} {what}, {n / r['seconds']:,.0f}/s wall, {n / max(r['cpu'], 1e-9):,.0f}/CPU s"

    through = {load["stage"]: f"{rate(load['rows'], 'source rows', load)}; "
                              f"{rate(load.get('records', 0), 'records', load)}",
               resolve["stage"]: rate(resolve["records"], "person + firm records", resolve),
               score["stage"]: f"{rate(firms, 'firms', score)}; {score['records']:,} nodes written"}
    phases = {wb["label"]: wb["phases"] for wb in write_backs.rows}
    for r in table.rows:
        lines.append(line(r["stage"], r, through.get(r["stage"], "")))
        for s in (s for s in table.steps if s["stage"] == r["stage"]):
            if s["step"] != "(before its first recorded step)" or s["seconds"] >= 0.05:
                lines.append(line(f"  {s['step']}", s))
            for phase, (seconds, cpu) in phases.get(_RESOLUTION_STEPS.get(s["step"], ""), {}).items():
                lines.append(f"{'    ' + phase + ' (write_resolution)':58} {seconds:>8.1f} {cpu:>7.1f}")
    staged = sum(r["seconds"] for r in table.rows)
    lines.append(f"{'(between stages: key check, store open, state file)':58} {total['seconds'] - staged:>8.1f}")
    lines.append(line("total: files -> resolved, scored embedded store", total, rate(firms, "firms", total)))
    if score.get("stage_seconds"):
        lines.append("# score's own stage_seconds (spread and clusters run in turn here: the JVM is in this process): "
                     + ", ".join(f"{k} {v:.1f}" for k, v in score["stage_seconds"].items()))
    lines.append(f"# load: {load.get('quarantined', 0):,} rows quarantined; resolve: persons {resolve['persons']}, "
                 f"companies {resolve['companies']}")
    target = TARGET_CITY.get(args.companies)
    if target:
        lines.append(f"target <= {target:.0f} s for {args.companies:,} firms (issue 23): "
                     f"{'met' if total['seconds'] <= target else 'missed'} ({total['seconds']:.0f} s wall, "
                     f"{total['seconds'] / target:.1f}x the target; {total['cpu']:.0f} CPU s)")
    else:
        lines.append(f"no target for {args.companies:,} firms (issue 23 names 100k: 180 s, 1M: 1800 s)")
    lines.append("baseline: none in this run (the MERGE route over Bolt is not run beside it); "
                 "earlier per-stage figures are in bench/results/load_100k_embedded.txt and score_speed_100k.txt")
    if args.digest:
        graph, scores = store_digests(work / "store")
        lines.append(f"digests of the scored store (bench.store_digest; equal across routes = same graph, "
                     f"same scores): graph {graph}, scores {scores}")
    return "\n".join(lines) + "\n"


def _own_processes(args: argparse.Namespace, data: Path, work: Path) -> str:
    """``creditgraph pipeline DATA --bulk`` as a user runs it (each stage in a process of its own),
    run as a child of this one: its wall time, and each stage's seconds, governance seconds and
    peak RSS as the command's own table prints them (a stage's process's peak; the JVM's included)."""
    env = {**os.environ, "CREDITGRAPH_ID_HASH_KEY": KEY, "CREDITGRAPH_EMBEDDED_HEAP": args.heap,
           "CREDITGRAPH_EMBEDDED_PAGE_RAM_MB": str(args.page_ram_mb), "CREDITGRAPH_DATA_DIR": str(work / "store")}
    load0, t0 = os.getloadavg(), time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "creditgraph.cli", "pipeline", str(data), "--bulk"], env=env,
                         stdout=subprocess.PIPE, text=True)
    seconds, load1 = time.perf_counter() - t0, os.getloadavg()
    if run.returncode:
        raise SystemExit(f"creditgraph pipeline exited {run.returncode}:\n{run.stdout}")
    rows = [line.split() for line in run.stdout.splitlines() if line.split()[:2] in
            (["load", "ran"], ["resolve", "ran"], ["score", "ran"])]
    lines = [f"# python -m bench.city --stages all --processes own --companies {args.companies} --seed {args.seed} "
             f"--heap {args.heap} --page-ram-mb {args.page_ram_mb}   "
             f"({dt.date.today().isoformat()}, commit {commit()})",
             f"# machine: {machine()}",
             f"# load average (1/5/15 min) {'/'.join(f'{x:.1f}' for x in load0)} at the start, "
             f"{'/'.join(f'{x:.1f}' for x in load1)} at the end",
             "# route: creditgraph pipeline DATA --bulk (each stage in a fresh process of its own) on an empty "
             "embedded store; per stage, the command's own table: seconds, then the governance step's, and the stage "
             "process's peak RSS",
             f"{'stage':24} {'seconds':>8} {'then governance s':>18} {'peak RSS GB':>11}"]
    for r in rows:
        gov = r[3] if len(r) == 5 else ""
        lines.append(f"{r[0]:24} {float(r[2]):>8.1f} {gov:>18} {float(r[-1]) / 1024:>11.2f}")
    lines.append(f"{'total (the command)':24} {seconds:>8.1f} {'':>18} {max(float(r[-1]) for r in rows) / 1024:>11.2f}")
    target = TARGET_CITY.get(args.companies)
    if target:
        lines.append(f"target <= {target:.0f} s for {args.companies:,} firms (issue 23): "
                     f"{'met' if seconds <= target else 'missed'} ({seconds:.0f} s wall, {seconds / target:.1f}x)")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--companies", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--cache", type=Path, default=Path(".creditgraph/bench"))
    ap.add_argument("--stages", choices=("map", "all"), default="map",
                    help="map: the mapping engines compared, no store; all: files to a scored embedded store")
    ap.add_argument("--processes", choices=("one", "own"), default="one",
                    help="all: one: the command with --one-process in this process, each step timed; own: the "
                         "command as a user runs it, each stage in a process of its own (stage figures only)")
    ap.add_argument("--workers", type=int, default=2, help="processes of the parallel columnar run (1: skip it)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per engine, alternating; the fastest is kept")
    ap.add_argument("--heap", default="4g", help="all: heap of the embedded store's JVM (as bench.load)")
    ap.add_argument("--page-ram-mb", type=int, default=1024, help="all: ArcadeDB's page cache on that heap")
    ap.add_argument("--write-back", choices=("in-process", "bolt"), default="in-process",
                    help="all: the write-backs (resolution, scores) through ArcadeDB's Java API in this process "
                         "(graph/embedded_store.py), or over Bolt as before (the baseline)")
    ap.add_argument("--reads", choices=("in-process", "bolt"), default="in-process",
                    help="all: whole-store reads as columns in this process (graph/embedded_reader.py), or over Bolt")
    ap.add_argument("--digest", action="store_true",
                    help="all: read the scored store back and print digests of its graph and scores")
    ap.add_argument("--out", type=Path, default=None, help="also write the table to this file")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")

    args.cache.mkdir(parents=True, exist_ok=True)
    data = _city(args.companies, args.seed, args.cache)
    work = Path(tempfile.mkdtemp(prefix="bench-city-", dir=args.cache))
    if args.stages == "map":
        text = map_stage(args, data, work)
    elif args.processes == "own":
        text = _own_processes(args, data, work)
    else:
        text = _all_stages(args, data, work)
    print(text, end="", flush=True)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    if args.stages == "all" and args.processes == "one":
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)  # the embedded JVM runs in this process: interpreter teardown beside it can hang


if __name__ == "__main__":
    main()
