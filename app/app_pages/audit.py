"""The query register (查询登记): every search, view, path query and export, read-only here.

Shown as a reader reads it: times in the deployment's zone, actions and query fields named in
the reader's language, entities by name; the CSV holds the register's own values."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from creditgraph.app import state
from creditgraph.app.export import table_csv
from creditgraph.app.strings import STRINGS
from creditgraph.app.text import local_time

SHOWN = 300  # newest entries on screen (the CSV has them all)

st.title(state.t("audit.title"))
state.disclosure().require("register")
log = state.audit()
entries = log.entries()
broken = log.verify()
if broken is None:
    st.success(state.t("audit.ok", n=len(entries)))
else:
    st.error(state.t("audit.broken", line=broken))
tz = state.settings().display_tz
st.caption(state.t("audit.tz", tz=state.t("audit.beijing") if tz == "Asia/Shanghai" else tz))


def action_name(action: str) -> str:
    return state.t(f"act.{action}") if f"act.{action}" in STRINGS else action


LISTS = {"shell": "rank.shell", "clusters": "rank.clusters", "red-black": "rank.redblack", "repeat": "rank.repeat"}
FILES = {"graphml": ("关系图 GraphML", "network GraphML"), "report.pdf": ("信用报告 PDF", "credit report PDF"),
         "records.csv": ("记录 CSV", "records CSV"), "search.csv": ("搜索结果 CSV", "search results CSV"),
         "paths.csv": ("关系路径 CSV", "paths CSV"), "hidden-assets.csv": ("隐匿资产 CSV", "hidden assets CSV"),
         "query-register.csv": ("查询登记 CSV", "query register CSV")}


def file_kind(what: str) -> str:
    """An export's file as a reader names it (a ranking's CSV by its list)."""
    zh = state.lang() == "zh"
    if what in FILES:
        return FILES[what][0 if zh else 1]
    return ("排行 CSV" if zh else "ranking CSV") if what.endswith(".csv") else what


def query_text(raw: str, names: dict[str, str]) -> str:
    """A register query (JSON text) as "field：value；…", entity keys by name."""
    try:
        q = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return str(raw)
    if not isinstance(q, dict):
        return str(q)
    parts = []
    for k, v in q.items():
        if v in (None, "", False):
            continue
        label = state.t(f"q.{k}") if f"q.{k}" in STRINGS else k
        shown = names.get(v, v) if isinstance(v, str) else v
        if k == "list" and v in LISTS:
            shown = state.t(LISTS[v])
        elif k == "what" and isinstance(v, str):
            shown = file_kind(v)
        parts.append(f"{label}：{shown}")
    return "；".join(parts) or state.t("rank.any")


newest = entries[::-1]
actions = sorted({e.get("action", "") for e in newest})
chosen = st.multiselect(state.t("audit.action"), actions, format_func=action_name, placeholder=state.t("audit.choose"))
if chosen:
    newest = [e for e in newest if e.get("action") in chosen]
keys = set()
for e in newest[:SHOWN]:
    try:
        q = json.loads(e.get("query") or "{}")
    except ValueError:
        continue
    if isinstance(q, dict):
        keys |= {v for v in q.values() if isinstance(v, str) and v.startswith(("co:", "pe:"))}
names = state.names(tuple(sorted(keys)))
table = pd.DataFrame([{state.t("audit.at"): local_time(e.get("at"), tz), state.t("audit.user"): e.get("user", ""),
                       state.t("audit.action"): action_name(e.get("action", "")),
                       state.t("audit.query"): query_text(e.get("query", ""), names),
                       state.t("audit.results"): e.get("results", 0)} for e in newest[:SHOWN]],
                     columns=[state.t(k) for k in ("audit.at", "audit.user", "audit.action", "audit.query",
                                                   "audit.results")])
st.dataframe(table, hide_index=True, width="stretch")
raw = pd.DataFrame(newest, columns=["at", "user", "action", "query", "results", "outcome"])
if state.may("export.register"):
    st.download_button(state.t("export.csv"), state.exported("register", table_csv, raw),
                       file_name="query-register.csv", mime="text/csv", on_click=log.record,
                       args=("export", {"what": "query-register.csv"}, len(raw)))
