"""The query register (查询登记): every search, view, path query and export, read-only here."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from creditgraph.app import state
from creditgraph.app.export import table_csv

st.title(state.t("audit.title"))
log = state.audit()
entries = log.entries()
broken = log.verify()
if broken is None:
    st.success(state.t("audit.ok", n=len(entries)))
else:
    st.error(state.t("audit.broken", line=broken))
table = pd.DataFrame(entries[::-1], columns=["at", "user", "action", "query", "results"])
actions = sorted(table["action"].unique()) if not table.empty else []
chosen = st.multiselect(state.t("audit.action"), actions)
if chosen:
    table = table[table["action"].isin(chosen)]
st.dataframe(table, hide_index=True, width="stretch")
st.download_button(state.t("export.csv"), table_csv(table), file_name="query-register.csv", mime="text/csv",
                   on_click=log.record, args=("export", {"what": "query-register.csv"}, len(table)))
