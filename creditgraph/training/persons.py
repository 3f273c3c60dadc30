"""Train the person-resolution model on synthetic cities and choose its threshold.

    python -m creditgraph.training persons [--companies 20000] [--cities full:11,noid:11,noid:13,registry_noid:12]

Generates the training cities — the full city, and full cities whose person-ID columns have
been blanked ("noid", :func:`~creditgraph.training.cities.blank_person_ids`), so that the model
learns to join records by context alone; the "sparse" and "listed" profiles are never trained on
(held out for :mod:`bench.resolution_quality`) — loads each in memory through the real loaders,
labels every candidate pair from the generator's truth (same pid or not), fits a logistic
regression on :data:`~creditgraph.analytics.resolve.pairs.FEATURES`, and picks the threshold
with the best F1 among those whose precision on held-out pairs is at least ``--min-precision``.
The coefficients, threshold and the figures that justify them go to ``person_model.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import tempfile
from pathlib import Path
from typing import Mapping

import numpy as np

from creditgraph.analytics.resolve.companies import company_canonical
from creditgraph.analytics.resolve.mentions import FirmContext, Mention, firm_context, mentions, person_names
from creditgraph.analytics.resolve.pairs import (FEATURES, candidate_pairs, contradiction, evidence, feature_vector,
                                                 supported)
from creditgraph.analytics.resolve.persons import MODEL_PATH, Model
from creditgraph.synth.truth import mention_keys
from creditgraph.training.cities import HASH_KEY, TRAIN_PROFILES, city_graph, make_city

__all__ = ["labelled_pairs", "fit", "training_pairs", "add_arguments", "run"]

log = logging.getLogger(__name__)


def labelled_pairs(ms: Mapping[str, Mention], truth: Mapping[str, int],
                   context: FirmContext | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows and same/not-same labels for the candidate pairs whose nodes are both known,
    that have evidence beyond the name and are not ruled out by a contradiction (the others
    never reach the model)."""
    sizes: dict[str, int] = {}
    for m in ms.values():
        sizes[m.name] = sizes.get(m.name, 0) + 1
    X, y = [], []
    for a, b in candidate_pairs(ms):
        if a in truth and b in truth and not contradiction(ms[a], ms[b]):
            ev = evidence(ms[a], ms[b], sizes[ms[a].name], context)
            if supported(ev):
                X.append(feature_vector(ev))
                y.append(truth[a] == truth[b])
    return np.array(X), np.array(y, dtype=bool)


def fit(X: np.ndarray, y: np.ndarray, *, min_precision: float = 0.995, seed: int = 0) -> tuple[Model, dict]:
    """Logistic regression on 70 % of the pairs; the threshold is read off the held-out 30 %:
    the best F1 among thresholds whose held-out precision is at least ``min_precision``."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import precision_recall_curve

    order = np.random.default_rng(seed).permutation(len(y))
    cut = int(0.7 * len(y))
    train, test = order[:cut], order[cut:]
    # same-person pairs outnumber the rest by far among candidates; weight classes equally
    clf = LogisticRegression(max_iter=2000, class_weight="balanced").fit(X[train], y[train])
    coef, intercept = clf.coef_[0], clf.intercept_[0]
    p, r, t = precision_recall_curve(y[test], clf.predict_proba(X[test])[:, 1])
    ok = [(2 * pi * ri / (pi + ri), ti, pi, ri) for pi, ri, ti in zip(p[:-1], r[:-1], t) if pi >= min_precision]
    if not ok:
        raise ValueError(f"no threshold reaches precision {min_precision} on held-out pairs")
    f1, threshold, prec, rec = max(ok)
    curve = [{"threshold": round(float(ti), 4), "precision": round(float(pi), 4), "recall": round(float(ri), 4)}
             for pi, ri, ti in list(zip(p[:-1], r[:-1], t))[:: max(1, len(t) // 20)]]
    report = {"pairs": int(len(y)), "positives": int(y.sum()), "held_out": int(len(test)),
              "held_out_precision": round(float(prec), 4), "held_out_recall": round(float(rec), 4),
              "held_out_f1": round(float(f1), 4), "min_precision": min_precision, "pr_curve": curve}
    model = Model(tuple(round(float(c), 6) for c in coef), round(float(intercept), 6),
                  round(float(threshold), 4), report)
    return model, report


def training_pairs(specs: list[tuple[str, int]], companies: int) -> tuple[np.ndarray, np.ndarray]:
    """Labelled candidate pairs of each ``(profile, seed)`` city, stacked."""
    X, y = [], []
    for profile, seed in specs:
        if profile not in TRAIN_PROFILES:
            raise ValueError(f"profile {profile!r} is held out for evaluation; train on {TRAIN_PROFILES}")
        with tempfile.TemporaryDirectory() as tmp:
            city = make_city(Path(tmp), companies, seed=seed, profile=profile)
            G = city_graph(city)
            truth = mention_keys(city, hash_key=HASH_KEY)
        canon = company_canonical(G)
        names = person_names(G)
        ctx = firm_context(G, canon, names)
        Xi, yi = labelled_pairs(mentions(G, canon, ctx, names=names), truth, ctx)
        log.info("%s city seed %d: %d pairs, %d same", profile, seed, len(yi), int(yi.sum()))
        X.append(Xi)
        y.append(yi)
    return np.vstack(X), np.concatenate(y)


def add_arguments(ap: argparse.ArgumentParser) -> None:
    """The options of ``python -m creditgraph.training persons``."""
    ap.add_argument("--companies", type=int, default=20_000, help="companies in each training city (default 20000)")
    ap.add_argument("--cities", default="full:11,noid:11,noid:13,registry_noid:12",
                    help="profile:seed of each training city; sparse and listed are held out")
    ap.add_argument("--min-precision", type=float, default=0.995,
                    help="the threshold is the best F1 at this held-out precision or more (default 0.995)")
    ap.add_argument("--out", type=Path, default=MODEL_PATH, help="model file to write (default: the shipped one)")


def run(args: argparse.Namespace) -> int:
    """Train on ``args.cities`` and write the model to ``args.out``."""
    specs = [(p, int(s)) for p, s in (c.split(":") for c in args.cities.split(","))]
    X, y = training_pairs(specs, args.companies)
    model, report = fit(X, y, min_precision=args.min_precision, seed=specs[0][1])
    model = Model(model.coef, model.intercept, model.threshold,
                  {"trained_on": f"synthetic cities of {args.companies} companies: {args.cities} "
                                 "(noid = full with the person-ID columns blanked, registry_noid likewise "
                                 "of a registry city)",
                   "trained": dt.date.today().isoformat(), **report})
    model.save(args.out)
    log.info("threshold %.4f: held-out precision %.4f recall %.4f on %d pairs (%d same)", model.threshold,
             report["held_out_precision"], report["held_out_recall"], report["pairs"], report["positives"])
    for name, c in zip(FEATURES, model.coef):
        log.info("  %-24s %+.3f", name, c)
    return 0
