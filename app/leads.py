"""Asset-moving leads as a court enforcement officer reads them: per debtor, each judgment, then
what moved after it — the receiving firm, how (new firm / stake), when, through whom and by
which tie — with names, never keys; shared by the hidden-assets page, the entity page and the
CSV. Keys stay in the last column (``col.key``) for the link and the export.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Mapping

import pandas as pd

from creditgraph.app import state
from creditgraph.app.text import date_text, enum_text, money, ties_text

__all__ = ["lead_table", "by_judgment", "days_after"]


def days_after(judged: Any, moved_on: Any) -> int | None:
    """Days from the judgment to the move, or None when a date is missing."""
    try:
        return (dt.date.fromisoformat(date_text(moved_on)) - dt.date.fromisoformat(date_text(judged))).days
    except ValueError:
        return None


def _names(leads: list[Mapping[str, Any]]) -> dict[str, str]:
    keys = {str(r[k]) for r in leads for k in ("debtor", "firm", "via") if r.get(k)}
    return state.names(tuple(sorted(keys)))


def lead_table(leads: Iterable[Mapping[str, Any]], *, debtor: bool = True, firm: bool = True) -> pd.DataFrame:
    """One row per lead, in the reader's language: debtor, case, judged, receiving firm, how,
    moved on, days after, through whom, ties, the firm's registered capital; the firm's key last."""
    leads = list(leads)
    lang = state.lang()
    names = _names(leads)
    firms = {e.key: e for e in state.records(tuple(sorted({str(r["firm"]) for r in leads if firm and r.get("firm")})))}
    col = {c: state.t(f"col.{c}") for c in ("debtor", "case", "judged", "firm", "mode", "moved_on", "days_after",
                                            "person", "tie", "capital", "key")}  # once: a lookup is a session read
    rows = []
    for r in leads:
        row: dict[str, Any] = {}
        if debtor:
            row[col["debtor"]] = names.get(r.get("debtor", ""), "")
        row[col["case"]] = r.get("case_no", "")
        row[col["judged"]] = date_text(r.get("judged"))
        if firm:
            row[col["firm"]] = r.get("firm_name") or names.get(r.get("firm", ""), "")
        row[col["mode"]] = enum_text("mode", r.get("mode"), lang)
        row[col["moved_on"]] = date_text(r.get("moved_on"))
        row[col["days_after"]] = days_after(r.get("judged"), r.get("moved_on"))
        row[col["person"]] = names.get(r.get("via", ""), "")
        row[col["tie"]] = ties_text(r.get("ties") or r.get("tie"), lang)
        if firm and r.get("firm"):
            held = firms.get(r["firm"])  # None: the firm left the store since scoring
            row[col["capital"]] = money(held.props.get("registered_capital"), lang) if held else ""
        row[col["key"]] = r.get("firm") if firm else r.get("debtor", "")
        rows.append(row)
    return pd.DataFrame(rows)


def by_judgment(leads: Iterable[Mapping[str, Any]]) -> list[tuple[str, str, list[Mapping[str, Any]]]]:
    """Leads grouped by judgment: (case no., judged, leads after it), earliest judgment first."""
    groups: dict[tuple[str, str], list] = {}
    for r in leads:
        groups.setdefault((str(r.get("case_no") or ""), date_text(r.get("judged"))), []).append(r)
    return [(case, judged, sorted(rows, key=lambda r: (date_text(r.get("moved_on")), -(r.get("strength") or 0))))
            for (case, judged), rows in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0]))]
