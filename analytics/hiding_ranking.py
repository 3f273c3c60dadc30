"""Every firm ranked by the asset-moving leads that point at it (:func:`.offenders.hidden_assets`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["hiding_firm_ranking"]


def hiding_firm_ranking(hidden: pd.DataFrame, firms: pd.Index) -> pd.DataFrame:
    """Every firm of ``firms`` ranked by the asset-moving leads that point at it (``hidden``:
    :func:`.offenders.hidden_assets`): the strongest lead's ``strength``, then its ``tier`` (0 a finding, 1 an
    undated lead, 2 a weak namesake lead, 3 nothing), then its least ``chance`` (a namesake lead's;
    none ranks last), then how many debtors point at it, then how soon after the judgment it moved
    (sooner first; an undated lead last), then the key — one place per firm. Given ``weak=True``
    leads, a firm only they point at ranks after every finding (strength 0) and before the firms
    nothing points at: first the undated leads (a relative's control the files cannot date, at a
    chance below :data:`.offenders.NAMESAKE_CHANCE`: chance would not give the record), then the timing
    leads of commoner names (chance at or above it: chance gives such a record in the window)."""
    out = pd.DataFrame(index=pd.Index(firms, dtype=object).unique())
    cols = ["strength", "tier", "chance", "debtors", "days_after"]
    out["strength"], out["tier"], out["chance"], out["debtors"], out["days_after"] = 0, 3, np.inf, 0, np.inf
    if len(hidden):
        moved = pd.to_datetime(hidden["moved_on"].replace("", None))  # "": an undated lead
        h = hidden.assign(days_after=(moved - pd.to_datetime(hidden["judged"])).dt.days)
        h["chance"] = pd.to_numeric(h["chance"], errors="coerce") if "chance" in h else np.nan  # None: no namesake
        finding = h["finding"].astype(bool) if "finding" in h else pd.Series(True, index=h.index)
        dated = h["dated"].astype(bool) if "dated" in h else pd.Series(True, index=h.index)
        h["tier"] = np.where(finding, 0, np.where(dated, 2, 1))
        by = h.groupby("firm")
        agg = pd.DataFrame({"strength": by["strength"].max(), "tier": by["tier"].min(),
                            "chance": by["chance"].min().fillna(np.inf), "debtors": by["debtor"].nunique(),
                            "days_after": by["days_after"].min().astype(float)})
        agg = agg[agg.index.isin(out.index)]
        out.loc[agg.index, cols] = agg[cols].to_numpy()
    out = out.sort_index(kind="stable").sort_values(cols, ascending=[False, True, True, False, True], kind="stable")
    out["rank"] = np.arange(1, len(out) + 1)
    return out
