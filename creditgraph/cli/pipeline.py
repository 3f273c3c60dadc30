"""``creditgraph pipeline``: a city from files to a resolved, scored store in one command.

Load → resolve → score, each stage timed (seconds, peak memory) in one table at the end. The
command remembers which stages finished for which inputs (``<data dir>/runs/pipeline.json``), so
after a stop it carries on where it left off: a finished stage is skipped while the input files are
unchanged and the store reports no unfinished run of it (``creditgraph.graph.runs``); everything
after a stage that runs again runs again too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import json
import resource
import time
from pathlib import Path

from creditgraph.cli.common import log, settings_from

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


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # Linux reports kilobytes


def _to_redo(store) -> set[str]:
    """Stages whose last run the store says did not finish, whatever the state file says."""
    from creditgraph.graph import runs

    by_command = {runs.BULK_LOAD: "load", runs.RESOLVE: "resolve", runs.SCORE: "score"}
    return {by_command[r.command] for r in runs.unfinished_runs(store) if r.command in by_command}


def cmd_pipeline(args: argparse.Namespace) -> int:
    from creditgraph.cli.store import bulk_first_load
    from creditgraph.governance import after
    from creditgraph.graph.connect import open_store
    from creditgraph.loaders.mapping import load_mappings
    from creditgraph.loaders.pipeline import load_paths
    from creditgraph.resolution import run_resolution

    settings = settings_from(args)
    state_path = _state_file(settings)
    state = _read_state(state_path, inputs_digest(args.paths))
    if args.restart:
        state["done"] = {}
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    report_dir = settings.data_dir / "reports" / f"pipeline-{stamp}"
    load = functools.partial(load_paths, paths=args.paths, hash_key=settings.id_hash_key.get_secret_value(),
                             report_dir=report_dir / "load",
                             mapping=load_mappings(args.mapping) if args.mapping else None,
                             batch_rows=settings.batch_size)
    table: list[tuple[str, str, float | None, float]] = []

    def run_stage(name: str, work) -> None:
        log.info("pipeline: %s (stage %d of %d)", name, STAGES.index(name) + 1, len(STAGES))
        t0 = time.perf_counter()
        summary = work()
        seconds = time.perf_counter() - t0
        state["done"][name] = {"at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                               "seconds": round(seconds, 1), "summary": summary}
        _write_state(state_path, state)
        table.append((name, "ran", seconds, _peak_rss_mb()))

    governed: dict[str, float] = {}

    def govern(name: str) -> None:
        """Governance after a load or a score (creditgraph.governance.after): a store snapshot and
        the alerts of its difference, timed apart from the stage (at 100k it is ~15 % of the run)."""
        t0 = time.perf_counter()
        after(settings, store, name)
        governed[name] = time.perf_counter() - t0

    redo_from = None
    if args.bulk and "load" not in state["done"]:
        run_stage("load", lambda: bulk_first_load(settings, load, paths=args.paths).as_dict()["rows_read"])
    with open_store(settings) as store:
        if args.bulk and table and table[-1][0] == "load":
            govern("load")
        redo = _to_redo(store)
        for name in STAGES:
            if redo_from is None and (name not in state["done"] or name in redo):
                redo_from = name
            if redo_from is None or STAGES.index(name) < STAGES.index(redo_from):
                if not any(row[0] == name for row in table):  # a bulk load just ran it
                    table.append((name, "done earlier", None, _peak_rss_mb()))
                continue
            if name == "load":
                run_stage(name, lambda: load(store).as_dict()["rows_read"])
                govern("load")
            elif name == "resolve":
                run_stage(name, lambda: run_resolution(store, user=settings.user)[0].as_dict()["persons"]["entities"])
            else:
                run_stage(name, lambda: _score(store, settings, report_dir))
                govern("score")
    print(f"{'stage':<9} {'':<13} {'seconds':>9} {'then governance s':>18} {'peak MB':>9}")
    for name, what, seconds, rss in table:
        gov = f"{governed[name]:18.1f}" if name in governed else ""
        print(f"{name:<9} {what:<13} {'' if seconds is None else f'{seconds:9.1f}':>9} {gov:>18} {rss:9.0f}")
    print(f"state: {state_path}   reports: {report_dir}")
    return 0


def _score(store, settings, report_dir: Path) -> dict:
    from creditgraph.scoring import run_scoring

    summary = run_scoring(store, processes=settings.scoring_processes, user=settings.user)
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
    s.add_argument("--bulk", action="store_true", help="first load of an empty embedded store (as load --bulk)")
    s.add_argument("--restart", action="store_true", help="run every stage again, even those finished earlier")
    s.set_defaults(func=cmd_pipeline, store_key="write")
