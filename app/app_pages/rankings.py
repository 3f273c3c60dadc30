"""Rankings: suspected shells, repeat offenders, risky clusters, and the red and black lists (红黑榜),
filterable by district, industry, score range and founding date, each row with its reasons."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from creditgraph.app import state
from creditgraph.app.export import table_csv
from creditgraph.app.network import risk_level
from creditgraph.app.strings import indicator_name
from creditgraph.app.ui import record_once

st.title(state.t("nav.rankings"))
lang = state.lang()
ANY = state.t("rank.any")

with st.expander(state.t("rank.filters"), expanded=False):
    f1, f2, f3 = st.columns(3)
    cities = [ANY] + [v for v, _ in state.facet("Company", "city")]
    industries = [ANY] + [v for v, _ in state.facet("Company", "industry")]
    city = f1.selectbox(state.t("col.region"), cities)
    industry = f2.selectbox(state.t("col.industry"), industries)
    flagged = f3.toggle(state.t("rank.flagged_only"), value=False)
    lo, hi = st.slider(state.t("rank.range"), 0.0, 1.0, (0.0, 1.0), step=0.05)
    founded = st.date_input(state.t("rank.founded"), value=(dt.date(1990, 1, 1), dt.date.today()),
                            min_value=dt.date(1949, 10, 1))
filters = {"city": None if city == ANY else city, "industry": None if industry == ANY else industry,
           "flagged": flagged or None}
if isinstance(founded, tuple) and len(founded) == 2:
    filters |= {"founded_from": founded[0].isoformat(), "founded_to": founded[1].isoformat()}


def firm_table(entities, score: str) -> pd.DataFrame:
    rows = []
    for e in entities:
        p = e.props
        reasons = state.reasons(e) if score == "shell_score" else []
        rows.append({state.t("col.name"): e.name, state.t("col.score"): p.get(score),
                     state.t("col.reasons"): "；".join(indicator_name(r["indicator"], lang) for r in reasons[:3])
                     or p.get("repeat_reason") or "",
                     state.t("col.industry"): p.get("industry", ""), state.t("col.region"): p.get("city", ""),
                     state.t("col.founded"): p.get("founded", ""), state.t("col.cluster"): p.get("cluster", ""),
                     state.t("col.key"): e.key})
    return pd.DataFrame(rows)


def show(table: pd.DataFrame, *, name: str) -> None:
    """A ranking table; picking a row opens that entity; CSV download of what is shown."""
    picked = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                          key=f"table:{name}")
    st.download_button(state.t("export.csv"), table_csv(table), file_name=f"{name}.csv", mime="text/csv",
                       key=f"csv:{name}", on_click=state.audit().record,
                       args=("export", {"what": f"{name}.csv", **{k: v for k, v in filters.items() if v}}, len(table)))
    rows = picked.selection.rows if picked else []
    if rows:
        state.open_entity(table.iloc[rows[0]][state.t("col.key")])


shell_tab, repeat_tab, cluster_tab, lists_tab = st.tabs(
    [state.t("rank.shell"), state.t("rank.repeat"), state.t("rank.clusters"), state.t("rank.redblack")])

with shell_tab:
    shells = state.ranked("Company", "shell_score", tuple(sorted((filters | {"min": lo, "max": hi}).items())),
                          "shell_flag")
    record_once("ranking", {"list": "shell", **{k: v for k, v in filters.items() if v}}, len(shells))
    show(firm_table(shells, "shell_score"), name="shell-ranking")

with repeat_tab:
    firms_col, people_col = st.columns(2)
    rf = tuple(sorted(filters.items()))
    with firms_col:
        st.caption(state.t("rank.firms"))
        show(firm_table(state.ranked("Company", "repeat_cases", rf, "repeat_flag"), "repeat_cases"),
             name="repeat-firms")
    with people_col:
        st.caption(state.t("rank.persons"))
        people = state.ranked("Person", "repeat_cases", (("flagged", flagged or None),), "repeat_flag")
        show(pd.DataFrame([{state.t("col.name"): e.name, "ID": e.props.get("id_masked", ""),
                            state.t("col.cases"): e.props.get("repeat_cases"),
                            state.t("col.reasons"): e.props.get("repeat_reason", ""), state.t("col.key"): e.key}
                           for e in people]), name="repeat-people")

with cluster_tab:
    found = state.clusters()
    table = pd.DataFrame([{state.t("col.cluster"): c["cluster"], state.t("col.size"): c["size"],
                           state.t("col.dishonest"): c["dishonest"], state.t("col.shells"): c["shells"],
                           state.t("entity.shell"): c["top_shell_score"], state.t("entity.spread"): c["top_spread"]}
                          for c in found])
    record_once("ranking", {"list": "clusters"}, len(table))
    picked = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                          key="table:clusters")
    rows = picked.selection.rows if picked else []
    if rows:
        cluster = table.iloc[rows[0]][state.t("col.cluster")]
        st.caption(f"{state.t('rank.members')}: {cluster}")
        show(firm_table(state.cluster_members(cluster), "shell_score"), name=f"cluster-{cluster}")

with lists_tab:
    st.subheader(state.t("rank.black"))
    black = state.ranked("Company", "repeat_cases", (("flagged", True),), "repeat_flag", limit=100)
    black += [e for e in state.ranked("Company", "shell_score", (("flagged", True),), "shell_flag", limit=100)
              if e.key not in {b.key for b in black}]
    show(firm_table(black, "repeat_cases"), name="black-list")
    st.subheader(state.t("rank.red"))
    candidates = state.ranked("Company", "paid_in_capital", (), None, limit=400)
    red = []
    for e in candidates:  # the listings check is the slow part: stop at 50 clean firms
        if risk_level(e.props) == "low" and not e.props.get("repeat_cases") and not e.props.get("dissolved") \
                and e.props.get("status", "存续") in ("存续", "在业", "开业") and not state.listings(e.key):
            red.append(e)
            if len(red) == 50:
                break
    record_once("ranking", {"list": "red-black"}, len(black) + len(red))
    show(firm_table(red, "shell_score"), name="red-list")
