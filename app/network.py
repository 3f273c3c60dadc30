"""Turn store subgraphs into Cytoscape elements for the network view; no Streamlit here.

The graph component shows every data field of a selected node in an info panel that it
writes as HTML, and entity strings come from outside data. So every value handed to it
is made inert first (``inert``: the five HTML-special characters become their full-width
look-alikes, which read the same to a person and mean nothing to a browser), and
element ids are opaque hashes mapped back to keys on this side.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Mapping

import networkx as nx

from creditgraph.app.strings import label_name, rel_name, t
from creditgraph.graph.records import Entity, Subgraph

__all__ = ["View", "inert", "node_id", "build_view", "merge_view", "risk_level", "to_networkx", "union", "COLOURS"]

#: Node colours by type; risky firms and people get their own class (and colour).
COLOURS = {
    "Company": "#2f6fdf", "Company_risk": "#d62828", "Person": "#2a9d8f", "Person_risk": "#e76f51",
    "Address": "#8d99ae", "Phone": "#8d99ae", "Case": "#6c757d", "DishonestRecord": "#9d0208",
    "Restriction": "#dc2f02", "AbnormalListing": "#f48c06", "Penalty": "#e85d04", "More": "#adb5bd",
}
_INERT = str.maketrans({"<": "＜", ">": "＞", "&": "＆", '"': "＂", "'": "＇"})
_SHOWN = ("uscc", "id_masked", "status", "city", "industry", "founded", "court", "filed", "case_no")


def inert(value: Any) -> str:
    """``value`` as text that no HTML parser reads as markup."""
    return str(value).translate(_INERT)


def node_id(key: str) -> str:
    return "n" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def risk_level(props: Mapping[str, Any]) -> str:
    """high / medium / low from the stored scores (flags first, then scores)."""
    if props.get("shell_flag") or props.get("repeat_flag") or props.get("asset_hiding"):
        return "high"
    if float(props.get("shell_score") or 0) >= 0.3 or float(props.get("spread") or 0) >= 0.1:
        return "medium"
    return "low"


@dataclass
class View:
    """What the graph component draws, plus the id → key map and the folded neighbour counts."""

    nodes: dict[str, dict] = field(default_factory=dict)   # id → cytoscape node
    edges: dict[str, dict] = field(default_factory=dict)   # id → cytoscape edge
    keys: dict[str, str] = field(default_factory=dict)     # id → entity key
    more: dict[str, int] = field(default_factory=dict)     # key → neighbours not shown
    dropped: int = 0                                       # nodes left out by the view's cap

    @property
    def elements(self) -> dict[str, list[dict]]:
        return {"nodes": list(self.nodes.values()), "edges": list(self.edges.values())}


def _node(e: Entity, lang: str, centre: str) -> dict:
    level = risk_level(e.props)
    label = f"{e.label}_risk" if e.label in ("Company", "Person") and level == "high" else e.label
    data = {"id": node_id(e.key), "label": label, "name": inert(e.name[:24]),
            "type": inert(label_name(e.label, lang)), "risk": level}
    data.update({k: inert(e.props[k]) for k in _SHOWN if e.props.get(k) not in (None, "")})
    if e.key == centre:
        data["centre"] = "yes"
    return {"data": data}


def _edge_caption(type_: str, props: Mapping[str, Any], lang: str) -> str:
    bits = [rel_name(type_, lang)]
    if props.get("role"):
        bits.append(str(props["role"]))
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
        view.nodes[nid] = _node(e, lang, centre)
        view.keys[nid] = e.key
    for ed in sub.edges:
        a, b = node_id(ed.start), node_id(ed.end)
        if a not in view.nodes or b not in view.nodes:
            continue
        eid = "e" + hashlib.sha1(f"{ed.type}|{ed.start}|{ed.end}|{ed.props.get('role')}".encode()).hexdigest()[:16]
        view.edges[eid] = {"data": {"id": eid, "label": ed.type, "source": a, "target": b,
                                    "caption": _edge_caption(ed.type, ed.props, lang)}}
    for key, n in sub.more.items():
        view.more[key] = n
    _refresh_more(view, lang)
    return view


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
        view.nodes[mid] = {"data": {"id": mid, "label": "More", "name": inert(t("net.more", lang, n=n))}}
        view.edges[mid] = {"data": {"id": mid, "label": "MORE", "source": owner, "target": mid, "caption": ""}}


def build_view(sub: Subgraph, *, centre: str, lang: str = "zh", cap: int = 300) -> View:
    return merge_view(View(), sub, lang=lang, centre=centre, cap=cap)


def union(subs: list[Subgraph]) -> Subgraph:
    """One subgraph holding every node and edge of ``subs`` (the "+N" counts of the last one win)."""
    nodes = {n.key: n for s in subs for n in s.nodes}
    edges = {(x.type, x.start, x.end, str(x.props.get("role"))): x for s in subs for x in s.edges}
    more = {k: v for s in subs for k, v in s.more.items()}
    return Subgraph(tuple(nodes.values()), tuple(edges.values()), more)


def to_networkx(sub: Subgraph) -> nx.MultiDiGraph:
    """A subgraph as the NetworkX graph ``analytics`` works on (same shape as ``store.export``)."""
    G = nx.MultiDiGraph()
    for n in sub.nodes:
        G.add_node(n.key, label=n.label, **dict(n.props))
    for x in sub.edges:
        G.add_edge(x.start, x.end, key=f"{x.type}:{x.props.get('role')}", type=x.type, **dict(x.props))
    return G
