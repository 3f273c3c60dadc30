"""Turn store subgraphs into Cytoscape elements for the network view; no Streamlit here.

The graph component shows every data field of a selected node in an info panel that it
writes as HTML, and entity strings come from outside data. So every value handed to it
is made inert first (``inert``: the five HTML-special characters become their full-width
look-alikes, which read the same to a person and mean nothing to a browser), and
element ids are opaque hashes mapped back to keys on this side.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass, field
from typing import Any, Mapping

import networkx as nx

from creditgraph.analytics.risk import risk_level
from creditgraph.analytics.subgraphs import collapse, to_networkx, union
from creditgraph.app.strings import label_name, rel_name, t
from creditgraph.app.text import field_name, role_text, value_text
from creditgraph.graph.records import Entity, Subgraph

__all__ = ["View", "inert", "node_id", "build_view", "merge_view", "risk_level", "to_networkx", "union", "COLOURS",
           "class_name", "collapse", "shown_name", "LABELLED_UP_TO"]

#: Node colours by type; risky firms and people get their own class (and colour).
COLOURS = {
    "Company": "#2f6fdf", "Company_risk": "#d62828", "Person": "#2a9d8f", "Person_risk": "#e76f51",
    "Address": "#8d99ae", "Phone": "#8d99ae", "Case": "#6c757d", "DishonestRecord": "#9d0208",
    "Restriction": "#dc2f02", "AbnormalListing": "#f48c06", "Penalty": "#e85d04", "More": "#adb5bd",
}
#: Node classes as the reader sees them (the graph's legend and the info panel's title).
_CLASS_NAMES = {"Company_risk": ("高风险企业", "High-risk company"), "Person_risk": ("高风险人员", "High-risk person"),
                "More": ("更多（已折叠）", "More (folded)")}
#: Views of at most this many nodes show every name at the zoom they open at.
LABELLED_UP_TO = 100
_SPACING = 90.0  # pixels between neighbours in the drawn layout
_INERT = str.maketrans({"<": "＜", ">": "＞", "&": "＆", '"': "＂", "'": "＇"})
_SHOWN = ("uscc", "id_masked", "status", "city", "industry", "founded", "court", "filed", "case_no")


def inert(value: Any) -> str:
    """``value`` as text that no HTML parser reads as markup."""
    return str(value).translate(_INERT)


def node_id(key: str) -> str:
    return "n" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def class_name(cls: str, lang: str = "zh") -> str:
    """A node class of :data:`COLOURS` (a label, or a label with ``_risk``) in ``lang``."""
    if cls in _CLASS_NAMES:
        return _CLASS_NAMES[cls][0 if lang == "zh" else 1]
    return label_name(cls, lang)


_RECORDS = ("DishonestRecord", "Restriction", "Case", "Penalty", "AbnormalListing")


def shown_name(e: Entity, lang: str = "zh") -> str:
    """What a node is called in the drawing: a record by its case or decision number (its
    ``name`` is its subject's, which would draw a second node named like the firm)."""
    if e.label in _RECORDS:
        p = e.props
        return str(p.get("case_no") or p.get("decision_no") or label_name(e.label, lang))
    return e.name


@dataclass
class View:
    """What the graph component draws, plus the id → key map and the folded neighbour counts."""

    nodes: dict[str, dict] = field(default_factory=dict)   # id → cytoscape node
    edges: dict[str, dict] = field(default_factory=dict)   # id → cytoscape edge
    keys: dict[str, str] = field(default_factory=dict)     # id → entity key
    more: dict[str, int] = field(default_factory=dict)     # key → neighbours not shown
    dropped: int = 0                                       # nodes left out by the view's cap
    pos: dict[str, tuple[float, float]] = field(default_factory=dict)  # id → layout position, kept on expand
    classes: set[str] = field(default_factory=set)         # node classes drawn (for the legend)

    @property
    def elements(self) -> dict[str, list[dict]]:
        """Nodes (each with its position: the view is drawn with a preset layout) and edges."""
        nodes = [dict(n, position={"x": round(self.pos[i][0], 1), "y": round(self.pos[i][1], 1)})
                 if i in self.pos else n for i, n in self.nodes.items()]
        return {"nodes": nodes, "edges": list(self.edges.values())}


def _node(e: Entity, lang: str, centre: str) -> tuple[dict, str]:
    """The Cytoscape node of ``e`` and its class. The info panel shows every data field but
    ``label`` by its name, so the fields it shows are named in ``lang``."""
    level = risk_level(e.props)
    cls = f"{e.label}_risk" if e.label in ("Company", "Person") and level == "high" else e.label
    data = {"id": node_id(e.key), "label": class_name(cls, lang), "name": inert(shown_name(e, lang)[:24]),
            t("col.risk", lang): t(f"risk.{level}", lang)}
    data.update({field_name(k, lang): inert(value_text(k, e.props[k], lang)) for k in _SHOWN
                 if e.props.get(k) not in (None, "")})
    if e.key == centre:
        data[t("net.centre", lang)] = t("net.centre_yes", lang)
    return {"data": data}, cls


def _edge_caption(type_: str, props: Mapping[str, Any], lang: str) -> str:
    bits = [rel_name(type_, lang)]
    if props.get("role"):
        bits.append(role_text(props["role"], lang))
    if props.get("ratio") is not None:
        bits.append(f"{float(props['ratio']):.0%}")
    when = props.get("since") or props.get("first_seen")
    if when:
        bits.append(str(when)[:10])
    return inert(" ".join(bits))


def merge_view(view: View, sub: Subgraph, *, lang: str = "zh", centre: str = "", cap: int = 300) -> View:
    """Add ``sub`` to ``view`` (new nodes up to ``cap``); folded neighbours become "+N" nodes.
    ``sub.more`` replaces what the view knew of those nodes, so expanding a node clears its "+N"."""
    for e in sub.nodes:
        nid = node_id(e.key)
        if nid not in view.nodes and len(view.keys) >= cap:
            view.dropped += 1
            continue
        view.nodes[nid], cls = _node(e, lang, centre)
        view.classes.add(cls)
        view.keys[nid] = e.key
    for ed in sub.edges:
        a, b = node_id(ed.start), node_id(ed.end)
        if a not in view.nodes or b not in view.nodes:
            continue
        eid = "e" + hashlib.sha1(f"{ed.type}|{ed.start}|{ed.end}|{ed.props.get('role')}".encode()).hexdigest()[:16]
        view.edges[eid] = {"data": {"id": eid, "label": rel_name(ed.type, lang), "source": a, "target": b,
                                    "caption": _edge_caption(ed.type, ed.props, lang)}}
    for key, n in sub.more.items():
        view.more[key] = n
    _refresh_more(view, lang)
    _place(view)
    return view


def _place(view: View, *, seed: int = 7) -> None:
    """Positions for the nodes that have none: a spring layout of the whole view with the
    placed nodes held where they are, so expanding a node leaves the reader's picture in place.
    New nodes start beside a placed neighbour. O(iterations · nodes²) for ≤ 300 nodes."""
    new = [i for i in view.nodes if i not in view.pos]
    for i in [i for i in view.pos if i not in view.nodes]:
        del view.pos[i]
    if not new:
        return
    G = nx.Graph()
    G.add_nodes_from(view.nodes)
    G.add_edges_from((x["data"]["source"], x["data"]["target"]) for x in view.edges.values())
    rng = random.Random(seed)
    k = 1.0 / math.sqrt(max(len(G), 1))
    if not view.pos:
        unit = nx.spring_layout(G, k=k, seed=seed, iterations=80) if len(G) > 1 else {i: (0.0, 0.0) for i in G}
        scale = _SPACING / k
        for i, (x, y) in unit.items():
            view.pos[i] = (float(x) * scale, float(y) * scale)
        return
    scale = _SPACING / k
    init = {i: (x / scale, y / scale) for i, (x, y) in view.pos.items()}
    for i in new:
        anchor = next((init[j] for j in G[i] if j in init), (0.0, 0.0))
        init[i] = (anchor[0] + rng.uniform(-k, k), anchor[1] + rng.uniform(-k, k))
    fixed = [i for i in view.pos if i in G]
    unit = nx.spring_layout(G, k=k, pos=init, fixed=fixed or None, seed=seed, iterations=60)
    for i in new:
        x, y = unit[i]
        view.pos[i] = (float(x) * scale, float(y) * scale)


def _refresh_more(view: View, lang: str) -> None:
    for nid in [i for i in view.nodes if i.startswith("m")]:
        del view.nodes[nid]
    for eid in [i for i in view.edges if i.startswith("m")]:
        del view.edges[eid]
    for key, n in view.more.items():
        owner = node_id(key)
        if n <= 0 or owner not in view.nodes:
            continue
        mid = "m" + owner[1:]
        view.nodes[mid] = {"data": {"id": mid, "label": class_name("More", lang),
                                    "name": inert(t("net.more", lang, n=n))}}
        view.edges[mid] = {"data": {"id": mid, "label": t("net.more_edge", lang), "source": owner, "target": mid,
                                    "caption": ""}}
        view.classes.add("More")


def build_view(sub: Subgraph, *, centre: str, lang: str = "zh", cap: int = 300) -> View:
    return merge_view(View(), sub, lang=lang, centre=centre, cap=cap)
