"""Evidence of the shell indicators: a sentence per firm and indicator, written only when read.

:func:`~creditgraph.analytics.features.company_indicators` returns an :class:`Evidence` beside
its frame; the shell model asks for the sentences of each firm's top reasons. An unavailable
indicator's sentence says which input was missing (:data:`UNAVAILABLE`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from creditgraph.analytics.frames import GraphFrames

__all__ = ["Evidence", "UNAVAILABLE"]


class Evidence(Mapping):
    """firm → indicator → a sentence of evidence, written on first read (the mapping
    :func:`company_indicators` returns; behaves as ``dict[str, dict[str, str]]``). An
    unavailable indicator's sentence says which input was missing."""

    def __init__(self, index: pd.Index, X: pd.DataFrame, facts: dict[str, np.ndarray], frames: GraphFrames, *,
                 batch_days: int) -> None:
        self._index, self._facts, self._frames, self._batch_days = index, facts, frames, batch_days
        self._values = {c: X[c].to_numpy() for c in X.columns}  # plain arrays: one read per sentence

    @property
    def index(self) -> pd.Index:
        """The firms, in the row order of the indicator frame."""
        return self._index

    def __getitem__(self, firm: str) -> Mapping[str, str]:
        return _FirmEvidence(self, self._index.get_loc(firm))

    def __iter__(self):
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def _names(self, entities: list[int]) -> list[str]:
        fr = self._frames
        e = np.asarray(entities, dtype=np.int64)
        node = np.where(e >= 0, fr.entity_node[np.maximum(e, 0)], -1)
        names = fr.attr("name", np.maximum(node, 0)).tolist()
        return ["—" if i < 0 else names[j] if n >= 0 else fr.entities[i]
                for j, (i, n) in enumerate(zip(e.tolist(), node.tolist()))]

    def sentence(self, i: int, indicator: str) -> str:
        """The evidence of firm row ``i`` for ``indicator``."""
        return self.sentences(np.array([i]), indicator)[0]

    def sentences(self, rows: np.ndarray, indicator: str) -> list[str]:
        """The evidence of the firm rows ``rows`` for ``indicator``, one list comprehension."""
        rows = np.asarray(rows, dtype=np.int64)
        n = self._values[indicator][rows]
        seen = ~np.isnan(n)
        out = self._seen(rows[seen], indicator, n[seen].tolist()) if seen.any() else []
        if seen.all():
            return out
        it, missing = iter(out), f"unavailable: {UNAVAILABLE[indicator][0]}"
        return [next(it) if s else missing for s in seen.tolist()]

    def _seen(self, rows: np.ndarray, indicator: str, n: list[float]) -> list[str]:
        f = self._facts
        if indicator == "firms_at_address":
            at = np.asarray(f["address"][rows], dtype=np.int64)
            text = self._frames.attr("text", np.maximum(at, 0)).tolist()
            return [f"{int(k)} firm{'s' * (k != 1)} registered at {t}" for k, t in zip(n, text)]
        if indicator == "registered_together":
            return [f"{int(k)} firm{'s' * (k != 1)} at its address founded within {self._batch_days} days of it, itself included"
                    for k in n]
        if indicator == "same_rep_batch":
            return [f"{int(k)} firm{'s' * (k != 1)} at its address founded within {self._batch_days} days of it under a legal rep "
                    f"named {p}, itself included" for k, p in zip(n, f["rep_name"][rows].tolist())]
        if indicator == "rep_fronts_firms":
            return [f"legal rep {p} is legal rep of {int(k)} firm{'s' * (k != 1)}"
                    for k, p in zip(n, self._names(f["rep"][rows].tolist()))]
        if indicator == "officer_fronts_firms":
            return [f"{p} holds posts in {int(k)} firm{'s' * (k != 1)}"
                    for k, p in zip(n, self._names(f["busiest"][rows].tolist()))]
        if indicator == "shared_crew":
            return [f"{int(k)} other firm{'s' * (k != 1)} share two or more of its people" for k in n]
        if indicator == "short_life":
            return [f"founded {a}, deregistered {b}" if b else f"founded {a}, active"
                    for a, b in zip(f["founded"][rows].tolist(), f["dissolved"][rows].tolist())]
        if indicator == "unpaid_capital":
            return [f"paid in {p:g} of {c:g} registered" for p, c in zip(f["paid"][rows].tolist(), f["capital"][rows].tolist())]
        if indicator == "group_address":
            return [f"{k:.0%} of the firms at its address hold or are held by another firm outside a ring (a group's tree)"
                    for k in n]
        if indicator == "group_subsidiary":
            return ["held by a company it does not hold in turn" if k else "no company holds it outside a ring" for k in n]
        if indicator == "abnormal_listings":
            return [f"{int(k)} abnormal-operation listing{'s' * (k != 1)}" for k in n]
        if indicator == "ownership_cycle":
            return ["in a ring of cross-holdings" if k else "no ownership ring" for k in n]
        if indicator == "firms_on_phone":
            return [f"{int(k)} firm{'s' * (k != 1)} give the same phone" for k in n]
        raise KeyError(indicator)


#: Why each indicator can be unavailable: (for one firm, for a store where most firms lack it).
UNAVAILABLE = {
    "firms_at_address": ("no registered address", "most firms have no registered address"),
    "registered_together": ("no address or founding date", "addresses or founding dates are missing"),
    "same_rep_batch": ("no address, founding date or legal representative",
                       "addresses, founding dates or legal representatives are missing"),
    "rep_fronts_firms": ("no legal representative", "most firms have no legal representative"),
    "officer_fronts_firms": ("no officers or holders", "most firms have no officers or holders"),
    "shared_crew": ("no officers or holders", "most firms have no officers or holders"),
    "short_life": ("no founding date, or neither status nor deregistration date",
                   "founding dates, statuses or deregistration dates are missing"),
    "unpaid_capital": ("registered or paid-in capital not published", "paid-in capital is not published"),
    "group_subsidiary": ("no shareholders published", "shareholders are not published"),
    "group_address": ("no address, or no shareholders published there", "addresses or shareholders are not published"),
    "abnormal_listings": ("no abnormal-operation list loaded", "no abnormal-operation list was loaded"),
    "ownership_cycle": ("no shareholders published", "shareholders are not published"),
    "firms_on_phone": ("no phone", "phones are not published"),
}


class _FirmEvidence(Mapping):
    def __init__(self, evidence: Evidence, i: int) -> None:
        self._evidence, self._i = evidence, i

    def __getitem__(self, indicator: str) -> str:
        return self._evidence.sentence(self._i, indicator)

    def __iter__(self):
        return iter(self._evidence._values)

    def __len__(self) -> int:
        return len(self._evidence._values)
