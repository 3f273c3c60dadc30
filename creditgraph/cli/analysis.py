"""Commands over the loaded graph: resolve, review, score, evaluate."""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from creditgraph import collector
from creditgraph.cli.common import audit_log, log, settings_from
from creditgraph.errors import CreditGraphError
from creditgraph.graph.runs import report_unfinished


def cmd_resolve(args: argparse.Namespace) -> int:
    from creditgraph.graph.connect import open_store
    from creditgraph.resolution import run_resolution

    settings = settings_from(args)
    with open_store(settings) as store:
        summary, _ = run_resolution(store, incremental=args.incremental, user=settings.user)
    out = summary.as_dict()
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        p, c = out["persons"], out["companies"]
        print(f"persons: {p['records']} records -> {p['entities']} people ({p['links']} links from "
              f"{p['candidates']} candidate pairs; {p['refused']} refused; {p['judgements']} reviewer judgements)")
        print(f"firms:   {c['records']} records -> {c['entities']} firms ({c['links']} links; "
              f"{c['ambiguous']} ambiguous)")
        for r in out["refused_examples"][:5]:
            print(f"  refused {r['a']} ~ {r['b']} ({r['score']}): {r['why']}")
        _print_run(out)
    return 0


def _print_run(summary: dict) -> None:
    """The run's record, and the stopped runs it redid."""
    print(f"run: {summary['run']}" + (f" (redid the unfinished {', '.join(summary['repaired'])})"
                                      if summary["repaired"] else ""))


def cmd_review(args: argparse.Namespace) -> int:
    from creditgraph.graph.connect import open_store
    from creditgraph.resolution import review

    settings = settings_from(args)
    verdict = args.verdict.replace("-", "_")
    with open_store(settings) as store:
        report_unfinished(store)
        review(store, args.a, args.b, verdict, by=settings.user, why=args.why)
    audit_log(settings).record("review", {"a": args.a, "b": args.b, "verdict": verdict}, 1)
    print(f"recorded: {args.a} and {args.b} are {'the same' if verdict == 'same' else 'not the same'}"
          " (applies from the next `creditgraph resolve`)")
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from creditgraph.governance import SnapshotTaker, after
    from creditgraph.graph.connect import open_store
    from creditgraph.scoring import run_scoring

    settings = settings_from(args)
    with open_store(settings) as store:
        taker = SnapshotTaker()
        summary = run_scoring(store, processes=settings.scoring_processes, user=settings.user, snapshot=taker)
        after(settings, store, "score", snapshot=taker.taken)  # the run's alerts (creditgraph alerts)
    reports = settings.data_dir / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    path = reports / f"score-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print("  ".join(f"{k}: {v}" for k, v in summary.items()
                        if k not in ("warnings", "shell_coverage", "run", "repaired")))
        print("shell indicator coverage: " + ", ".join(f"{k} {v:.0%}" for k, v in summary["shell_coverage"].items()))
        for w in summary["warnings"]:
            print(f"warning: {w}")
        _print_run(summary)
        print(f"summary written to {path}")
    return 0


def flat_figures(result: dict) -> dict:
    """``evaluate``'s figures one level deep: a group's figures as ``group.figure``
    (``asset_hiding_datable.in_top_1pct``), a figure outside any group (``firms``, ``profile``) as is."""
    return {(f"{group}.{k}" if isinstance(d, dict) else group): v
            for group, d in result.items() for k, v in (d.items() if isinstance(d, dict) else [(None, d)])}


def _truth_keys(city: Path, hash_key: str, level: int) -> dict[str, int]:
    """``synth.truth.mention_keys`` in a spawned process, its log lines kept."""
    import logging

    from creditgraph.synth.truth import mention_keys

    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    return mention_keys(city, hash_key=hash_key)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from creditgraph.graph.connect import open_store
    from creditgraph.resolution import evaluate_persons
    from creditgraph.scoring import evaluate_scores, evaluation_inputs, plot_pr_curves

    settings = settings_from(args)
    key = settings.id_hash_key.get_secret_value()
    with open_store(settings) as store:
        report_unfinished(store)
        # The truth's person keys come from re-mapping the city's files (a minute at 100k firms,
        # pure Python): in a process of their own, beside the store's read and the re-resolutions here.
        with collector.paused(), ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            pending = pool.submit(_truth_keys, args.truth, key, log.getEffectiveLevel())
            records, frames = evaluation_inputs(store)  # once, for both evaluations (held: collector paused)
            truth = functools.cache(pending.result)
            result = evaluate_persons(store, args.truth, hash_key=key, records=records, truth=truth)
            try:
                result |= evaluate_scores(store, args.truth, hash_key=key, inputs=(records, frames), truth=truth)
            except CreditGraphError as e:
                log.warning("%s (scores left out of the evaluation)", e)
    report_dir = args.report_dir or settings.data_dir / "reports" / f"evaluate-{dt.datetime.now():%Y%m%d-%H%M%S}"
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "evaluation.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    log.info("wrote %s and %s", report_dir / "evaluation.json", plot_pr_curves(result, report_dir / "pr_curves.png"))
    flat = flat_figures(result)
    if args.json:
        print(json.dumps(flat, ensure_ascii=False, indent=2))
    else:
        for k, v in flat.items():
            if not isinstance(v, list):
                print(f"{k:<40} {v}")
    return 0


def register(sub, store: argparse.ArgumentParser) -> None:
    s = sub.add_parser("resolve", parents=[store], help="entity resolution: link records of one person or firm")
    s.add_argument("--json", action="store_true", help="print the summary as JSON")
    s.add_argument("--incremental", action="store_true", help="only re-score names that gained unresolved records")
    s.set_defaults(func=cmd_resolve, store_key="read")

    s = sub.add_parser("review", parents=[store], help="record that two records are (not) the same; survives reloads")
    s.add_argument("verdict", choices=["same", "not-same"], help="the reviewer's decision")
    s.add_argument("a", help="a record key")
    s.add_argument("b", help="another record key of the same kind")
    s.add_argument("--why", required=True, help="the reviewer's reason, stored with the decision")
    s.set_defaults(func=cmd_review, store_key="read")

    s = sub.add_parser("score", parents=[store], help="shell, repeat-offender and hidden-asset scores, with reasons")
    s.add_argument("--json", action="store_true", help="print the summary as JSON")
    s.set_defaults(func=cmd_score, store_key="read")

    s = sub.add_parser("evaluate", parents=[store], help="score resolution against a generated city's truth")
    s.add_argument("--truth", type=Path, required=True, help="the generated city folder (data/ and truth/)")
    s.add_argument("--json", action="store_true", help="print the figures as JSON")
    s.add_argument("--report-dir", type=Path, help="where evaluation.json and pr_curves.png go")
    s.set_defaults(func=cmd_evaluate, store_key="read")
