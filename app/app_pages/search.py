"""Search: one box for names, USCCs, ID numbers and case numbers; ranked hits with risk badges."""

from __future__ import annotations

import streamlit as st

from creditgraph.app import state
from creditgraph.app.export import table_csv
from creditgraph.app.ui import entity_link, entity_rows, record_once, store_ready

st.title(state.t("nav.search"))
text = st.text_input(state.t("search.box"), value=state.param("q", ""), key="search_q")
state.set_params(q=text or None)

# The box is usable before the store is open (the server opens it as it starts): a search typed
# meanwhile is kept and runs as soon as it is.
if store_ready(state.t("search.queued") if text.strip() else None) and text.strip():
    kind, hits = state.search(text.strip())
    record_once("search", {"text": text.strip()}, len(hits))
    st.caption(state.t("search.kind", kind=state.t(f"kind.{kind}")) + " · " + state.t("search.results", n=len(hits)))
    if not hits:
        st.info(state.t("search.none"))
    else:
        for h in hits[:10]:
            entity_link(h.entity)
        table = entity_rows(h.entity for h in hits)
        st.dataframe(table, hide_index=True, width="stretch")
        if state.may("export.csv"):
            st.download_button(state.t("export.csv"), state.exported("csv", table_csv, table), file_name="search.csv",
                               mime="text/csv", on_click=record_once,
                               args=("export", {"what": "search.csv", "text": text.strip()}, len(table)))
