"""Person-resolution quality and speed on a synthetic city (not a test).

    python bench/resolution_quality.py [--companies 20000] [--seed 5]

Generates a city (use a seed other than the model's training seed, 11), loads it in memory
through the real loaders, resolves firms and people with the shipped model, and prints
pairwise precision / recall / F1 — on masked-ID pairs (both records carry an ID, one only a
masked one) and on all pairs — plus the precision–recall curve over thresholds and the
time per stage. Baselines in the same run: "same name + compatible ID" with no context, which is what
careful platforms do, and "same name" alone, which is how platforms mislink people.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

from creditgraph.analytics.resolve.companies import company_canonical
from creditgraph.analytics.resolve.evaluate import pair_metrics
from creditgraph.analytics.resolve.persons import HIDDEN, Model, contradiction, mentions, resolve_persons
from creditgraph.analytics.resolve.train import HASH_KEY, city_graph
from creditgraph.synth.generate import generate
from creditgraph.synth.truth import mention_keys


def _name_and_id_baseline(ms) -> dict[str, str]:
    """Merge every same-name pair with no contradicting ID character (union–find, no context)."""
    parent = {k: k for k in ms}

    def find(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k
    blocks: dict[str, list] = {}
    for m in ms.values():
        blocks.setdefault(m.name, []).append(m)
    for block in blocks.values():
        with_id = [m for m in block if m.pos != HIDDEN * 18]
        for i, a in enumerate(with_id):
            for b in with_id[i + 1:]:
                if not contradiction(a, b):
                    parent[find(a.key)] = find(b.key)
    return {k: find(k) for k in ms}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--companies", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    t = {}
    with tempfile.TemporaryDirectory() as tmp:
        city = Path(tmp)
        t0 = time.perf_counter()
        generate(args.companies, seed=args.seed, out=city, progress=False)
        t["generate"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        G = city_graph(city)
        t["load in memory"] = time.perf_counter() - t0
        truth = mention_keys(city, hash_key=HASH_KEY)
    t0 = time.perf_counter()
    firms = company_canonical(G)
    t["resolve firms"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = resolve_persons(G, company_canonical=firms)
    t["resolve persons"] = time.perf_counter() - t0
    ms = mentions(G, firms)
    t0 = time.perf_counter()
    base = pair_metrics(_name_and_id_baseline(ms), truth, ms)
    t["baseline"] = time.perf_counter() - t0
    name_only = pair_metrics({k: m.name for k, m in ms.items()}, truth, ms)
    m = pair_metrics(res.canonical, truth, ms)
    model = Model.load()
    persons = sum(1 for _, d in G.nodes(data=True) if d.get("label") == "Person")
    print(f"city: {args.companies} companies, seed {args.seed}; {persons} person records, {len(truth)} labelled; "
          f"{res.candidates} candidate pairs, {len(res.links)} links, {len(res.refused)} refused")
    print(f"{'':34}{'precision':>10}{'recall':>8}{'f1':>8}{'true pairs':>12}")
    for name, r in (("model, masked-ID pairs", m["masked"]), ("model, all pairs", m["all"]),
                    ("baseline name+ID, masked-ID pairs", base["masked"]), ("baseline name+ID, all pairs", base["all"]),
                    ("baseline name alone, all pairs", name_only["all"])):
        print(f"{name:34}{r['precision']:>10.4f}{r['recall']:>8.4f}{r['f1']:>8.4f}{r['true_pairs']:>12}")
    print(f"precision-recall curve (masked-ID pairs; shipped threshold {model.threshold}):")
    for th in (0.001, 0.01, 0.05, 0.2, 0.5, 0.8, 0.95, 0.99, 0.999):
        r = resolve_persons(G, model=Model(model.coef, model.intercept, th, {}), company_canonical=firms)
        x = pair_metrics(r.canonical, truth, ms)["masked"]
        print(f"  threshold {th:<6} precision {x['precision']:.4f} recall {x['recall']:.4f} f1 {x['f1']:.4f}")
    print("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in t.items()))


if __name__ == "__main__":
    main()
