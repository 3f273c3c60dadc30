"""Small rendering helpers the pages share: safe text, risk badges, entity tables and pickers.

Entity strings come from outside data, so anything shown through Markdown is escaped
first (``md``); tables (``st.dataframe``) render cells as plain text already.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Iterable

import pandas as pd
import streamlit as st
from st_link_analysis import EdgeStyle, Event, NodeStyle

from creditgraph.app import cytoscape, state
from creditgraph.app.network import COLOURS, LABELLED_UP_TO, View, class_name, risk_level
from creditgraph.app.strings import label_name, rel_name
from creditgraph.app.text import region
from creditgraph.graph.records import Entity

__all__ = ["md", "badge", "entity_rows", "pick_entity", "record_once", "entity_link", "draw_network", "node_details",
           "legend", "network_styles", "store_ready"]

#: Streamlit's Markdown colours nearest to each node class's colour, for the legend.
_LEGEND = {"Company": "blue", "Company_risk": "red", "Person": "green", "Person_risk": "orange", "Address": "gray",
           "Phone": "gray", "Case": "gray", "DishonestRecord": "red", "Restriction": "orange",
           "AbnormalListing": "orange", "Penalty": "orange", "More": "gray"}

class _Readable:
    """The component's own text is 3.6 px and hidden below 10 px on screen: names stayed
    invisible at the zoom a neighbourhood opens at. Larger text; in views of at most
    :data:`LABELLED_UP_TO` nodes shown at any zoom."""

    def __init__(self, *args, font: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.font = font

    def dump(self) -> dict:
        out = super().dump()
        out["style"].update(self.font)
        return out


class _NodeStyle(_Readable, NodeStyle):
    pass


class _EdgeStyle(_Readable, EdgeStyle):
    pass


class _AnyNode(NodeStyle):
    """A node of a class no style names is drawn grey, never as the component's bare black dot."""

    def dump(self) -> dict:
        return {"selector": "node", "style": {"background-color": COLOURS["More"], "label": "data(name)"}}


_EDGE_TYPES = ("LEGAL_REP_OF", "OFFICER_OF", "SHAREHOLDER_OF", "REGISTERED_AT", "HAS_PHONE", "PARTY_TO", "LISTED_IN",
               "SAME_AS", "ARISES_FROM", "REPRESENTS", "JUDGED")


def network_styles(lang: str, nodes: int, extent: float = 0.0) -> tuple[list, list]:
    """Node and edge styles for a view of ``nodes`` nodes spread over ``extent`` layout pixels,
    in ``lang`` (classes and relations are named in the reader's language, which is what the info
    panel shows). Text grows with the layout, so a view that opens fitted to its frame
    (about 800 px) shows names about 11 px high; views of up to :data:`LABELLED_UP_TO` nodes
    never hide them."""
    small = nodes <= LABELLED_UP_TO
    size = max(9.0, min(40.0, 11.0 * extent / 800.0))
    node = {"width": round(size * 1.6, 1), "height": round(size * 1.6, 1)} if size > 12 else {}
    node_font = {"font-size": round(size, 1), "min-zoomed-font-size": 0 if small else 5,
                 "text-wrap": "ellipsis", "text-max-width": round(size * 9, 1), **node}
    edge_font = {"font-size": round(size * 0.6, 1), "min-zoomed-font-size": 0 if small else 5}
    nodes_ = [_AnyNode("*")] + [_NodeStyle(class_name(c, lang), colour, "name", font=node_font)
                                for c, colour in COLOURS.items()]
    edges_ = [_EdgeStyle(rel_name(x, lang), caption="caption", directed=True, labeled=None, font=edge_font)
              for x in _EDGE_TYPES]
    edges_.append(_EdgeStyle(state.t("net.more_edge"), caption="caption", directed=True, labeled=None, font=edge_font))
    return nodes_, edges_


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


def draw_network(view: View, *, key: str, expand: bool = False, height: int = 520) -> dict | None:
    """Draw ``view`` with the offline Cytoscape component at the positions the view holds (a
    preset layout: expanding a node adds nodes around it and moves nothing), the selected node's
    details beside it (:func:`node_details`; the component's own panel is hidden, app/cytoscape.py)
    and a legend below. Returns the component's last event: ``select_node`` (tap) or
    ``expand_node`` (double tap)."""
    lang = state.lang()
    xs, ys = [p[0] for p in view.pos.values()], [p[1] for p in view.pos.values()]
    extent = max(max(xs) - min(xs), max(ys) - min(ys)) if xs else 0.0
    node_styles, edge_styles = network_styles(lang, len(view.nodes), extent)
    events = [Event("select_node", "tap", "node")] + ([Event("expand_node", "dbltap", "node")] if expand else [])
    drawing, details = st.columns([4, 1])
    with drawing:
        out = cytoscape.draw(view.elements, lang=lang, layout={"name": "preset", "fit": True, "padding": 20,
                                                               "animate": False},
                             node_styles=node_styles, edge_styles=edge_styles, height=height, key=key, events=events)
    with details:
        target = (out or {}).get("data", {}).get("target_id") if isinstance(out, dict) else None
        if target in view.nodes:
            node_details(view.nodes[target]["data"], key=f"node-details-{hashlib.sha1(key.encode()).hexdigest()[:12]}")
    legend(view)
    return out


#: Fields of a drawn node that are not shown as details: the component's id, the class (shown
#: as the caption) and the name (the heading).
_NOT_DETAILS = ("id", "label", "name")


def node_details(data: dict, *, key: str | None = None) -> None:
    """A drawn node's data as the drawing holds it, in the reader's language: its name, its class,
    then every other field by the name :mod:`creditgraph.app.network` gave it. ``key`` names the
    box (its element carries the class ``st-key-<key>``)."""
    with st.container(border=True, key=key):
        st.markdown(f"**{md(data.get('name', ''))}**")
        st.caption(md(data.get("label", "")))
        for field, value in data.items():
            if field not in _NOT_DETAILS:
                st.markdown(f"{md(field)}：{md(value)}")


def legend(view: View) -> None:
    """One line naming the colour of every class of node the view draws."""
    lang = state.lang()
    order = [c for c in COLOURS if c in view.classes]
    if order:
        st.markdown(" ".join(f":{_LEGEND.get(c, 'gray')}[●] {md(class_name(c, lang))}" for c in order))
