"""Shell-company score: a logistic model over :data:`~creditgraph.analytics.features.INDICATORS`.

Trained where labels exist — on a synthetic city, whose truth marks every planted shell and
every decoy (group HQs, agent addresses, professional directors) — and shipped as
``shell_model.json`` with the threshold chosen on held-out firms. Features are transformed
with ``log1p`` for counts so one nominee with a thousand firms does not swamp the rest.
Every score comes with its top contributing indicators (coefficient × transformed value,
relative to the average firm) and the evidence sentence behind each.

Unsupervised fallback (no model file, or ``model=None`` with ``fallback=True``): the mean of
the indicators' percentile ranks, flagged above the 99th percentile — documented, not tuned.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from creditgraph.analytics.features import INDICATORS, Evidence

__all__ = ["ShellModel", "SHELL_MODEL_PATH", "transform", "score_shells", "fit_shell_model"]

SHELL_MODEL_PATH = Path(__file__).with_name("shell_model.json")
_COUNTS = {"firms_at_address", "registered_together", "rep_fronts_firms", "officer_fronts_firms", "shared_crew",
           "abnormal_listings", "firms_on_phone"}


def transform(X: pd.DataFrame) -> pd.DataFrame:
    out = X[list(INDICATORS)].astype(float).copy()
    for c in _COUNTS:
        out[c] = np.log1p(out[c])
    return out


@dataclass(frozen=True)
class ShellModel:
    coef: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...]
    threshold: float
    provenance: dict

    def save(self, path: Path = SHELL_MODEL_PATH) -> None:
        path.write_text(json.dumps({"features": INDICATORS, "coef": self.coef, "intercept": self.intercept,
                                    "mean": self.mean, "threshold": self.threshold, "provenance": self.provenance},
                                   ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = SHELL_MODEL_PATH) -> "ShellModel":
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        if tuple(raw["features"]) != INDICATORS:
            raise ValueError(f"{path} was trained on other indicators; retrain with python -m creditgraph.analytics.train_scores")
        return cls(tuple(raw["coef"]), raw["intercept"], tuple(raw["mean"]), raw["threshold"], raw["provenance"])


def fit_shell_model(X: pd.DataFrame, y: pd.Series, *, min_precision: float = 0.95, seed: int = 0) -> ShellModel:
    """Logistic regression on 70 % of firms; threshold: best F1 on the other 30 % among
    thresholds with precision ≥ ``min_precision`` (the lowest such, with a margin below)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import precision_recall_curve

    T = transform(X)
    order = np.random.default_rng(seed).permutation(len(T))
    cut = int(0.7 * len(T))
    tr, te = order[:cut], order[cut:]
    clf = LogisticRegression(max_iter=5000, class_weight="balanced").fit(T.values[tr], y.values[tr])
    p, r, t = precision_recall_curve(y.values[te], clf.predict_proba(T.values[te])[:, 1])
    ok = [(2 * pi * ri / (pi + ri) if pi + ri else 0, ti, pi, ri) for pi, ri, ti in zip(p[:-1], r[:-1], t)
          if pi >= min_precision]
    if not ok:
        raise ValueError(f"no threshold reaches precision {min_precision} on held-out firms")
    # of the thresholds with the best F1, the lowest, moved halfway down to the next score below
    # it, so a firm scored just under the held-out positives is not lost to where they happened to fall
    f1, threshold, prec, rec = max(ok, key=lambda o: (round(o[0], 6), -o[1]))
    below = [float(x) for x in t if x < threshold]
    threshold = (threshold + max(below)) / 2 if below else threshold
    return ShellModel(tuple(round(float(c), 6) for c in clf.coef_[0]), round(float(clf.intercept_[0]), 6),
                      tuple(round(float(m), 6) for m in T.mean().values), round(float(threshold), 4),
                      {"firms": int(len(y)), "shells": int(y.sum()), "held_out_precision": round(float(prec), 4),
                       "held_out_recall": round(float(rec), 4), "held_out_f1": round(float(f1), 4),
                       "min_precision": min_precision})


def score_shells(X: pd.DataFrame, evidence: dict[str, dict[str, str]], *, model: ShellModel | None = None,
                 top: int = 3) -> pd.DataFrame:
    """``score``, ``flag`` and ``reasons`` (top indicators with evidence, as a list of dicts) per firm."""
    if X.empty:
        return pd.DataFrame(columns=["score", "flag", "reasons"])
    T = transform(X)
    if model is None and not SHELL_MODEL_PATH.exists():
        ranks = T.rank(pct=True).mean(axis=1)
        contrib = T.rank(pct=True) - 0.5
        score, flag = ranks, ranks >= ranks.quantile(0.99)
    else:
        model = model or ShellModel.load()
        contrib = (T - np.asarray(model.mean)) * np.asarray(model.coef)
        logit = T.values @ np.asarray(model.coef) + model.intercept
        score = pd.Series(1 / (1 + np.exp(-logit)), index=T.index)
        flag = score >= model.threshold
    C, V, names = contrib.to_numpy(), X[list(INDICATORS)].to_numpy(dtype=float), list(INDICATORS)
    order = np.argsort(-C, axis=1)[:, :top]
    Cs = np.take_along_axis(C, order, axis=1)
    Ct, Vt, Pt = np.round(Cs, 3).tolist(), np.take_along_axis(V, order, axis=1).tolist(), (Cs > 0).tolist()
    lazy = isinstance(evidence, Evidence) and evidence.index.equals(T.index)
    reasons = []
    for f, js, cs, vs, ps in zip(T.index, order.tolist(), Ct, Vt, Pt):  # one pass, plain Python values
        ev = {} if lazy else evidence.get(f, {})
        reasons.append([{"indicator": names[j], "contribution": c, "value": v,
                         "evidence": None if lazy else ev.get(names[j], "")} for j, c, v, p in zip(js, cs, vs, ps) if p])
    if lazy:  # company_indicators' evidence: write the sentences used, one indicator at a time
        for j, name in enumerate(names):
            rows, k = np.nonzero((order == j) & (Cs > 0))  # positives lead each row: k is the list position
            for i, kk, text in zip(rows.tolist(), k.tolist(), evidence.sentences(rows, name)):
                reasons[i][kk]["evidence"] = text
    return pd.DataFrame({"score": score.round(4), "flag": flag, "reasons": reasons}, index=T.index)
