"""``creditgraph pipeline``: a city from files to a resolved, scored store in one command.

Load → resolve → score, each stage timed (seconds, peak memory) in one table at the end. Each
stage runs in a fresh process of its own (``--one-process``: all in this one), which opens the
store, runs the stage and closes it, so a stage starts without what the one before left in
memory. The command remembers which stages finished for which inputs
(``<data dir>/runs/pipeline.json``), so after a stop it carries on where it left off: a finished
stage is skipped while the input files are unchanged and the store reports no unfinished run of
it (``creditgraph.graph.runs``); everything after a stage that runs again runs again too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import json
import logging
import multiprocessing
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from creditgraph.cli.common import log, quiet_driver_logs, settings_from
from creditgraph.errors import CreditGraphError

STAGES = ("load", "resolve", "score")


def inputs_digest(paths: list[Path]) -> str:
    """What the load would read: every file below the paths, by name, size and modification time."""
    h = hashlib.sha256()
    for root in sorted(paths):
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for f in files:
            st = f.stat()
            h.update(f"{f.resolve()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _state_file(settings) -> Path:
    return settings.data_dir / "runs" / "pipeline.json"


def _read_state(path: Path, digest: str) -> dict:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"inputs": digest, "done": {}}
    return state if state.get("inputs") == digest else {"inputs": digest, "done": {}}


def _write_state(path: Path, state: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)


def _own_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports kilobytes


def _to_redo(settings) -> set[str]:
    """Stages whose last run the store says did not finish, whatever the state file says."""
    from creditgraph.graph import runs
    from creditgraph.graph.connect import open_store

    by_command = {runs.BULK_LOAD: "load", runs.RESOLVE: "resolve", runs.SCORE: "score"}
    with open_store(settings) as store:
        return {by_command[r.command] for r in runs.unfinished_runs(store) if r.command in by_command}


def _loader(settings, job: dict):
    from creditgraph.loaders.mapping import load_mappings
    from creditgraph.loaders.pipeline import load_paths

    return functools.partial(load_paths, paths=job["paths"], hash_key=settings.id_hash_key.get_secret_value(),
                             report_dir=job["report_dir"] / "load",
                             mapping=load_mappings(job["mapping"]) if job["mapping"] else None,
                             batch_rows=settings.batch_size)


def run_stage(name: str, settings, job: dict) -> dict:
    """One stage on the store the settings select, then the governance step after a load or a
    score (``creditgraph.governance.after``: a snapshot and the alerts of its difference, timed
    apart: at 100k it is ~15 % of the run). Returns the stage's summary, seconds, governance
    seconds (or None) and this process's peak RSS in MB."""
    from creditgraph.governance import SnapshotTaker, after
    from creditgraph.graph.connect import open_store

    taker = SnapshotTaker()  # a score takes the snapshot from what it read (timed in its stage)

    def govern(store, what: str) -> float:
        t0 = time.perf_counter()
        after(settings, store, what, snapshot=taker.taken)
        return time.perf_counter() - t0

    governed = None
    if name == "load" and job["bulk"]:
        from creditgraph.cli.store import bulk_first_load

        t0 = time.perf_counter()
        summary = bulk_first_load(settings, _loader(settings, job), paths=job["paths"]).as_dict()["rows_read"]
        seconds = time.perf_counter() - t0
        with open_store(settings) as store:
            governed = govern(store, "load")
        return {"summary": summary, "seconds": seconds, "governance": governed, "peak_mb": _own_peak_mb()}
    with open_store(settings) as store:
        t0 = time.perf_counter()
        if name == "load":
            summary = _loader(settings, job)(store).as_dict()["rows_read"]
        elif name == "resolve":
            from creditgraph.resolution import run_resolution

            summary = run_resolution(store, user=settings.user)[0].as_dict()["persons"]["entities"]
        else:
            summary = _score(store, settings, job["report_dir"], taker)
        seconds = time.perf_counter() - t0
        if name != "resolve":
            governed = govern(store, name)
    return {"summary": summary, "seconds": seconds, "governance": governed, "peak_mb": _own_peak_mb()}


def _in_own_process(fn, *args):
    """``fn(*args)`` in a fresh (spawned) process that logs as this one: what a stage leaves in
    memory goes with it. A 1M bulk load left 12-13 GB in its process (its 15 GB fold, freed but
    kept by Python's allocator, beside the store's JVM), and resolution did not fit beside that
    (bench/results/city_1m_embedded_attempt.txt). Its result, or its error raised here."""
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=ctx, initializer=_child_logging,
                             initargs=(logging.getLogger().getEffectiveLevel(),)) as pool:
        try:
            return pool.submit(fn, *args).result()
        except BrokenProcessPool as e:
            raise CreditGraphError(f"the process running {getattr(fn, '__name__', fn)}{args[:1]} died before it "
                                   "finished (killed for memory? see the system log); run the pipeline again to "
                                   "carry on from that stage") from e


def _child_logging(level: int) -> None:
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    quiet_driver_logs()


def cmd_pipeline(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    state_path = _state_file(settings)
    state = _read_state(state_path, inputs_digest(args.paths))
    if args.restart:
        state["done"] = {}
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    report_dir = settings.data_dir / "reports" / f"pipeline-{stamp}"
    job = {"paths": args.paths, "mapping": args.mapping, "bulk": args.bulk, "report_dir": report_dir}
    call = (lambda fn, *a: fn(*a)) if args.one_process else _in_own_process
    table: list[tuple[str, str, float | None, float]] = []
    governed: dict[str, float] = {}

    def stage(name: str) -> None:
        log.info("pipeline: %s (stage %d of %d)%s", name, STAGES.index(name) + 1, len(STAGES),
                 "" if args.one_process else ", in a process of its own")
        out = call(run_stage, name, settings, job)
        state["done"][name] = {"at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                               "seconds": round(out["seconds"], 1), "summary": out["summary"]}
        _write_state(state_path, state)
        table.append((name, "ran", out["seconds"], out["peak_mb"]))
        if out["governance"] is not None:
            governed[name] = out["governance"]

    if args.bulk and "load" not in state["done"]:
        stage("load")
    redo = call(_to_redo, settings)
    redo_from = None
    for name in STAGES:
        if redo_from is None and (name not in state["done"] or name in redo):
            redo_from = name
        if redo_from is None or STAGES.index(name) < STAGES.index(redo_from):
            if not any(row[0] == name for row in table):  # a bulk load just ran it
                table.append((name, "done earlier", None, _own_peak_mb()))
            continue
        stage(name)
    print(f"{'stage':<9} {'':<13} {'seconds':>9} {'then governance s':>18} {'peak MB':>9}")
    for name, what, seconds, rss in table:
        gov = f"{governed[name]:18.1f}" if name in governed else ""
        print(f"{name:<9} {what:<13} {'' if seconds is None else f'{seconds:9.1f}':>9} {gov:>18} {rss:9.0f}")
    print(f"state: {state_path}   reports: {report_dir}")
    return 0


def _score(store, settings, report_dir: Path, snapshot=None) -> dict:
    from creditgraph.scoring import run_scoring

    summary = run_scoring(store, processes=settings.scoring_processes, user=settings.user, snapshot=snapshot)
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "score.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    for w in summary.get("warnings", []):
        log.warning("%s", w)
    return {k: v for k, v in summary.items() if isinstance(v, (int, float))}


def register(sub, store: argparse.ArgumentParser) -> None:
    s = sub.add_parser("pipeline", parents=[store],
                       help="load, resolve and score a city in one command; carries on where a stopped run left off")
    s.add_argument("paths", nargs="+", type=Path, help="data files, or folders of them")
    s.add_argument("--mapping", type=Path, action="append", help="mapping files for unknown layouts (as for load)")
    s.add_argument("--bulk", action="store_true",
                   help="first load of an empty store (as load --bulk: GraphBatch, or neo4j-admin import on the local "
                        "Neo4j)")
    s.add_argument("--restart", action="store_true", help="run every stage again, even those finished earlier")
    s.add_argument("--one-process", action="store_true",
                   help="run every stage in this process (by default each runs in a fresh one, so that what one "
                        "stage leaves in memory does not weigh on the next; benches that time sub-steps need one)")
    s.set_defaults(func=cmd_pipeline, store_key="write")
