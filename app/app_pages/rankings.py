"""Rankings: suspected shells, repeat offenders, risky clusters, and the red and black lists (红黑榜),
filterable by district, industry, score range and founding date, each row with its reasons. The
红黑榜 are governance's (creditgraph.governance.lists, rules in lifecycle.yaml): the rows and the
order an edition published today would hold; filters do not apply to them."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from creditgraph.analytics.risk import shows_shell_reasons
from creditgraph.app import state
from creditgraph.app.export import table_csv
from creditgraph.app.strings import indicator_name, label_name
from creditgraph.app.text import cluster_text, date_text, field_name, region, repeat_text
from creditgraph.governance.lists import lists_of
from creditgraph.governance.rules import rules
from creditgraph.app.ui import record_once

st.title(state.t("nav.rankings"))
lang = state.lang()
ANY = state.t("rank.any")

with st.expander(state.t("rank.filters"), expanded=False):
    f1, f2, f3 = st.columns(3)
    cities = [v for v, _ in state.facet("Company", "city")]
    by_authority = not cities  # registries without a city column: the district the registry authority serves
    if by_authority:
        authorities = state.facet("Company", "registration_authority")
        cities = sorted({region({"registration_authority": a}) for a, _ in authorities} - {""})
    industries = [ANY] + [v for v, _ in state.facet("Company", "industry")]
    city = f1.selectbox(state.t("col.region"), [ANY] + cities)
    industry = f2.selectbox(state.t("col.industry"), industries)
    flagged = f3.toggle(state.t("rank.flagged_only"), value=False)
    lo, hi = st.slider(state.t("rank.range"), 0.0, 1.0, (0.0, 1.0), step=0.05)
    founded = st.date_input(state.t("rank.founded"), value=(dt.date(1990, 1, 1), dt.date.today()),
                            min_value=dt.date(1949, 10, 1))
place = city if by_authority and city != ANY else None  # filtered here, on the ranked rows
filters = {"city": None if city == ANY or by_authority else city, "industry": None if industry == ANY else industry,
           "flagged": flagged or None}
if isinstance(founded, tuple) and len(founded) == 2:
    filters |= {"founded_from": founded[0].isoformat(), "founded_to": founded[1].isoformat()}


def cluster_name(cid: str | None) -> str:
    return cluster_text(cid, lang)


def number(v, digits: int = 2) -> float:
    """A score or count as a number (0 where the entity has none): never "None" in a cell."""
    try:
        return round(float(v), digits)
    except (TypeError, ValueError):
        return 0.0


def shell_reasons(e) -> str:
    if not shows_shell_reasons(e.props):  # as the entity page: a score that stayed low has no reasons
        return ""
    return "；".join(indicator_name(r["indicator"], lang) for r in state.reasons(e)[:3])


def firm_table(entities, score: str) -> pd.DataFrame:
    rows = []
    for e in entities:
        p = e.props
        if place and region(p) != place:
            continue
        reasons = shell_reasons(e) if score == "shell_score" else repeat_text(p.get("repeat_reason"), lang)
        rows.append({state.t("col.name"): e.name,
                     **({state.t("col.score"): number(p.get(score))} if score == "shell_score"
                        else {state.t("col.cases"): int(number(p.get(score)))}),
                     state.t("col.reasons"): reasons or repeat_text(p.get("repeat_reason"), lang),
                     state.t("col.industry"): p.get("industry", ""), state.t("col.region"): region(p),
                     state.t("col.founded"): date_text(p.get("founded")),
                     state.t("col.cluster"): cluster_name(p.get("cluster")),
                     state.t("col.key"): e.key})
    return pd.DataFrame(rows)


@st.cache_data(ttl=state.READ_TTL, show_spinner=False)
def credit_lists(as_of: str) -> dict[str, list[dict]]:
    """The 黑榜 and 红榜 as of ``as_of`` (ISO date), row for row as an edition of that day publishes them."""
    return {n: t.to_dict("records") for n, t in lists_of(state.store(), as_of=dt.date.fromisoformat(as_of)).items()}


def disclosed(lists: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The lists as the role sees them, after the cache: people's names masked and their keys
    tokenised where the role sees masked names (the 红榜 holds firms only)."""
    d = state.disclosure()
    d.require("rankings")
    return {n: [d.rows([r], keys=("entity",), names=("name",) if r.get("kind") == "Person" else ())[0] for r in rows]
            for n, rows in lists.items()}


def black_table(rows: list[dict]) -> pd.DataFrame:
    """The 黑榜 as governance lists it (creditgraph.governance.lists.blacklist), its columns named."""
    cols = [state.t("col.name"), state.t("col.type"), state.t("col.cases"), state.t("col.case"),
            field_name("court", lang), field_name("unperformed_amount", lang), field_name("published", lang),
            state.t("col.objections_open"), state.t("col.key")]
    return pd.DataFrame([dict(zip(cols, (r["name"], label_name(r["kind"], lang), int(r["cases"]), r["case_nos"],
                                         r["courts"], number(r["unperformed"]), date_text(r["last_published"]),
                                         int(r["objections_open"]), r["entity"])))
                         for r in rows], columns=cols)


def red_table(rows: list[dict]) -> pd.DataFrame:
    """The 红榜 as governance lists it (creditgraph.governance.lists.redlist), its columns named."""
    cols = [state.t("col.name"), field_name("uscc", lang), state.t("col.founded"), state.t("col.years"),
            state.t("col.key")]
    return pd.DataFrame([dict(zip(cols, (r["name"], r["uscc"], date_text(r["founded"]), int(r["years"]), r["entity"])))
                         for r in rows], columns=cols)


#: Scores with the digits the entity page and the PDF show (a score of 1 reads 1.00, not 1).
SCORE_FORMAT = {state.t("col.score"): st.column_config.NumberColumn(format="%.2f"),
                state.t("entity.shell"): st.column_config.NumberColumn(format="%.2f"),
                state.t("entity.spread"): st.column_config.NumberColumn(format="%.3f")}


def show(table: pd.DataFrame, *, name: str) -> None:
    """A ranking table; picking a row opens that entity; CSV download of what is shown."""
    picked = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                          key=f"table:{name}", column_config=SCORE_FORMAT)
    if state.may("export.csv"):
        st.download_button(state.t("export.csv"), state.exported("csv", table_csv, table), file_name=f"{name}.csv",
                           mime="text/csv", key=f"csv:{name}", on_click=state.audit().record,
                           args=("export", {"what": f"{name}.csv", **{k: v for k, v in filters.items() if v}},
                                 len(table)))
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
        seen: set[str] = set()
        people = [e for e in people if (e.props.get("resolved") or e.key) not in seen
                  and not seen.add(e.props.get("resolved") or e.key)]  # one row per resolved person
        show(pd.DataFrame([{state.t("col.name"): e.name, state.t("col.id"): e.props.get("id_masked", ""),
                            state.t("col.cases"): int(number(e.props.get("repeat_cases"))),
                            state.t("col.reasons"): repeat_text(e.props.get("repeat_reason"), lang),
                            state.t("col.key"): e.key}
                           for e in people]), name="repeat-people")

with cluster_tab:
    found = state.clusters()
    risky = [c for c in found if c["dishonest"] or c["shells"]]
    quiet = len(found) - len(risky)
    everything = st.toggle(state.t("rank.show_quiet"), value=False) if quiet else False
    shown = found if everything else risky
    table = pd.DataFrame([{state.t("col.cluster"): cluster_name(c["cluster"]), state.t("col.size"): c["size"],
                           state.t("col.dishonest"): c["dishonest"], state.t("col.shells"): c["shells"],
                           state.t("entity.shell"): number(c["top_shell_score"]),
                           state.t("entity.spread"): number(c["top_spread"], 3), state.t("col.key"): c["cluster"]}
                          for c in shown])
    record_once("ranking", {"list": "clusters"}, len(table))
    if quiet and not everything:
        st.caption(state.t("rank.clusters_quiet", n=quiet))
    picked = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                          key="table:clusters", column_config=SCORE_FORMAT)
    rows = picked.selection.rows if picked else []
    if rows:
        cluster = table.iloc[rows[0]][state.t("col.key")]
        st.caption(f"{state.t('rank.members')}: {cluster_name(cluster)}")
        members = sorted(state.cluster_members(cluster), key=lambda e: (not e.props.get("repeat_flag"),
                                                                     not e.props.get("shell_flag"), e.name))
        show(firm_table(members, "shell_score"), name=f"cluster-{cluster}")

with lists_tab:
    today = dt.date.today()
    listed = disclosed(credit_lists(today.isoformat()))
    st.caption(state.t("rank.lists_as_of", date=date_text(today.isoformat())))
    st.subheader(state.t("rank.black"))
    show(black_table(listed["blacklist"]), name="black-list")
    st.subheader(state.t("rank.red", years=rules().lists["redlist"]["min_years"]))
    record_once("ranking", {"list": "red-black"}, len(listed["blacklist"]) + len(listed["redlist"]))
    show(red_table(listed["redlist"]), name="red-list")
