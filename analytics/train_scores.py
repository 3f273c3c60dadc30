"""Train the shell-company model on a synthetic city: python -m creditgraph.analytics.train_scores

Generates a city (default 20,000 companies, seed 11), loads it in memory, resolves it, computes
the indicators and fits :func:`~creditgraph.analytics.shell.fit_shell_model` against the
planted shell clusters (decoys count as ordinary firms). Writes ``shell_model.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import tempfile
from pathlib import Path

import networkx as nx
import pandas as pd

__all__ = ["resolved_city_graph", "shell_labels"]

log = logging.getLogger(__name__)


def resolved_city_graph(city: Path) -> nx.MultiDiGraph:
    """A generated city loaded in memory, with firms and people resolved (``resolved`` set)."""
    from creditgraph.analytics.resolve.companies import company_canonical
    from creditgraph.analytics.resolve.persons import resolve_persons
    from creditgraph.analytics.resolve.train import city_graph

    G = city_graph(city)
    firms = company_canonical(G)
    people = resolve_persons(G, company_canonical=firms)
    for k, c in {**firms, **people.canonical}.items():
        G.nodes[k]["resolved"] = c
    return G


def shell_labels(index, city: Path) -> pd.Series:
    from creditgraph.synth.truth import load_truth

    shells = {f"co:uscc:{u}" for p in load_truth(city).of("shell_cluster") for u in p["companies"]}
    return pd.Series([k in shells for k in index], index=index)


def main(argv=None) -> int:
    from creditgraph.analytics.features import company_indicators
    from creditgraph.analytics.shell import SHELL_MODEL_PATH, ShellModel, fit_shell_model
    from creditgraph.synth.generate import generate

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--companies", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--out", type=Path, default=SHELL_MODEL_PATH)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory() as tmp:
        city = Path(tmp)
        generate(args.companies, seed=args.seed, out=city, progress=False)
        G = resolved_city_graph(city)
        X, _ = company_indicators(G)
        y = shell_labels(X.index, city)
    m = fit_shell_model(X, y, seed=args.seed)
    m = ShellModel(m.coef, m.intercept, m.mean, m.threshold,
                   {"trained_on": f"synthetic city, {args.companies} companies, seed {args.seed}",
                    "trained": dt.date.today().isoformat(), **m.provenance})
    m.save(args.out)
    log.info("shell model: threshold %.4f, held-out precision %.3f recall %.3f", m.threshold,
             m.provenance["held_out_precision"], m.provenance["held_out_recall"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
