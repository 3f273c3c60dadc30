"""One step of a run-record test, in its own process (each owns its embedded store and its JVM):
``python driver.py DATA_DIR STEP,STEP... [--city CITY] [--kill-after WHAT:N]``. Steps, in one
process and one store: ``wipe``, ``load`` (MERGE), ``resolve``, ``resolve-incremental``, ``score``,
``unscore`` (every score property removed), ``runs``,
``digest`` (digests of what each command writes); or ``bulk`` alone (the CLI's ``load --bulk``).
Prints one JSON line on stdout: the unfinished runs before and after, each summary, the digests.

``--kill-after WHAT:N`` sends this process SIGKILL right after the N-th store write whose
description starts with WHAT has committed (``bulk-edges:N``: after the N-th edge type the bulk
writer has settled) — a kill -9 at a known point, so the test does not race a timer on a loaded
machine. Only this test driver patches the store; the product has no kill hook.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import signal
import sys
from pathlib import Path


def _kill_after(spec: str) -> None:
    what, _, n = spec.rpartition(":")
    left = [int(n)]

    def tick() -> None:
        left[0] -= 1
        if left[0] == 0:
            sys.stdout.flush()
            os.kill(os.getpid(), signal.SIGKILL)

    if what == "bulk-edges":
        from creditgraph.graph import arcadedb_bulk

        settle = arcadedb_bulk._settle_batch_transaction

        def settled(database, where):
            settle(database, where)
            if " edge " in where:
                tick()

        arcadedb_bulk._settle_batch_transaction = settled
        return
    from creditgraph.graph.bolt_store import BoltGraphStore

    write = BoltGraphStore._write

    def counted(self, desc, query, **params):
        out = write(self, desc, query, **params)
        if desc.startswith(what):
            tick()
        return out

    BoltGraphStore._write = counted
    from creditgraph.graph.embedded_store import EmbeddedGraphStore

    write_in_process = EmbeddedGraphStore._write_in_process

    def counted_in_process(self, desc, work):  # the owner's resolution write-back (graph/embedded_store.py)
        out = write_in_process(self, desc, work)
        if desc.startswith(what):
            tick()
        return out

    EmbeddedGraphStore._write_in_process = counted_in_process


def _digest(store) -> dict:
    """sha256 of what each command writes, in a backend-independent order: the loaded records
    (every node and edge but SAME_AS, with their properties, scores and ``resolved`` left out),
    the resolution (SAME_AS links but their run time, and every ``resolved``), the scores."""
    from creditgraph.scoring import SCORE_COLUMNS

    G = store.export()
    derived = set(SCORE_COLUMNS) | {"resolved"}
    loaded, resolution, scores = [], [], []
    for k, d in G.nodes(data=True):
        loaded.append([k, sorted((p, repr(v)) for p, v in d.items() if p not in derived)])
        resolution.append([k, d.get("resolved")])
        scores.append([k, [repr(d.get(c)) for c in SCORE_COLUMNS]])
    for a, b, d in G.edges(data=True):
        if d["type"] == "SAME_AS":
            resolution.append([a, b, sorted((p, repr(v)) for p, v in d.items() if p != "run")])
        else:
            loaded.append([a, b, sorted((p, repr(v)) for p, v in d.items())])

    def sha(rows) -> str:
        return hashlib.sha256(json.dumps(sorted(rows, key=json.dumps), ensure_ascii=False).encode()).hexdigest()

    same_as = sum(1 for *_, d in G.edges(data=True) if d["type"] == "SAME_AS")
    return {"loaded": sha(loaded), "resolution": sha(resolution), "scores": sha(scores), "same_as": same_as,
            "scored": sum(1 for _, d in G.nodes(data=True) if d.get("shell_score") is not None),
            "nodes": G.number_of_nodes(), "edges": G.number_of_edges() - same_as}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("steps", help="comma-separated: load, bulk (alone), resolve, resolve-incremental, score, "
                                  "unscore, digest, runs")
    ap.add_argument("--city", type=Path)
    ap.add_argument("--kill-after")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    if args.kill_after:
        _kill_after(args.kill_after)
    from creditgraph.graph.connect import open_store
    from creditgraph.graph.runs import unfinished_runs
    from creditgraph.settings import Settings

    settings = Settings(data_dir=args.data_dir)
    steps = args.steps.split(",")
    if steps == ["bulk"]:
        from creditgraph.cli import main as cli

        code = cli(["load", "--bulk", "--json", "--data-dir", str(args.data_dir), str(args.city / "data")])
        print(json.dumps({"exit": code}))  # noqa: T201  (the driver answers on stdout)
        raise SystemExit(code)
    out: dict = {}
    with open_store(settings) as store:
        out["unfinished_before"] = [r.as_dict() for r in unfinished_runs(store)]
        for step in steps:
            if step == "wipe":  # a shared Neo4j: start from nothing
                store.wipe()
                out["unfinished_before"] = []
            elif step == "load":
                from creditgraph.loaders.pipeline import load_paths

                load_paths(store, [args.city / "data"], hash_key=settings.id_hash_key.get_secret_value(),
                           report_dir=args.data_dir / "reports", progress=False)
            elif step in ("resolve", "resolve-incremental"):
                from creditgraph.resolution import run_resolution

                summary, _ = run_resolution(store, incremental=step == "resolve-incremental", user="tester")
                out[step] = summary.as_dict()
            elif step == "score":
                from creditgraph.scoring import run_scoring

                out[step] = run_scoring(store, processes=1, progress=False, user="tester")
            elif step == "unscore":  # a store resolved, never scored
                from creditgraph.scoring import SCORE_COLUMNS

                store.clear_scores(SCORE_COLUMNS)
            elif step == "digest":
                out.setdefault("digests", []).append(_digest(store))
            elif step != "runs":
                raise SystemExit(f"unknown step {step}")
        out["unfinished_after"] = [r.as_dict() for r in unfinished_runs(store)]
    print(json.dumps(out, ensure_ascii=False, default=str))  # noqa: T201  (the driver answers on stdout)


if __name__ == "__main__":
    main()
