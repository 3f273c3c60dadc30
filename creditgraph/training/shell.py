"""Train the shell-company model on synthetic cities: ``python -m creditgraph.training shell``.

Generates cities (default 20,000 companies, profiles full and registry, seeds 11–13), loads each
in memory, resolves it, computes the indicators and fits
:func:`~creditgraph.analytics.shell.fit_shell_model` against the planted shell clusters (decoys
count as ordinary firms). Writes ``shell_model.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import tempfile
from pathlib import Path

import networkx as nx
import pandas as pd

from creditgraph.analytics.features import company_indicators
from creditgraph.analytics.shell import SHELL_MODEL_PATH, fit_shell_model
from creditgraph.evaluation import firm_entities
from creditgraph.synth.generate import generate
from creditgraph.synth.truth import load_truth
from creditgraph.training.cities import resolved_city_graph

__all__ = ["shell_labels", "training_frame", "add_arguments", "run"]

log = logging.getLogger(__name__)


def shell_labels(index, city: Path, G: nx.MultiDiGraph | None = None) -> pd.Series:
    """Whether each firm of ``index`` is a planted shell. Firms are found by USCC, and — given
    the graph, for extracts that key firms by stock code or name — through their entity
    (:func:`creditgraph.evaluation.firm_entities`)."""
    usccs = {u for p in load_truth(city).of("shell_cluster") for u in p["companies"]}
    shells = {f"co:uscc:{u}" for u in usccs}
    if G is not None:
        entities = {e for u, e in firm_entities(city, G).items() if u in usccs}
        shells |= {k for k, d in G.nodes(data=True)
                   if d.get("label") == "Company" and (d.get("resolved") or k) in entities}
    return pd.Series([k in shells for k in index], index=index)


def training_frame(profiles: list[str], seeds: list[int], companies: int
                   ) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Indicators, shell labels and the city of every firm of the generated cities
    ``profiles`` × ``seeds`` (each city loaded in memory and resolved)."""
    frames, labels, cities = [], [], []
    for profile in profiles:
        for seed in seeds:
            with tempfile.TemporaryDirectory() as tmp:
                city = Path(tmp)
                generate(companies, seed=seed, out=city, progress=False, profile=profile)
                G = resolved_city_graph(city)
                X, _ = company_indicators(G)
                y = shell_labels(X.index, city, G)
            name = f"{profile}-{seed}"
            log.info("%s: %d firms, %d shells", name, len(X), int(y.sum()))
            X.index = name + "|" + X.index.astype(str)
            frames.append(X)
            labels.append(pd.Series(y.to_numpy(), index=X.index))
            cities.append(pd.Series(name, index=X.index))
    return pd.concat(frames), pd.concat(labels), pd.concat(cities)


def add_arguments(ap: argparse.ArgumentParser) -> None:
    """The options of ``python -m creditgraph.training shell``."""
    ap.add_argument("--companies", type=int, default=20_000, help="companies in each training city (default 20000)")
    ap.add_argument("--profiles", default="full,registry",
                    help="generator profiles to train on (the rest are held out)")
    ap.add_argument("--seeds", default="11,12,13", help="seeds of the training cities (never used for evaluation)")
    ap.add_argument("--min-precision", type=float, default=0.95,
                    help="each pattern's threshold keeps at least this held-out precision (default 0.95)")
    ap.add_argument("--out", type=Path, default=SHELL_MODEL_PATH, help="model file to write (default: the shipped one)")


def run(args: argparse.Namespace) -> int:
    """Train on ``args.profiles`` × ``args.seeds`` and write the model to ``args.out``."""
    profiles, seeds = args.profiles.split(","), [int(s) for s in args.seeds.split(",")]
    X, y, groups = training_frame(profiles, seeds, args.companies)
    m = fit_shell_model(X, y, groups=groups, min_precision=args.min_precision)
    m.provenance.update({"profiles": profiles, "seeds": seeds, "companies": args.companies,
                         "trained_on": f"generated cities, profiles {profiles}, seeds {seeds}, "
                                       f"{args.companies} companies each",
                         "held_out_profiles": "every profile not in trained_on",
                         "trained": dt.date.today().isoformat()})
    m.save(args.out)
    log.info("shell model: %s", m.provenance)
    return 0
