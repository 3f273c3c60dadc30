"""Person-resolution quality and speed on synthetic cities of several profiles and seeds (not a test).

    python bench/resolution_quality.py [--companies 20000] [--profiles full,noid,sparse,listed] [--seeds 5,6]

For each profile × seed: generates a city (seeds other than the training seeds 11 and 13;
"sparse" and "listed" are never trained on, "noid" is a full city with the person-ID columns
blanked), loads it in memory through the real loaders, resolves firms and people with the
shipped model, and prints one row per method:

* people without ID numbers (:func:`~creditgraph.analytics.resolve.evaluate.noid_metrics`):
  precision over every pair put together where one record shows no ID, recall over the pairs
  the truth says are inferable from context, and recall over all such true pairs;
* pairwise F1 over all records and over masked-ID pairs (the 失信 links), as before;
* same-name decoys merged with their offender, candidates scored, seconds to resolve people.

The baseline, run in the same process on the same graph, is the plain rule "same name + a
shared registered address or phone" (union–find, no model, no ID check). ``--curve`` adds the
precision / recall of our model at other thresholds on the first city.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from creditgraph.analytics.resolve.companies import company_canonical
from creditgraph.analytics.resolve.evaluate import inferable_pairs, noid_metrics, pair_metrics
from creditgraph.analytics.resolve.mentions import firm_context, mentions, person_names
from creditgraph.analytics.resolve.persons import Model, resolve_persons
from creditgraph.training.cities import HASH_KEY, city_graph, make_city
from creditgraph.synth.truth import load_truth, mention_keys


def name_and_place_baseline(ms) -> dict[str, str]:
    """Merge every same-name pair whose firms share a registered address or a phone."""
    parent = {k: k for k in ms}

    def find(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k
    first: dict[tuple[str, str], str] = {}
    for m in ms.values():
        for item in m.addresses | m.phones:
            k = first.setdefault((m.name, item), m.key)
            parent[find(m.key)] = find(k)
    return {k: find(k) for k in ms}


def _decoys_merged(canonical, truth, decoys) -> int:
    pids: dict[str, set[int]] = defaultdict(set)
    for k, pid in truth.items():
        if k in canonical:
            pids[canonical[k]].add(pid)
    return sum(1 for twin, offender in decoys if any({twin, offender} <= s for s in pids.values()))


def run_city(profile: str, seed: int, companies: int, curve: bool = False) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        city = make_city(Path(tmp), companies, seed=seed, profile=profile)
        G = city_graph(city)
        truth = mention_keys(city, hash_key=HASH_KEY)
        decoys = [(d["persons"][0], d["facts"]["namesake_of"]) for d in load_truth(city).of("same_name")]
    firms = company_canonical(G)
    t0 = time.perf_counter()
    res = resolve_persons(G, company_canonical=firms)
    seconds = time.perf_counter() - t0
    names = person_names(G)
    ctx = firm_context(G, firms, names)
    ms = mentions(G, firms, ctx, names=names)
    inferable = inferable_pairs(ms, truth, ctx)
    t0 = time.perf_counter()
    base = name_and_place_baseline(ms)
    base_s = time.perf_counter() - t0
    rows = []
    for method, canonical, s, cands in (("ours", res.canonical, seconds, res.candidates),
                                        ("name+addr/phone", base, base_s, None)):
        n = noid_metrics(canonical, truth, ms, inferable)
        p = pair_metrics(canonical, truth, ms)
        rows.append({"profile": profile, "seed": seed, "method": method, "records": len(ms), **n,
                     "f1_all": p["all"]["f1"], "f1_masked": p["masked"]["f1"],
                     "masked_pairs": p["masked"]["true_pairs"],
                     "decoys": f"{_decoys_merged(canonical, truth, decoys)}/{len(decoys)}",
                     "candidates": cands, "seconds": s})
    if curve:
        model = Model.load()
        print(f"{profile} seed {seed}, other thresholds (shipped {model.threshold}):")
        for th in (0.01, 0.05, 0.2, 0.5, 0.8, 0.95):
            r = resolve_persons(G, model=Model(model.coef, model.intercept, th, {}), company_canonical=firms)
            x = noid_metrics(r.canonical, truth, ms, inferable)
            print(f"  threshold {th:<5} precision {x['precision']:.4f} recall (inferable) {x['recall_inferable']:.4f}")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--companies", type=int, default=20_000)
    ap.add_argument("--profiles", "--profile", default="full,noid,sparse,listed")
    ap.add_argument("--seeds", default="5,6")
    ap.add_argument("--curve", action="store_true")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    head = (f"{'profile':8}{'seed':>5} {'method':16}{'records':>8}{'prec':>8}{'rec inf':>8}{'rec all':>8}"
            f"{'inf pairs':>10}{'f1 all':>8}{'f1 mask':>8}{'decoys':>7}{'cands':>7}{'sec':>6}")
    rows = []
    for profile in args.profiles.split(","):
        for i, seed in enumerate(int(s) for s in args.seeds.split(",")):
            rows += run_city(profile, seed, args.companies, curve=args.curve and not rows)
            if len(rows) == 2:
                print(f"city: {args.companies} companies; model threshold {Model.load().threshold}")
                print("prec / rec: pairs with a no-ID side (rec inf: of those inferable from context); "
                      "f1 all / f1 mask: every pair / masked-ID pairs")
                print(head)
            for r in rows[-2:]:
                print(f"{r['profile']:8}{r['seed']:>5} {r['method']:16}{r['records']:>8}{r['precision']:>8.4f}"
                      f"{r['recall_inferable']:>8.4f}{r['recall_all']:>8.4f}{r['inferable_pairs']:>10}{r['f1_all']:>8.4f}"
                      f"{r['f1_masked'] if r['masked_pairs'] else float('nan'):>8.4f}{r['decoys']:>7}"
                      f"{r['candidates'] if r['candidates'] is not None else '':>7}{r['seconds']:>6.1f}", flush=True)


if __name__ == "__main__":
    main()
