"""Detection quality per generator profile × seed, in memory (not a test): the evaluation matrix.

    python -m bench.score_quality [--profiles full,registry,sparse,listed] [--seeds 21,22,23]
                                  [--companies 20000] [--out bench/results/score_quality_matrix.txt]

For each profile and seed: generate a city, load it through the real loaders into memory,
resolve it, score it, and hold every figure against its truth (:mod:`creditgraph.evaluation`).
Beside the model, in the same run: the plain address-count baseline (ranking firms by how
many firms share their address; flags above its 99th percentile). Asset hiding is reported
twice: every planted hidden firm in the top 1 % of its ranking, and the ones whose move the
published files can date (``asset_hiding_datable`` of
:func:`~creditgraph.evaluation.detection_metrics`). The shipped models' training profiles and
seeds are read from their provenance and printed, so the table says which rows
were held out of training; seeds used for training are refused.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from pathlib import Path

from creditgraph.analytics.shell import ShellModel
from creditgraph.training.cities import resolved_city_graph
from creditgraph.evaluation import detection_metrics, score_city
from creditgraph.synth.generate import generate
from creditgraph.synth.truth import mention_keys

log = logging.getLogger("bench.score_quality")
HASH_KEY = "bench-key"

COLUMNS = [("profile", "{profile}"), ("seed", "{seed}"), ("firms", "{firms}"),
           ("shell F1", "{shell[f1]:.3f}"), ("P", "{shell[precision]:.3f}"), ("R", "{shell[recall]:.3f}"),
           ("P@50", "{shell[p_at_50]:.2f}"), ("P@100", "{shell[p_at_100]:.2f}"),
           ("base F1", "{baseline[f1]:.3f}"), ("base P@50", "{baseline[p_at_50]:.2f}"),
           ("HQ decoys top100", "{shell[group_hq_in_top_100]}"),
           ("serial top1%", "{serial_firms[in_top_1pct]}/{serial_firms[planted]}"),
           ("hiding top1%", "{asset_hiding[in_top_1pct]}/{asset_hiding[planted]}"),
           ("datable top1%", "{asset_hiding_datable[in_top_1pct]}/{asset_hiding_datable[planted]}"),
           ("twins>median", "{clean_twins[above_median]}/{clean_twins[planted]}"),
           ("repeat R", "{repeat_offender[recall]:.3f}"), ("serial R", "{serial_defaulter[recall]:.2f}"),
           ("s", "{seconds:.0f}")]


def run(profile: str, seed: int, companies: int) -> dict:
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        city = Path(tmp)
        generate(companies, seed=seed, out=city, progress=False, profile=profile)
        G = resolved_city_graph(city)
        scores = score_city(G)
        m = detection_metrics(G, city, scores, mention_keys=mention_keys(city, hash_key=HASH_KEY))
    return {"profile": profile, "seed": seed, **m, "seconds": time.perf_counter() - t0}


def table(rows: list[dict]) -> str:
    head = [h for h, _ in COLUMNS]
    cells = [[f.format(**r) for _, f in COLUMNS] for r in rows]
    width = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(head)]
    line = lambda xs: "| " + " | ".join(x.ljust(w) for x, w in zip(xs, width)) + " |"
    return "\n".join([line(head), "|" + "|".join("-" * (w + 2) for w in width) + "|", *map(line, cells)])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--profiles", default="full,registry,sparse,listed")
    ap.add_argument("--seeds", default="21,22,23")
    ap.add_argument("--companies", type=int, default=20_000)
    ap.add_argument("--out", type=Path, help="also write the table and the raw figures (JSON lines) here")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    trained = ShellModel.load().provenance
    seeds = [int(s) for s in args.seeds.split(",")]
    used = set(trained.get("seeds", []))
    if used & set(seeds):
        raise SystemExit(f"seeds {sorted(used & set(seeds))} trained the shipped shell model: pick others")
    rows = []
    for profile in args.profiles.split(","):
        for seed in seeds:
            rows.append(run(profile, seed, args.companies))
            print(table(rows[-1:]).splitlines()[-1], flush=True)
    header = (f"# python -m bench.score_quality --profiles {args.profiles} --seeds {args.seeds} "
              f"--companies {args.companies}\n"
              f"# shell model trained on: {trained.get('trained_on')}; every other profile is held out of training\n")
    text = header + table(rows)
    print(text)
    if args.out:
        args.out.write_text(text + "\n\n" + "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                            encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
