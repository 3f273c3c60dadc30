"""Paths: how two entities are tied — the k shortest typed paths, with roles and dates on each hop.
How they are looked for is :func:`creditgraph.analytics.paths.find_paths`; this page asks and draws."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from creditgraph.analytics.paths import find_paths
from creditgraph.app import state
from creditgraph.app.export import table_csv
from creditgraph.app.network import build_view
from creditgraph.app.strings import label_name, rel_name
from creditgraph.app.text import role_text
from creditgraph.app.drawing import draw_network
from creditgraph.app.ui import md, pick_entity, record_once
from creditgraph.graph.records import Entity, Path, Subgraph

st.title(state.t("nav.paths"))
lang = state.lang()
left, right = st.columns(2)
with left:
    start = pick_entity(state.t("paths.from"), key="path_from", default=state.param("from", ""))
with right:
    end = pick_entity(state.t("paths.to"), key="path_to", default=state.param("to", ""))
c1, c2 = st.columns(2)
reach = 2 * state.disclosure().max_hops  # a path meets in the middle of two neighbourhoods
max_hops = c1.slider(state.t("paths.max_hops"), 1, reach, min(int(state.param("hops", "6")), reach))
k = c2.slider(state.t("paths.k"), 1, 10, 5)


class Reads:
    """The page's cached reads, as the signed-in role sees them, in the shape find_paths reads."""

    get = staticmethod(state.entity)

    @staticmethod
    def neighbourhood(key: str, *, hops: int, limit: int, per_node: int) -> Subgraph:
        return state.neighbourhood(key, hops, per_node=per_node, limit=limit)

    @staticmethod
    def shortest_paths(start: str, end: str, *, max_hops: int, limit: int) -> list[Path]:
        return state.paths(start, end, max_hops, limit)


def shown(k: str) -> str:
    """A node of the path area by the name a reader knows it by (a phone by its number)."""
    return Entity(k, G.nodes[k].get("label", ""), G.nodes[k]).name


if start and end:
    result = find_paths(Reads(), start, end, k=k, max_hops=max_hops)
    start, end, found, G = result.start, result.end, result.paths, result.graph  # between resolved entities
    state.set_params(**{"from": start, "to": end, "hops": max_hops})
    record_once("paths", {"start": start, "end": end, "max_hops": max_hops, "k": k}, len(found))
    if not found:
        st.info(state.t("paths.none", hops=max_hops))
        st.stop()
    rows = []
    for i, path in enumerate(found, 1):
        st.subheader(state.t("paths.path", i=i, n=len(path) - 1))
        steps = []
        for a, b, rels in zip(path, path[1:], result.hops(path)):
            what = "; ".join(" ".join(filter(None, [rel_name(r["type"], lang), role_text(r.get("role"), lang),
                                                    str(r.get("since") or r.get("first_seen") or "")[:10]]))
                             for r in rels)
            steps.append({"#": len(steps) + 1,
                          state.t("col.name"): shown(a),
                          state.t("col.via"): what,
                          " ": shown(b),
                          state.t("col.type"): label_name(G.nodes[b].get("label", ""), lang)})
            rows.append({"path": i, **steps[-1]})
        st.dataframe(pd.DataFrame(steps), hide_index=True, width="stretch")
    draw_network(build_view(result.on_paths(), centre=start, lang=lang), key=f"paths:{start}:{end}", height=420)
    if state.may("export.csv"):
        st.download_button(state.t("export.csv"), state.exported("csv", table_csv, pd.DataFrame(rows)),
                           file_name="paths.csv", mime="text/csv", on_click=state.audit().record,
                           args=("export", {"what": "paths.csv", "start": start, "end": end}, len(rows)))
    st.caption(md(f"{shown(start)} → {shown(end)}"))
