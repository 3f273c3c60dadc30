"""Entity page: profile and provenance, risk scores with their evidence (and, for a debtor, the
assets that moved after its judgments), the records that reach the entity through its people and
firms, an expandable network with one node per resolved entity, and exports.

A source record's key opens the resolved entity it belongs to: one person, with every firm of
every record, is what a reader means by "the person"."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import streamlit as st

from creditgraph.analytics.risk import shows_shell_reasons
from creditgraph.app import state
from creditgraph.app.export import entity_report_pdf, subgraph_graphml, table_csv
from creditgraph.app.leads import by_judgment, lead_table
from creditgraph.app.network import build_view, merge_view, node_id, union
from creditgraph.app.strings import indicator_name, label_name, rel_name
from creditgraph.app.text import (FIELDS, evidence_text, field_name, json_list, record_date, region,
                                  relation_text, repeat_summary, repeat_text, role_text, value_text, zone)
from creditgraph.app.drawing import draw_network
from creditgraph.app.ui import badge, entity_link, md, record_once
from creditgraph.errors import CreditGraphError, NotFound
from creditgraph.graph.records import Entity, Subgraph
from creditgraph.graph.schema import PROVENANCE

HIDDEN_PROPS = ("id_hash", "key", "birth_date", "name_key")  # a birth date beside a masked ID gives the ID back
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
record = None
if e.props.get("resolved") and e.props["resolved"] != key:  # a source record: show its entity
    try:
        record, e = e, state.entity(e.props["resolved"])
        key = e.key
    except (NotFound, CreditGraphError):
        pass
record_once("entity", {"key": key}, 1)
state.set_params(entity=key)  # a link followed from here must leave this entity in the URL
lang = state.lang()
moved = state.leads_of(key)
props = e.props

st.title(md(e.name))
st.caption(f"{label_name(e.label, lang)} · {state.t('entity.key', key=md(e.key))} · {badge(props)}")
if record is not None:
    st.caption(state.t("entity.record_of") + " " + md(record.name))


def facts_table(facts: dict[str, str]) -> None:
    st.dataframe(pd.DataFrame({state.t("field.field"): list(facts), state.t("field.value"): list(facts.values())}),
                 hide_index=True, width="stretch")


def profile(e: Entity) -> None:
    p = e.props
    facts = {field_name(k, lang): value_text(k, p[k], lang) for k in FIELDS
             if k in p and k not in PROVENANCE + HIDDEN_PROPS and value_text(k, p[k], lang)}
    where = region(p)
    if where and e.label == "Company":
        facts[state.t("col.region")] = where
    facts_table(facts)
    st.caption(state.t("entity.provenance"))
    prov = {}
    for k in PROVENANCE:
        v = p.get(k)
        if k == "source_ids" and v:  # "gsxt:9135…" → 国家企业信用信息公示系统：9135…
            v = "；".join(value_text("sources", s.split(":", 1)[0], lang) + "：" + s.split(":", 1)[-1]
                         for s in (v if isinstance(v, (list, tuple)) else [v]))
            prov[field_name(k, lang)] = v
        elif v:
            prov[field_name(k, lang)] = value_text(k, v, lang)
    facts_table(prov)
    records = state.members(e.key)
    if len(records) > 1:  # the resolved entity, expandable to the source records it joins
        with st.expander(state.t("entity.members", n=len(records))):
            st.dataframe(pd.DataFrame([{state.t("col.name"): r.name,
                                        field_name("sources", lang):
                                            value_text("sources", r.props.get("sources"), lang),
                                        state.t("col.ident"): r.props.get("id_masked") or r.props.get("uscc") or "",
                                        state.t("col.key"): r.key} for r in records]),
                         hide_index=True, width="stretch")


def risk(e: Entity) -> None:
    p = e.props
    scored = any(k in p for k in ("shell_score", "repeat_cases", "spread", "asset_hiding")) or moved
    if not scored:
        st.info(state.t("entity.no_scores"))
        return
    cols = st.columns(3)
    score = p.get("shell_score")
    if isinstance(score, (int, float)):
        flag = state.t("entity.flagged") if p.get("shell_flag") else state.t("entity.not_flagged")
        cols[0].metric(state.t("entity.shell"), f"{float(score):.2f}", flag, delta_color="off", delta_arrow="off")
    if p.get("repeat_cases") is not None or p.get("repeat_flag"):
        flag = state.t("entity.flagged") if p.get("repeat_flag") else state.t("entity.not_flagged")
        cols[1].metric(state.t("entity.repeat"), repeat_summary(p, lang), flag, delta_color="off", delta_arrow="off")
    if isinstance(p.get("spread"), (int, float)):
        cols[2].metric(state.t("entity.spread"), f"{float(p['spread']):.3f}")
    reasons = state.reasons(e)
    if isinstance(score, (int, float)):
        if reasons and shows_shell_reasons(p):  # below the threshold, unflagged, the score stayed low
            st.dataframe(pd.DataFrame([{state.t("col.reasons"): indicator_name(r["indicator"], lang),
                                        state.t("col.score"): f"+{float(r['contribution']):.2f}",
                                        state.t("entity.evidence"): evidence_text(r.get("evidence"), lang)}
                                       for r in reasons]), hide_index=True, width="stretch")
        else:
            st.caption(state.t("entity.no_reasons"))
        unseen = json_list_names(p.get("shell_unseen"))
        if unseen:
            st.caption(state.t("entity.unseen", names="、".join(unseen) if lang == "zh" else ", ".join(unseen)))
    if p.get("repeat_reason"):
        st.write(md(repeat_text(p["repeat_reason"], lang)))
    if moved:
        moved_assets(moved)
    received = json_list(p.get("asset_hiding"))
    if received:
        st.subheader(state.t("entity.received"))
        table = lead_table(received, firm=False)
        st.dataframe(table, hide_index=True, width="stretch")
        links({r["debtor"] for r in received} | {r["via"] for r in received if str(r.get("via", "")).startswith("pe:")})


def json_list_names(raw) -> list[str]:
    try:
        names = json.loads(raw) if isinstance(raw, str) else (raw or [])
    except ValueError:
        return []
    return [indicator_name(n, lang) for n in names if isinstance(n, str)]


def links(keys) -> None:
    """Links to the pages of ``keys`` (resolved entities, one each)."""
    seen = set()
    with st.container(horizontal=True):
        for k in sorted(keys):
            c = state.canonical(k)
            if c in seen or c == key or not c.startswith(("co:", "pe:")):
                continue
            seen.add(c)
            try:
                entity_link(state.entity(c))
            except (NotFound, CreditGraphError):
                continue


def moved_assets(leads: list[dict]) -> None:
    """The debtor side: each judgment, then what moved after it (names, dates, ties, links)."""
    st.subheader(state.t("entity.moved"))
    st.caption(state.t("entity.moved_help"))
    for case, judged, rows in by_judgment(leads):
        st.markdown(f"**{md(state.t('assets.judgment', case=case, date=judged or '—'))}** · "
                    + state.t("assets.moved_count", n=len(rows)))
        st.dataframe(lead_table(rows, debtor=False), hide_index=True, width="stretch")
        links({r["firm"] for r in rows} | {r["via"] for r in rows if str(r.get("via", "")).startswith("pe:")})


def records_table(e: Entity) -> pd.DataFrame:
    return pd.DataFrame([{
        state.t("col.via"): relation_text(r, lang),
        state.t("col.type"): label_name(r["label"], lang),
        state.t("col.record"): (r["props"].get("case_no") or r["props"].get("decision_no") or r["props"].get("name")
                                or r["key"]),
        state.t("col.court"): r["props"].get("court") or r["props"].get("authority") or "",
        state.t("col.date"): record_date(r["props"]),
        state.t("col.confidence"): r["confidence"],
    } for r in state.listings(e.key)])


def records(e: Entity) -> None:
    table = records_table(e)
    if table.empty:
        st.info(state.t("entity.no_records"))
    else:
        st.dataframe(table, hide_index=True, width="stretch")


_ROLE_ORDER = {"LEGAL_REP_OF": 0, "SHAREHOLDER_OF": 1, "OFFICER_OF": 2, "REPRESENTS": 3}


def linked(sub: Subgraph) -> list[Entity]:
    """The firms and people one hop away (one per resolved entity), with the roles that tie them,
    the most telling first (法定代表人, 股东, 任职)."""
    roles: dict[str, set[tuple[int, str]]] = {}
    for ed in sub.edges:
        other = ed.end if ed.start == e.key else ed.start if ed.end == e.key else None
        if other:
            text = " ".join(filter(None, [rel_name(ed.type, lang), role_text(ed.props.get("role"), lang)]))
            roles.setdefault(other, set()).add((_ROLE_ORDER.get(ed.type, 9), text))
    near = [n for n in sub.nodes if n.key in roles and n.label in ("Company", "Person")]
    near.sort(key=lambda n: (min(roles[n.key])[0], n.label != "Company", n.name))
    if near:
        st.caption(state.t("entity.linked_count", n=len(near)))
    for n in near:
        with st.container(horizontal=True):
            entity_link(n)
            st.caption(md("、".join(text for _, text in sorted(roles[n.key]))) + " · " + badge(dict(n.props)))
    return near


@st.fragment
def network(e: Entity) -> None:
    depth = state.disclosure().max_hops  # the role's network depth (creditgraph/access.yaml)
    hops = st.segmented_control(state.t("net.hops"), [h for h in (1, 2, 3) if h <= depth],
                                default=min(int(state.param("hops", "1")), depth), key="hops") or 1
    state.set_params(hops=hops)
    slot = f"view:{e.key}:{hops}"
    if slot not in st.session_state or st.button(state.t("net.reset")):
        sub = state.resolved_neighbourhood(e.key, hops)
        st.session_state[slot] = (build_view(sub, centre=e.key, lang=lang, cap=VIEW_CAP), [sub], 0)
    view, subs, seen = st.session_state[slot]
    drawn = f"net:{e.key}:{hops}"
    # The component's last event (a tap selects, a double tap expands) is read before the view is
    # drawn, so an expansion shows in this run, at the positions the view already holds.
    event = st.session_state.get(drawn)
    if isinstance(event, dict) and event.get("timestamp", 0) > seen:
        st.session_state[slot] = (view, subs, event["timestamp"])
        target_id = (event.get("data") or {}).get("target_id")
        if event.get("action") == "expand_node" and target_id:
            expand(view, subs, target_id)
        elif event.get("action") == "select_node" and target_id:
            st.session_state[f"{slot}:selected"] = view.keys.get(target_id) or view.keys.get("n" + target_id[1:])
    st.caption(state.t("net.help") + " " + state.t("entity.hops_note"))
    selected = st.session_state.get(f"{slot}:selected")
    if selected and selected != e.key:
        name = state.names((selected,)).get(selected, "")
        with st.container(horizontal=True):
            if st.button(f"{state.t('net.open')}：{name}"):
                state.open_entity(state.canonical(selected))
            if state.may("expand") and st.button(state.t("net.expand")):
                expand(view, subs, node_id(selected))
    draw_network(view, key=drawn, expand=state.may("expand"))
    st.caption(state.t("net.count", nodes=len(view.nodes), edges=len(view.edges))
               + (" · " + state.t("net.capped") if view.more else ""))
    merged = union(subs)
    if state.may("export.graphml"):
        st.download_button(state.t("export.graphml"), state.exported("graphml", subgraph_graphml, merged),
                           file_name=f"{e.key}.graphml", mime="application/xml", on_click=state.audit().record,
                           args=("export", {"what": "graphml", "key": e.key}, len(merged.nodes)))


def expand(view, subs: list, node: str) -> None:
    """Load the next hop of the node with view id ``node`` (a "+N" node expands its owner)."""
    state.disclosure().require("expand")
    target = view.keys.get(node) or view.keys.get("n" + node[1:])
    if not target:
        return
    view.more.pop(target, None)
    sub = state.resolved_neighbourhood(target, 1, per_node=100, limit=120)
    merge_view(view, sub, lang=lang, centre=e.key, cap=VIEW_CAP)
    subs.append(sub)
    record_once("expand", {"key": target}, len(sub.nodes))


tab_profile, tab_risk, tab_records, tab_network, tab_export = st.tabs(
    [state.t("entity.profile"), state.t("entity.risk"), state.t("entity.records"), state.t("entity.network"),
     state.t("entity.export")], key="view", bind="query-params", on_change="rerun")
# Only the open tab reads what it needs (``.open``, tracked through the URL's ``view``).
with tab_profile:
    linked(state.resolved_neighbourhood(e.key, 1))
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
        if state.may("export.csv"):
            st.download_button(state.t("export.csv"), state.exported("csv", table_csv, table),
                               file_name=f"{e.key}-records.csv", mime="text/csv", on_click=state.audit().record,
                               args=("export", {"what": "records.csv", "key": e.key}, len(table)))
        if state.may("export.pdf") and st.button(state.t("export.pdf")):
            try:
                tz = state.settings().display_tz
                pdf = state.exported("pdf", entity_report_pdf, e, scores=props, listings=state.listings(e.key),
                                        neighbours=state.resolved_neighbourhood(e.key, 1),
                                        generated_by=state.user(),
                                        generated_at=dt.datetime.now(zone(tz)), lang=lang,
                                        moved=moved, names=state.names(tuple(sorted(
                                            {str(r.get(k)) for r in moved + json_list(props.get("asset_hiding"))
                                             for k in ("debtor", "firm", "via") if r.get(k)}))))
            except CreditGraphError as err:
                st.error(state.t("export.pdf_unavailable", error=err))
            else:
                state.audit().record("export", {"what": "report.pdf", "key": e.key}, 1)
                st.download_button(state.t("export.pdf_download"), pdf, file_name=f"{e.key}.pdf",
                                   mime="application/pdf")
