"""Shell-company score: a logistic model over the :data:`~creditgraph.analytics.features.INDICATORS`
a firm *has*, with a flag threshold per availability pattern.

Registries publish different things: one extract has paid-in capital and phones, another only
names and addresses. A firm is scored on the indicators available for it; an unavailable one
contributes nothing (it sits at the training average), and the score lists it under
``unseen``. Why one model and not one per pattern: it is trained with **feature dropout** —
every training firm is repeated with each indicator hidden at random — so its weights do not
lean on one input the others could stand in for, and a threshold is then read for each of the
2^k availability patterns off held-out firms showing exactly those indicators (the lowest
logit at which precision is still ≥ ``min_precision``: the most shells found at that precision).
A pattern whose held-out firms reach that precision nowhere gets no threshold: its firms are
ranked, never flagged, and say so.

Trained where labels exist — generated cities of several generator profiles
(:mod:`creditgraph.training.shell`), decoys (group HQs, agent addresses, professional
directors) counting as ordinary firms — and shipped as ``shell_model.json``. Counts go through
``log1p`` so one nominee with a thousand firms does not swamp the rest. Every score comes with
its top contributing indicators (coefficient × standardised value) and the evidence sentence
behind each.

Unsupervised fallback (no model file): the mean of the available indicators' percentile ranks,
flagged above the 99th percentile — documented, not tuned.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from creditgraph.analytics.features import INDICATORS, Evidence
from creditgraph.analytics.model_file import load_model, save_model

__all__ = ["ShellModel", "SHELL_MODEL_PATH", "transform", "availability", "score_shells", "fit_shell_model"]

SHELL_MODEL_PATH = Path(__file__).with_name("shell_model.json")
_COUNTS = {"firms_at_address", "registered_together", "same_rep_batch", "rep_fronts_firms", "officer_fronts_firms",
           "shared_crew", "abnormal_listings", "firms_on_phone"}
_MIN_POSITIVES = 5  # held-out shells a pattern needs before a threshold is read for it


def transform(X: pd.DataFrame) -> pd.DataFrame:
    """The indicators as the model reads them (``log1p`` of counts); ``NaN`` stays ``NaN``."""
    out = X[list(INDICATORS)].astype(float).copy()
    for c in _COUNTS:
        out[c] = np.log1p(out[c])
    return out


def availability(X: pd.DataFrame) -> np.ndarray:
    """Per firm, the bit mask of available indicators (bit ``j``: ``INDICATORS[j]``)."""
    seen = X[list(INDICATORS)].notna().to_numpy()
    return (seen * (1 << np.arange(len(INDICATORS)))).sum(axis=1).astype(np.int64)


@dataclass(frozen=True)
class ShellModel:
    coef: tuple[float, ...]
    intercept: float
    center: tuple[float, ...]               # training mean of each transformed indicator
    scale: tuple[float, ...]                # and its standard deviation
    thresholds: tuple[float | None, ...]    # logit threshold by availability mask; None: never flag
    provenance: dict

    def z(self, T: pd.DataFrame) -> np.ndarray:
        """Standardised indicators, 0 (the training average) where unavailable."""
        Z = (T.to_numpy(dtype=float) - np.asarray(self.center)) / np.asarray(self.scale)
        return np.nan_to_num(Z, nan=0.0)

    def threshold_of(self, masks: np.ndarray) -> np.ndarray:
        """The flag threshold of each availability mask; ``inf`` where the pattern has none."""
        table = np.array([np.inf if t is None else t for t in self.thresholds])
        return table[masks]

    def save(self, path: Path = SHELL_MODEL_PATH) -> None:
        save_model(path, INDICATORS, {"coef": self.coef, "intercept": self.intercept, "center": self.center,
                                      "scale": self.scale, "provenance": self.provenance,
                                      "thresholds": self.thresholds})

    @classmethod
    def load(cls, path: Path = SHELL_MODEL_PATH) -> "ShellModel":
        raw = load_model(path, INDICATORS, retrain="shell", what="indicators", required=("thresholds",))
        return cls(tuple(raw["coef"]), raw["intercept"], tuple(raw["center"]), tuple(raw["scale"]),
                   tuple(raw["thresholds"]), raw["provenance"])


def _best_threshold(y: np.ndarray, s: np.ndarray, min_precision: float) -> tuple[float, float, float, float] | None:
    """(threshold, precision, recall, F1): the lowest threshold on ``s`` (logits) whose precision
    is at least ``min_precision`` — the most shells found at that precision — moved halfway
    down to the next score below it, so a firm scored just under the held-out shells is not lost
    to where they happened to fall. ``None`` when no threshold reaches that precision."""
    from sklearn.metrics import precision_recall_curve

    if y.sum() < _MIN_POSITIVES:
        return None
    p, r, t = precision_recall_curve(y, s)
    ok = [(ti, pi, ri) for pi, ri, ti in zip(p[:-1], r[:-1], t) if pi >= min_precision and ri > 0]
    if not ok:
        return None
    threshold, prec, rec = min(ok)
    below = t[t < threshold]
    threshold = (threshold + float(below.max())) / 2 if below.size else threshold - 1.0
    return float(threshold), float(prec), float(rec), float(2 * prec * rec / (prec + rec))


def fit_shell_model(X: pd.DataFrame, y: pd.Series, *, min_precision: float = 0.95, dropout: float = 0.3,
                    copies: int = 3, seed: int = 0, groups: pd.Series | None = None) -> ShellModel:
    """Logistic regression on 70 % of the firms (each repeated ``copies`` times with every
    indicator hidden with probability ``dropout``), thresholds per availability pattern read
    off the other 30 % (each the lowest logit at precision ≥ ``min_precision``). ``groups`` (e.g.
    the city of each firm): hold out whole groups instead (every third), so thresholds are read
    off cities the weights never saw."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(seed)
    T = transform(X)
    k = len(INDICATORS)
    if groups is None:
        side = rng.random(len(T)) < 0.7
    else:  # every third group (in sorted order) held out: with cities per profile, one city of each
        names = sorted(pd.unique(groups.to_numpy()))
        pick = {g: i % 3 != 2 for i, g in enumerate(names)}
        side = groups.map(pick).to_numpy(dtype=bool)
    center = np.nanmean(T.to_numpy()[side], axis=0)
    scale = np.nanstd(T.to_numpy()[side], axis=0)
    center, scale = np.nan_to_num(center), np.where(np.nan_to_num(scale) > 0, np.nan_to_num(scale), 1.0)
    model = ShellModel((0.0,) * k, 0.0, tuple(center), tuple(scale), (None,) * (1 << k), {})
    Z, yv = model.z(T), y.to_numpy(dtype=bool)
    Ztr, ytr = Z[side], yv[side]
    aug = [Ztr] + [Ztr * (rng.random(Ztr.shape) >= dropout) for _ in range(copies)]
    clf = LogisticRegression(max_iter=5000, class_weight="balanced").fit(np.vstack(aug), np.tile(ytr, copies + 1))
    coef, intercept = clf.coef_[0], float(clf.intercept_[0])
    Zho, yho = Z[~side], yv[~side]
    natural = availability(X)[~side]
    thresholds: list[float | None] = []
    full = None
    for mask in range(1 << k):
        rows = (natural & mask) == mask
        keep = np.array([(mask >> j) & 1 for j in range(k)], dtype=float)
        s = (Zho[rows] * keep) @ coef + intercept
        best = _best_threshold(yho[rows], s, min_precision)
        thresholds.append(None if best is None else round(best[0], 4))
        if mask == (1 << k) - 1:
            full = best
    provenance = {"firms": int(len(y)), "shells": int(y.sum()), "min_precision": min_precision, "dropout": dropout,
                  "copies": copies, "patterns_with_threshold": sum(t is not None for t in thresholds),
                  "held_out_firms": int((~side).sum())}
    if full:
        provenance.update(held_out_precision=round(full[1], 4), held_out_recall=round(full[2], 4),
                          held_out_f1=round(full[3], 4))
    return ShellModel(tuple(round(float(c), 6) for c in coef), round(intercept, 6),
                      tuple(round(float(c), 6) for c in center), tuple(round(float(s), 6) for s in scale),
                      tuple(thresholds), provenance)


def score_shells(X: pd.DataFrame, evidence: Mapping[str, Mapping[str, str]], *, model: ShellModel | None = None,
                 top: int = 3) -> pd.DataFrame:
    """Per firm: ``score``, ``flag``, ``reasons`` (top indicators with evidence, as a list of
    dicts) and ``unseen`` (the indicators it could not be scored on)."""
    if X.empty:
        return pd.DataFrame(columns=["score", "flag", "reasons", "unseen"])
    T = transform(X)
    masks = availability(X)
    if model is None and not SHELL_MODEL_PATH.exists():
        R = T.rank(pct=True)
        score = R.mean(axis=1).fillna(0.0)
        contrib = (R - 0.5).fillna(0.0)
        flag = score >= score.quantile(0.99)
    else:
        model = model or ShellModel.load()
        Z = model.z(T)
        contrib = pd.DataFrame(Z * np.asarray(model.coef), index=T.index, columns=T.columns)
        logit = Z @ np.asarray(model.coef) + model.intercept
        score = pd.Series(1 / (1 + np.exp(-logit)), index=T.index)
        flag = pd.Series(logit >= model.threshold_of(masks), index=T.index)
    names = list(INDICATORS)
    C, V = contrib.to_numpy(), X[names].to_numpy(dtype=float)
    order = np.argsort(-C, axis=1, kind="stable")[:, :top]
    Cs = np.take_along_axis(C, order, axis=1)
    Ct, Vt = np.round(Cs, 3).tolist(), np.take_along_axis(V, order, axis=1).tolist()
    Pt = (Cs > 0).tolist()
    # company_indicators' evidence, in this frame's row order: its sentences written after ranking
    lazy_evidence = evidence if isinstance(evidence, Evidence) and evidence.index.equals(T.index) else None
    lazy = lazy_evidence is not None
    reasons = []
    for f, js, cs, vs, ps in zip(T.index, order.tolist(), Ct, Vt, Pt):  # one pass, plain Python values
        ev = {} if lazy else evidence.get(f, {})
        reasons.append([{"indicator": names[j], "contribution": c, "value": v,
                         "evidence": None if lazy else ev.get(names[j], "")}
                        for j, c, v, p in zip(js, cs, vs, ps) if p])
    if lazy_evidence is not None:  # write the sentences used, one indicator at a time
        for j, name in enumerate(names):
            rows, kk = np.nonzero((order == j) & (Cs > 0))  # positives lead each row: kk is the list position
            for i, k, text in zip(rows.tolist(), kk.tolist(), lazy_evidence.sentences(rows, name)):
                reasons[i][k]["evidence"] = text
    unseen_of = {m: [n for j, n in enumerate(names) if not (m >> j) & 1] for m in np.unique(masks).tolist()}
    return pd.DataFrame({"score": score.round(4), "flag": flag, "reasons": reasons,
                         "unseen": [unseen_of[m] for m in masks.tolist()]}, index=T.index)
