"""Scoring quality and stage times on a synthetic city, in memory (not a test).

    python bench/score_quality.py [--companies 100000] [--seed 5]

Generates a city (the shipped models were trained on seed 11), loads it through the real
loaders into memory, resolves it, scores shells / repeat offenders / hidden assets, and
prints the metrics ``creditgraph evaluate`` reports plus the time per stage. Baseline in the
same run: ranking firms by ``firms_at_address`` alone (degree counting), to show what the
decoys do to a scorer that only counts.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from creditgraph.analytics.features import company_indicators
from creditgraph.analytics.offenders import hidden_assets, repeat_offenders
from creditgraph.analytics.resolve.train import HASH_KEY
from creditgraph.analytics.shell import score_shells
from creditgraph.analytics.train_scores import resolved_city_graph, shell_labels
from creditgraph.synth.generate import generate
from creditgraph.synth.truth import load_truth, mention_keys


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--companies", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    t: dict[str, float] = {}

    def timed(name, fn, *a):
        t0 = time.perf_counter()
        out = fn(*a)
        t[name] = time.perf_counter() - t0
        return out

    with tempfile.TemporaryDirectory() as tmp:
        city = Path(tmp)
        timed("generate", lambda: generate(args.companies, seed=args.seed, out=city, progress=False))
        G = timed("load + resolve (in memory)", resolved_city_graph, city)
        truth, keys = load_truth(city), mention_keys(city, hash_key=HASH_KEY)
        X, evidence = timed("indicators", company_indicators, G)
        y = shell_labels(X.index, city)
    s = timed("shell score", score_shells, X, evidence)
    R = timed("repeat offenders", repeat_offenders, G)
    H = timed("hidden assets", hidden_assets, G)
    decoys = {f"co:uscc:{u}": p["pattern"] for p in truth.patterns if p["kind"] == "decoy" for u in p["companies"]}
    for name, ranking, flags in (("model", s["score"], s["flag"]),
                                 ("baseline: firms at address", X["firms_at_address"],
                                  X["firms_at_address"] >= X["firms_at_address"].quantile(0.99))):
        tp = int((flags & y).sum())
        p, r = tp / max(1, int(flags.sum())), tp / int(y.sum())
        top = ranking.sort_values(ascending=False).head(100).index
        print(f"shell [{name}]: precision {p:.3f} recall {r:.3f} f1 {2 * p * r / (p + r) if p + r else 0:.3f} "
              f"precision@100 {y[top].mean():.3f}; planted {int(y.sum())}; decoys in top 100: "
              f"{dict((k, sum(1 for f in top if decoys.get(f) == k)) for k in sorted(set(decoys.values())))}")
    ents: dict[int, set[str]] = defaultdict(set)
    for k, pid in keys.items():
        ents[pid].add(G.nodes[k].get("resolved") or k)
    flagged = set(R.index[R["flag"]])
    wanted = truth.of("repeat_offender") + truth.of("serial_defaulter")
    hits = sum(1 for p in wanted if ({f"co:uscc:{p['subject']['company']}"} if "company" in p["subject"]
                                     else ents[p["subject"]["person"]]) & flagged)
    print(f"repeat offenders: recall {hits / len(wanted):.3f} ({hits}/{len(wanted)} planted); {len(flagged)} flagged")
    hiding = truth.of("asset_hiding")
    found = [p for p in hiding if (H.firm == f"co:uscc:{p['facts']['hidden_firm']}").any()]
    by_mode = {m: sum(1 for p in found if p["facts"]["mode"] == m) for m in ("new_firm", "equity_transfer")}
    print(f"asset hiding: recall {len(found) / len(hiding):.3f} ({len(found)}/{len(hiding)}, by mode {by_mode}); "
          f"{len(H)} findings on {H.firm.nunique()} firms")
    print("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in t.items()))


if __name__ == "__main__":
    main()
