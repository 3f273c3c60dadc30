"""The network drawing: st_link_analysis's Cytoscape frontend, served without its own panels.

st_link_analysis 0.4.0 has no option for its info panel (English "No selected elements", the
element's raw data keys ``id`` and ``name``), nor for its toolbar's English tooltips and its
"Download as JSON" button (an export that no role's table allows and the register never sees).
So the explorer declares a component of its own whose ``index.html`` is the installed one,
changed: its scripts load from st_link_analysis's own component folder (served by Streamlit
as before, nothing fetched from elsewhere), the info panel and the JSON download are hidden,
and the tooltips are in the reader's language. The Python side is st_link_analysis's, called
with the same arguments. The details of a selected node are shown by the page (app/drawing.py).

The pages are written once per process, one per language, into a temporary folder.
"""

from __future__ import annotations

import html
import re
import tempfile
from pathlib import Path
from typing import Any

import streamlit.components.v1 as components
import st_link_analysis
from st_link_analysis import EdgeStyle, Event, NodeStyle
from st_link_analysis.component import component as _original

__all__ = ["draw", "frame_html"]

#: The name Streamlit serves st_link_analysis's files under (``/component/<name>/…``).
_ORIGINAL = _original._component_func.name
_BUILD = Path(st_link_analysis.__file__).parent / "frontend" / "build"

#: The toolbar's tooltips, by the element that carries them.
_TITLES = {
    "toolbarRefresh": ("重新布局", "Refresh layout"),
    "toolbarFullscreen": ("全屏", "Full screen"),
    "viewbarPlus": ("放大", "Zoom in"),
    "viewbarFit": ("适应窗口", "Fit to frame"),
    "viewbarCenter": ("居中", "Centre"),
    "viewbarMinus": ("缩小", "Zoom out"),
    "nodeActionsRemove": ("移除节点", "Remove nodes"),
    "nodeActionsExpand": ("展开节点", "Expand node"),
}

_HIDDEN = "<style>#infopanel, #toolbarExport, #toolbarExport + .bar__hr { display: none !important; }</style>"


def frame_html(original: str, lang: str) -> str:
    """``original`` (st_link_analysis's ``index.html``) as the explorer serves it in ``lang``."""
    page = re.sub(r'src="(?!https?:|/)([^"]+)"', lambda m: f'src="../{_ORIGINAL}/{m.group(1)}"', original)
    for element, titles in _TITLES.items():
        title = html.escape(titles[0 if lang == "zh" else 1], quote=True)
        page = re.sub(rf'(id="{element}"[^>]*?title=")[^"]*(")', rf"\g<1>{title}\g<2>", page)
    page = page.replace(">No selected elements<", "><", 1)  # hidden as well: nothing English in the page at all
    page = page.replace("<html>", f'<html lang="{"zh-CN" if lang == "zh" else "en"}">', 1)
    return page.replace("</head>", _HIDDEN + "</head>", 1)


def _declare() -> dict[str, Any]:
    folder = tempfile.TemporaryDirectory(prefix="creditgraph-network-")
    original = (_BUILD / "index.html").read_text(encoding="utf-8")
    out: dict[str, Any] = {"folder": folder}  # kept: the folder goes when the process ends
    for lang in ("zh", "en"):
        where = Path(folder.name) / lang
        where.mkdir()
        (where / "index.html").write_text(frame_html(original, lang), encoding="utf-8")
        out[lang] = components.declare_component(f"st_link_analysis_{lang}", path=str(where))
    return out


_COMPONENTS = _declare()


def draw(elements: dict, *, lang: str, layout: dict, node_styles: list[NodeStyle], edge_styles: list[EdgeStyle],
         height: int, key: str, events: list[Event]) -> Any:
    """What ``st_link_analysis(elements, layout=…, node_styles=…, edge_styles=…, height=…,
    key=…, node_actions=[], events=…)`` draws and returns, without its panels, in ``lang``."""
    return _COMPONENTS["zh" if lang == "zh" else "en"](
        elements=elements, style=[s.dump() for s in node_styles] + [s.dump() for s in edge_styles],
        layout=layout, height=f"{height}px", key=key, on_change=None, nodeActions=[],
        events=[e.dump() for e in events])
