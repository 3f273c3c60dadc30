"""The network drawing the entity, paths and hidden-assets pages share: node and edge styles in the
reader's language, the offline Cytoscape component (app/cytoscape.py), the selected node's details
and a legend.

Imported by those pages' runs, never by a first page: the component registers with Streamlit's
runtime when it is declared in a session's run, and its modules (networkx, the component's) are
not what the search box needs.
"""

from __future__ import annotations

import hashlib

import streamlit as st
from st_link_analysis import EdgeStyle, Event, NodeStyle

from creditgraph.app import cytoscape, state
from creditgraph.app.network import COLOURS, LABELLED_UP_TO, View, class_name
from creditgraph.app.strings import rel_name
from creditgraph.app.ui import md

__all__ = ["draw_network", "node_details", "legend", "network_styles"]

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
