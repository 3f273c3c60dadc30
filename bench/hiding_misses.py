"""Where each planted asset-hiding move ranks, and the leads that point at it (not a test).

    python -m bench.hiding_misses --profile sparse --seed 23 [--companies 20000]

Generates the city (as :mod:`bench.score_quality` does), resolves and scores it in memory, then
prints, per planted move: its mode, whether the published files can date it, the relative's
name and how many person nodes (after resolution) carry that name, the hidden firm's rank in the hiding ranking (top 1 %
cut beside it), every lead of ``hidden_assets(weak=True)`` on that firm, and how many firms the same
debtor points at with an identical lead (mode, ties, chance). How the misses in
``bench/results/score_quality.txt`` were read.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import tempfile
from pathlib import Path

import pandas as pd

from creditgraph.analytics.offenders import hidden_assets
from creditgraph.evaluation import firm_entities, score_city
from creditgraph.synth.generate import generate
from creditgraph.training.cities import resolved_city_graph


def report(city: Path) -> str:
    G = resolved_city_graph(city)
    scores = score_city(G)
    firm = firm_entities(city, G)
    leads = hidden_assets(G, weak=True)
    ranking = scores["hiding"]
    cut = max(1, math.ceil(0.01 * len(scores["X"])))
    names = pd.read_csv(city / "truth" / "persons.csv", dtype=str).set_index("pid")["name"]
    firms_of = pd.Series([d.get("name") for _, d in G.nodes(data=True) if d.get("label") == "Person"]).value_counts()
    patterns = json.loads((city / "truth" / "patterns.json").read_text(encoding="utf-8"))["patterns"]
    out = [f"top 1 % = {cut} places; tiers there: {ranking.head(cut)['tier'].value_counts().to_dict()}"]
    for p in (p for p in patterns if p["pattern"] == "asset_hiding"):
        e, name = firm.get(p["facts"]["hidden_firm"]), names.get(str(p["facts"]["associate"]), "?")
        rank = int(ranking.at[e, "rank"]) if e in ranking.index else None
        where = "in" if rank and rank <= cut else "OUT"
        out.append(f"{p['id']} {p['facts']['mode']} datable={p['facts'].get('datable')} relative={name} "
                   f"(person nodes of the name: {int(firms_of.get(name, 0))}) rank={rank} {where}")
        cols = ["debtor", "mode", "ties", "strength", "chance", "moved_on", "finding", "dated"]
        mine = leads.loc[leads["firm"] == e, cols]
        out.append(mine.to_string(index=False) if len(mine) else "  (no lead)")
        if len(mine):  # how many firms the same debtors point at with the very same evidence
            same = leads.merge(mine[["debtor", "mode", "ties", "chance"]].drop_duplicates(),
                               on=["debtor", "mode", "ties", "chance"])
            out.append(f"  firms with an identical lead from the same debtor: {same['firm'].nunique()}")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--profile", default="sparse")
    ap.add_argument("--seed", type=int, default=23)
    ap.add_argument("--companies", type=int, default=20_000)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    pd.set_option("display.width", 200)
    with tempfile.TemporaryDirectory() as tmp:
        generate(args.companies, seed=args.seed, out=Path(tmp), progress=False, profile=args.profile)
        print(report(Path(tmp)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
