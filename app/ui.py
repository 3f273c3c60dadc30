"""Small rendering helpers the pages share: safe text, risk badges, entity tables and pickers.

Entity strings come from outside data, so anything shown through Markdown is escaped
first (``md``); tables (``st.dataframe``) render cells as plain text already.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

import pandas as pd
import streamlit as st
from st_link_analysis import EdgeStyle, Event, NodeStyle, st_link_analysis

from creditgraph.app import state
from creditgraph.app.network import COLOURS, View, risk_level
from creditgraph.app.strings import label_name
from creditgraph.graph.records import Entity

__all__ = ["md", "badge", "entity_rows", "pick_entity", "record_once", "entity_link", "draw_network"]

class _Readable:
    """The component's own text is 3.6 px and hidden below 10 px on screen: names stayed
    invisible at the zoom a neighbourhood opens at. Larger text, shown from 5 px."""

    FONT: dict = {}

    def dump(self) -> dict:
        out = super().dump()
        out["style"].update(self.FONT)
        return out


class _NodeStyle(_Readable, NodeStyle):
    FONT = {"font-size": 7, "min-zoomed-font-size": 5, "text-wrap": "ellipsis", "text-max-width": 90}


class _EdgeStyle(_Readable, EdgeStyle):
    FONT = {"font-size": 5, "min-zoomed-font-size": 5}


NODE_STYLES = [_NodeStyle(label, colour, "name") for label, colour in COLOURS.items()]
EDGE_STYLES = [_EdgeStyle(t, caption="caption", directed=True) for t in
               ("LEGAL_REP_OF", "OFFICER_OF", "SHAREHOLDER_OF", "REGISTERED_AT", "HAS_PHONE", "PARTY_TO",
                "LISTED_IN", "SAME_AS", "ARISES_FROM", "MORE")]
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(value: Any) -> str:
    """``value`` escaped for Markdown, so external text never becomes a link, markup or HTML."""
    return _MD_SPECIAL.sub(r"\\\1", str(value)).replace("\n", " ")


def badge(props: dict) -> str:
    level = risk_level(props)
    return {"high": "🔴 ", "medium": "🟠 ", "low": "🟢 "}[level] + state.t(f"risk.{level}")


def entity_rows(entities: Iterable[Entity]) -> pd.DataFrame:
    """Search results / rankings as a table: type, name, region, status, risk, key."""
    lang = state.lang()
    rows = []
    for e in entities:
        p = e.props
        rows.append({
            state.t("col.type"): label_name(e.label, lang),
            state.t("col.name"): e.name,
            state.t("col.region"): p.get("city") or p.get("province") or p.get("region_code") or p.get("court") or "",
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
    options = {h.entity.key: f"{h.entity.name} · {label_name(h.entity.label, state.lang())} · {h.entity.key}"
               for h in hits}
    return st.selectbox(state.t("paths.ambiguous", text=text), list(options), format_func=options.get,
                        key=f"{key}:pick")


def record_once(action: str, query: dict, results: int) -> None:
    """Register a query once per session and distinct query (reruns of a page do not repeat it)."""
    seen = st.session_state.setdefault("_registered", set())
    marker = (action, tuple(sorted((k, str(v)) for k, v in query.items())))
    if marker in seen:
        return
    state.audit().record(action, query, results)
    seen.add(marker)


def draw_network(view: View, *, key: str, expand: bool = False, height: int = 520) -> dict | None:
    """Draw ``view`` with the offline Cytoscape component; returns its last event (tap / expand)."""
    return st_link_analysis(view.elements, layout="cose", node_styles=NODE_STYLES, edge_styles=EDGE_STYLES,
                            height=height, key=key, node_actions=["expand"] if expand else [],
                            events=[Event("select_node", "tap", "node")])
