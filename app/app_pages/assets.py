"""Hidden assets: firms founded by, or stakes moved to, a debtor's associates after a judgment."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from creditgraph.app import state
from creditgraph.app.export import table_csv
from creditgraph.app.network import build_view, merge_view
from creditgraph.app.ui import draw_network, pick_entity, record_once

st.title(state.t("nav.assets"))
lang = state.lang()
leads = pd.DataFrame(state.hiding_leads())
debtor = pick_entity(state.t("assets.debtor"), key="debtor", default=state.param("debtor", ""))

if debtor:
    state.set_params(debtor=debtor)
    e = state.entity(debtor)
    resolved = e.props.get("resolved") or debtor
    mine = leads[leads["debtor"].isin({debtor, resolved})] if not leads.empty else leads
    record_once("assets", {"debtor": debtor}, len(mine))
    if mine.empty:
        st.info(state.t("assets.none"))
    else:
        st.dataframe(mine, hide_index=True, width="stretch")
        view = build_view(state.neighbourhood(debtor, 1), centre=debtor, lang=lang)
        for firm in mine["firm"].unique()[:15]:
            merge_view(view, state.neighbourhood(firm, 1, per_node=15, limit=30), lang=lang, centre=debtor)
        draw_network(view, key=f"assets:{debtor}")
        st.download_button(state.t("export.csv"), table_csv(mine), file_name="hidden-assets.csv", mime="text/csv",
                           on_click=state.audit().record,
                           args=("export", {"what": "hidden-assets.csv", "debtor": debtor}, len(mine)))
else:
    st.subheader(state.t("assets.all"))
    record_once("assets", {"debtor": None}, len(leads))
    st.dataframe(leads, hide_index=True, width="stretch")
    if not leads.empty:
        st.download_button(state.t("export.csv"), table_csv(leads), file_name="hidden-assets.csv", mime="text/csv",
                           on_click=state.audit().record, args=("export", {"what": "hidden-assets.csv"}, len(leads)))
