"""Entity page: profile and provenance, risk scores with their evidence, the records that reach
the entity through its people and firms, an expandable network, and exports."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import streamlit as st

from creditgraph.app import state
from creditgraph.app.export import entity_report_pdf, subgraph_graphml, table_csv
from creditgraph.app.network import build_view, merge_view, union
from creditgraph.app.strings import indicator_name, label_name, rel_name
from creditgraph.app.ui import badge, draw_network, entity_link, md, record_once
from creditgraph.errors import CreditGraphError, NotFound
from creditgraph.graph.records import Entity, Subgraph
from creditgraph.graph.schema import PROVENANCE

SCORE_PROPS = ("shell_score", "shell_flag", "shell_reasons", "repeat_cases", "repeat_flag", "repeat_reason",
               "asset_hiding", "spread", "cluster", "resolved")
HIDDEN_PROPS = ("id_hash", "key", "birth_date")  # a birth date beside a masked ID gives the ID back
VIEW_CAP = 300

key = state.param("entity")
if not key:
    st.info(state.t("entity.pick"))
    st.stop()
try:
    e = state.entity(key)
except (NotFound, CreditGraphError):
    st.error(state.t("entity.notfound", key=key))
    st.stop()
record_once("entity", {"key": key}, 1)
state.set_params(entity=key)  # a link followed from here must leave this entity in the URL
lang = state.lang()

st.title(md(e.name))
st.caption(f"{label_name(e.label, lang)} · {md(e.key)} · {badge(dict(e.props))}")


def profile(e: Entity) -> None:
    facts = {k: v for k, v in e.props.items() if k not in SCORE_PROPS + HIDDEN_PROPS + PROVENANCE}
    st.dataframe(pd.DataFrame({"": list(facts), " ": [str(v) for v in facts.values()]}), hide_index=True,
                 width="stretch")
    st.caption(state.t("entity.provenance"))
    prov = {k: (", ".join(map(str, e.props[k])) if isinstance(e.props.get(k), list) else str(e.props.get(k, "")))
            for k in PROVENANCE}
    st.dataframe(pd.DataFrame({"": list(prov), " ": list(prov.values())}), hide_index=True, width="stretch")


def risk(e: Entity) -> None:
    p = e.props
    if not any(k in p for k in SCORE_PROPS[:-2]):
        st.info(state.t("entity.no_scores"))
        return
    cols = st.columns(3)
    if "shell_score" in p:
        flag = state.t("entity.flagged") if p.get("shell_flag") else state.t("entity.not_flagged")
        cols[0].metric(state.t("entity.shell"), f"{float(p['shell_score']):.2f}", flag, delta_color="off")
    if "repeat_cases" in p:
        flag = state.t("entity.flagged") if p.get("repeat_flag") else state.t("entity.not_flagged")
        cols[1].metric(state.t("entity.repeat"), int(p["repeat_cases"]), flag, delta_color="off")
    if "spread" in p:
        cols[2].metric(state.t("entity.spread"), f"{float(p['spread']):.3f}")
    reasons = state.reasons(e)
    if reasons:
        st.dataframe(pd.DataFrame([{state.t("col.reasons"): indicator_name(r["indicator"], lang),
                                    state.t("col.score"): r["contribution"],
                                    state.t("entity.evidence"): r.get("evidence", "")} for r in reasons]),
                     hide_index=True, width="stretch")
    if p.get("repeat_reason"):
        st.write(md(p["repeat_reason"]))
    if p.get("asset_hiding"):
        st.caption(state.t("entity.hiding"))
        st.dataframe(pd.DataFrame(json.loads(p["asset_hiding"])), hide_index=True, width="stretch")


def records_table(e: Entity) -> pd.DataFrame:
    return pd.DataFrame([{
        state.t("col.via"): r["relation"],
        state.t("col.type"): label_name(r["label"], lang),
        state.t("col.record"): r["props"].get("case_no") or r["props"].get("decision_no") or r["props"].get("name") or r["key"],
        "court": r["props"].get("court") or r["props"].get("authority") or "",
        "date": r["props"].get("filed") or r["props"].get("published") or r["props"].get("listed") or "",
        state.t("col.confidence"): r["confidence"],
    } for r in state.listings(e.key)])


def records(e: Entity) -> None:
    table = records_table(e)
    if table.empty:
        st.info(state.t("entity.no_records"))
    else:
        st.dataframe(table, hide_index=True, width="stretch")


def linked(sub: Subgraph) -> list[Entity]:
    """The firms and people one hop away, with the roles that tie them (企业的主要人员 / 人员的任职)."""
    roles: dict[str, list[str]] = {}
    for ed in sub.edges:
        other = ed.end if ed.start == e.key else ed.start if ed.end == e.key else None
        if other:
            roles.setdefault(other, []).append(" ".join(filter(None, [rel_name(ed.type, lang), ed.props.get("role")])))
    near = [n for n in sub.nodes if n.key in roles and n.label in ("Company", "Person")]
    canonical = e.props.get("resolved")
    if canonical and canonical != e.key:  # the resolved entity this record belongs to comes first
        near = [state.entity(canonical)] + [n for n in near if n.key != canonical]
        roles[canonical] = [rel_name("SAME_AS", lang)]
    for n in near:
        with st.container(horizontal=True):
            entity_link(n)
            st.caption(md(", ".join(sorted(set(roles[n.key])))) + " · " + badge(dict(n.props)))
    return near


@st.fragment
def network(e: Entity) -> None:
    hops = st.segmented_control(state.t("net.hops"), [1, 2, 3], default=int(state.param("hops", "1")),
                                key="hops") or 1
    state.set_params(hops=hops)
    slot = f"view:{e.key}:{hops}"
    if slot not in st.session_state or st.button(state.t("net.reset")):
        sub = state.neighbourhood(e.key, hops)
        st.session_state[slot] = (build_view(sub, centre=e.key, lang=lang, cap=VIEW_CAP), [sub], 0)
    view, subs, seen = st.session_state[slot]
    st.caption(state.t("net.help"))
    event = draw_network(view, key=f"net:{e.key}:{hops}", expand=True)
    if event and event.get("timestamp", 0) > seen:
        st.session_state[slot] = (view, subs, event["timestamp"])
        if event["action"] == "expand":
            for nid in event["data"]["node_ids"]:
                target = view.keys.get(nid) or view.keys.get("n" + nid[1:])  # a "+N" node expands its owner
                if target:
                    view.more.pop(target, None)
                    sub = state.neighbourhood(target, 1, per_node=100, limit=120)
                    merge_view(view, sub, lang=lang, centre=e.key, cap=VIEW_CAP)
                    subs.append(sub)
                    record_once("expand", {"key": target}, len(sub.nodes))
            st.rerun(scope="fragment")
        elif event["action"] == "select_node":
            st.session_state[f"{slot}:selected"] = view.keys.get(event["data"]["target_id"])
    selected = st.session_state.get(f"{slot}:selected")
    if selected and selected != e.key and st.button(f"{state.t('net.open')}: {selected}"):
        state.open_entity(selected)
    nodes, edges = len(view.nodes), len(view.edges)
    st.caption(state.t("net.count", nodes=nodes, edges=edges) + (" · " + state.t("net.capped") if view.more else ""))
    merged = union(subs)
    st.download_button(state.t("export.graphml"), subgraph_graphml(merged), file_name=f"{e.key}.graphml",
                       mime="application/xml", on_click=state.audit().record,
                       args=("export", {"what": "graphml", "key": e.key}, len(merged.nodes)))


tab_profile, tab_risk, tab_records, tab_network, tab_export = st.tabs(
    [state.t("entity.profile"), state.t("entity.risk"), state.t("entity.records"), state.t("entity.network"),
     state.t("entity.export")], key="view", bind="query-params", on_change="rerun")
# Only the open tab reads what it needs (``.open``, tracked through the URL's ``view``).
with tab_profile:
    linked(state.neighbourhood(e.key, 1))
    profile(e)
with tab_risk:
    risk(e)
with tab_records:
    if tab_records.open:
        records(e)
with tab_network:
    if tab_network.open:
        network(e)
with tab_export:
    if tab_export.open:
        table = records_table(e)
        st.download_button(state.t("export.csv"), table_csv(table), file_name=f"{e.key}-records.csv",
                           mime="text/csv", on_click=state.audit().record,
                           args=("export", {"what": "records.csv", "key": e.key}, len(table)))
        if st.button(state.t("export.pdf")):
            try:
                pdf = entity_report_pdf(e, scores=dict(e.props), listings=state.listings(e.key),
                                        neighbours=state.neighbourhood(e.key, 1), generated_by=state.settings().user,
                                        generated_at=dt.datetime.now(), lang=lang)
            except CreditGraphError as err:
                st.error(state.t("export.pdf_unavailable", error=err))
            else:
                state.audit().record("export", {"what": "report.pdf", "key": e.key}, 1)
                st.download_button("PDF", pdf, file_name=f"{e.key}.pdf", mime="application/pdf")
