"""Small rendering helpers the pages share: safe text, risk badges, entity tables and pickers
(the network drawing is app/drawing.py's).

Entity strings come from outside data, so anything shown through Markdown is escaped
first (``md``); tables (``st.dataframe``) render cells as plain text already.

A first page (the frame and the search box) runs this module, so it imports nothing heavy at
its top: pandas comes with the first table.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterable

import streamlit as st

from creditgraph.analytics.risk import risk_level
from creditgraph.app import state
from creditgraph.app.strings import label_name
from creditgraph.app.text import region
from creditgraph.graph.records import Entity

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["md", "badge", "entity_rows", "pick_entity", "record_once", "entity_link", "store_ready"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(value: Any) -> str:
    """``value`` escaped for Markdown, so external text never becomes a link, markup or HTML."""
    return _MD_SPECIAL.sub(r"\\\1", str(value)).replace("\n", " ")


def badge(props: dict) -> str:
    level = risk_level(props)
    return {"high": "🔴 ", "medium": "🟠 ", "low": "🟢 "}[level] + state.t(f"risk.{level}")


def entity_rows(entities: Iterable[Entity]) -> pd.DataFrame:
    """Search results / rankings as a table: type, name, region, status, risk, key."""
    import pandas as pd

    lang = state.lang()
    rows = []
    for e in entities:
        p = e.props
        rows.append({
            state.t("col.type"): label_name(e.label, lang),
            state.t("col.name"): e.name,
            state.t("col.region"): region(p),
            state.t("col.status"): p.get("status") or "",
            state.t("col.risk"): badge(p),
            state.t("col.key"): e.key,
        })
    return pd.DataFrame(rows)


def entity_link(e: Entity, *, key: str | None = None) -> None:
    """A link to the entity page (its URL carries the key)."""
    st.page_link("app_pages/entity.py", label=f"{md(e.name)} · {label_name(e.label, state.lang())}",
                 query_params={"entity": e.key, "lang": state.lang()})


def pick_entity(label: str, *, key: str, default: str = "") -> str | None:
    """A text box that resolves to one entity key: a key as typed, else the search hit the user picks."""
    text = st.text_input(label, value=default, key=key)
    if not text:
        return None
    _, hits = state.search(text, limit=10)
    if not hits:
        st.warning(state.t("search.none"))
        return None
    if len(hits) == 1 or hits[0].entity.key == text.strip():
        return hits[0].entity.key
    options = {h.entity.key: " · ".join(filter(None, [h.entity.name, label_name(h.entity.label, state.lang()),
                                                     region(h.entity.props), h.entity.props.get("uscc")
                                                     or h.entity.props.get("id_masked")]))
               for h in hits}
    return st.selectbox(state.t("paths.ambiguous", text=text), list(options), format_func=options.get,
                        key=f"{key}:pick")


def store_ready(note: str | None = None) -> bool:
    """Whether the store is open, for a page about to read it. While it is still opening (begun as
    the server started, app/server.py) the page shows a status line that counts the seconds, with
    ``note`` (what happens once it is open) below, and reruns as a whole the moment the store is
    open: what the reader typed meanwhile is kept (the URL, the widgets' state) and runs then."""
    if state.store_opening() is None:
        return True
    _opening_status(note)
    return False


@st.fragment(run_every=0.5)
def _opening_status(note: str | None) -> None:
    since = state.store_opening()
    if since is None:
        st.rerun()  # the whole page, with the store this time
    st.status(state.t("app.opening", s=int(since)), state="running")
    if note:
        st.caption(note)


def record_once(action: str, query: dict, results: int) -> None:
    """Register a query once per session and distinct query (reruns of a page do not repeat it)."""
    seen = st.session_state.setdefault("_registered", set())
    marker = (action, tuple(sorted((k, str(v)) for k, v in query.items())))
    if marker in seen:
        return
    state.audit().record(action, query, results)
    seen.add(marker)
