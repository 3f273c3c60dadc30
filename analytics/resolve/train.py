"""Train the person-resolution model on a synthetic city and choose its threshold.

    python -m creditgraph.analytics.resolve.train [--companies 20000] [--seed 11] [--out PATH]

Generates a city, loads it in memory through the real loaders, labels every candidate pair
from the generator's truth (same pid or not), fits a logistic regression on
:data:`~creditgraph.analytics.resolve.persons.FEATURES`, and picks the threshold with the best
F1 among those whose precision on held-out pairs is at least ``--min-precision``. The
coefficients, threshold and the figures that justify them go to ``person_model.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import tempfile
from pathlib import Path
from typing import Mapping

import networkx as nx
import numpy as np

from creditgraph.analytics.resolve.persons import (MODEL_PATH, FEATURES, Mention, Model, candidate_pairs,
                                                   contradiction, evidence, feature_vector)

__all__ = ["labelled_pairs", "fit", "city_graph"]

log = logging.getLogger(__name__)
HASH_KEY = "training-key"  # any key works: the model never sees hash values, only (in)equality


def labelled_pairs(ms: Mapping[str, Mention], truth: Mapping[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows and same/not-same labels for the candidate pairs whose nodes are both known
    and not ruled out by a contradiction (those never reach the model)."""
    sizes: dict[str, int] = {}
    for m in ms.values():
        sizes[m.name] = sizes.get(m.name, 0) + 1
    X, y = [], []
    for a, b in candidate_pairs(ms):
        if a in truth and b in truth and not contradiction(ms[a], ms[b]):
            X.append(feature_vector(evidence(ms[a], ms[b], sizes[ms[a].name])))
            y.append(truth[a] == truth[b])
    return np.array(X), np.array(y, dtype=bool)


def fit(X: np.ndarray, y: np.ndarray, *, min_precision: float = 0.995, seed: int = 0) -> tuple[Model, dict]:
    """Logistic regression on 70 % of the pairs; the threshold is read off the held-out 30 %."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import precision_recall_curve

    order = np.random.default_rng(seed).permutation(len(y))
    cut = int(0.7 * len(y))
    train, test = order[:cut], order[cut:]
    # same-person pairs outnumber the rest by far among candidates; weight classes equally
    clf = LogisticRegression(max_iter=2000, class_weight="balanced").fit(X[train], y[train])
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
    model = Model(tuple(round(float(c), 6) for c in clf.coef_[0]), round(float(clf.intercept_[0]), 6),
                  round(float(threshold), 4), report)
    return model, report


def city_graph(city: Path, hash_key: str = HASH_KEY) -> nx.MultiDiGraph:
    """A generated city loaded through the real loaders into memory."""
    from creditgraph.loaders.nx_sink import NetworkXSink
    from creditgraph.loaders.pipeline import load_paths

    sink = NetworkXSink()
    with tempfile.TemporaryDirectory() as reports:  # the city folder stays as generated
        load_paths(sink, [city / "data"], hash_key=hash_key, report_dir=Path(reports), progress=False)
    return sink.graph


def main(argv=None) -> int:
    from creditgraph.analytics.resolve.companies import company_canonical
    from creditgraph.analytics.resolve.persons import mentions
    from creditgraph.synth.generate import generate
    from creditgraph.synth.truth import mention_keys

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--companies", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--min-precision", type=float, default=0.995)
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory() as tmp:
        city = Path(tmp)
        generate(args.companies, seed=args.seed, out=city, progress=False)
        G = city_graph(city)
        truth = mention_keys(city, hash_key=HASH_KEY)
    ms = mentions(G, company_canonical(G))
    X, y = labelled_pairs(ms, truth)
    model, report = fit(X, y, min_precision=args.min_precision, seed=args.seed)
    model = Model(model.coef, model.intercept, model.threshold,
                  {"trained_on": f"synthetic city, {args.companies} companies, seed {args.seed}",
                   "trained": dt.date.today().isoformat(), **report})
    model.save(args.out)
    log.info("threshold %.4f: held-out precision %.4f recall %.4f on %d pairs (%d same)", model.threshold,
             report["held_out_precision"], report["held_out_recall"], report["pairs"], report["positives"])
    for name, c in zip(FEATURES, model.coef):
        log.info("  %-24s %+.3f", name, c)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
