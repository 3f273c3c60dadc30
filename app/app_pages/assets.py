"""Hidden assets, as a court enforcement officer works: find the debtor (name, USCC or case
number), then each of its judgments and what moved after it — firms founded and stakes taken by
its associates, kin or firms sharing its contacts — with names, dates, amounts, the tie, and a
link to every page; the debtor and the receiving firms drawn together, one node per entity.
Without a debtor: every debtor with leads, one row each, and every lead."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from creditgraph.app import state
from creditgraph.app.export import table_csv
from creditgraph.app.leads import by_judgment, lead_table
from creditgraph.app.network import build_view, merge_view
from creditgraph.app.text import date_text
from creditgraph.app.drawing import draw_network
from creditgraph.app.ui import badge, entity_link, md, pick_entity, record_once
from creditgraph.errors import CreditGraphError, NotFound

st.title(state.t("nav.assets"))
lang = state.lang()
leads = state.hiding_leads(state.HIDING_FIRMS)
typed = pick_entity(state.t("assets.debtor"), key="debtor_box")


def debtor_of(key: str) -> str:
    """The debtor a picked entity stands for: a firm or person itself (resolved), or the party a
    case or list record names (a case number typed in the box)."""
    e = state.entity(key)
    if e.label in ("Company", "Person"):
        return state.canonical(key)
    sub = state.resolved_neighbourhood(key, 1)
    parties = [n.key for n in sub.nodes if n.label in ("Company", "Person")]
    with_leads = [n.key for n in sub.nodes if n.label in ("Company", "Person") and n.props.get("moved_assets")]
    return (with_leads or parties or [key])[0]


def links(keys) -> None:
    with st.container(horizontal=True):
        for k in sorted(set(keys)):
            if k.startswith(("co:", "pe:")):
                try:
                    entity_link(state.entity(state.canonical(k)))
                except (NotFound, CreditGraphError):
                    continue


debtor = state.param("debtor")  # the box, else the URL (a shared link)
try:
    debtor = debtor_of(typed) if typed else debtor
    e = state.entity(debtor) if debtor else None
except (NotFound, CreditGraphError):
    st.error(state.t("entity.notfound", key=debtor))
    st.stop()
if debtor:
    state.set_params(debtor=debtor)
    if st.button(state.t("assets.all")):
        state.set_params(debtor=None)
        st.rerun()
    mine = state.leads_of(debtor)
    record_once("assets", {"debtor": debtor}, len(mine))
    props = dict(e.props) | ({"moved_assets": True} if mine else {})
    st.subheader(md(e.name))
    with st.container(horizontal=True):
        entity_link(e)
        st.caption(badge(props))
    if not mine:
        st.info(state.t("assets.none"))
    else:
        for case, judged, rows in by_judgment(mine):
            st.markdown(f"**{md(state.t('assets.judgment', case=case, date=judged or '—'))}** · "
                        + state.t("assets.moved_count", n=len(rows)))
            st.dataframe(lead_table(rows, debtor=False), hide_index=True, width="stretch")
            links([r["firm"] for r in rows] + [r["via"] for r in rows])
        view = build_view(state.resolved_neighbourhood(debtor, 1), centre=debtor, lang=lang)
        for firm in list(dict.fromkeys(r["firm"] for r in mine))[:15]:
            merge_view(view, state.resolved_neighbourhood(firm, 1, per_node=15, limit=30), lang=lang, centre=debtor)
        draw_network(view, key=f"assets:{debtor}")
        table = lead_table(mine, debtor=False)
        if state.may("export.csv"):
            st.download_button(state.t("export.csv"), state.exported("csv", table_csv, table),
                               file_name="hidden-assets.csv", mime="text/csv", on_click=state.audit().record,
                               args=("export", {"what": "hidden-assets.csv", "debtor": debtor}, len(table)))
else:
    record_once("assets", {"debtor": None}, len(leads))
    debtors: dict[str, list[dict]] = {}
    for r in leads:
        debtors.setdefault(r["debtor"], []).append(r)
    names = state.names(tuple(sorted(debtors)))
    overview = pd.DataFrame([{
        state.t("col.debtor"): names.get(d, d),
        state.t("col.case"): "、".join(sorted({str(r.get("case_no")) for r in rows})),
        state.t("col.judged"): min(date_text(r.get("judged")) for r in rows),
        state.t("col.firm"): "、".join(dict.fromkeys(r.get("firm_name") or "" for r in rows)),
        state.t("col.moved_on"): max(date_text(r.get("moved_on")) for r in rows),
        state.t("col.key"): d,
    } for d, rows in sorted(debtors.items(), key=lambda kv: (-len(kv[1]), kv[0]))])
    st.caption(state.t("assets.debtors", n=len(debtors)))
    if len({r["firm"] for r in leads}) >= state.HIDING_FIRMS:  # the ranking stopped: say so
        st.warning(state.t("assets.capped", n=state.HIDING_FIRMS))
    chosen = st.dataframe(overview, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                          key="table:debtors")
    rows = chosen.selection.rows if chosen else []
    if rows:
        state.set_params(debtor=overview.iloc[rows[0]][state.t("col.key")])
        st.rerun()
    st.subheader(state.t("assets.all"))
    table = lead_table(leads)
    st.dataframe(table, hide_index=True, width="stretch")
    if not table.empty and state.may("export.csv"):
        st.download_button(state.t("export.csv"), state.exported("csv", table_csv, table),
                           file_name="hidden-assets.csv", mime="text/csv", on_click=state.audit().record,
                           args=("export", {"what": "hidden-assets.csv"}, len(table)))
