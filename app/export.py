"""Downloads of the explorer: tables as CSV, network views as GraphML, one entity as a PDF report.

Pure functions that return bytes, so pages only hand them to ``st.download_button`` and
tests can read the output back. Every string here came from external records (court
lists, registries), so each format gets its own defence against active content:

- CSV: cells that a spreadsheet would run as a formula (``= + - @``, tab, CR first) get a
  leading ``'`` (OWASP "CSV Injection"); every text cell is quoted; numbers stay numbers.
- GraphML: XML escaping by the writer; characters XML 1.0 cannot hold become U+FFFD.
- PDF: text is drawn glyph by glyph in an embedded, subset CJK font; no markup is parsed.

The PDF report lives in ``app/report.py`` (re-exported here): it needs a CJK font on the
machine (Debian: ``apt-get install fonts-noto-cjk``) or ``CREDITGRAPH_CJK_FONT`` naming one.

Every page imports this module for its CSV button, the first page too: pandas and networkx are
imported by the function that needs them (and the PDF's modules by app/report.py's).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import numbers
import re
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from creditgraph.app.report import CJK_FONT_ENV, entity_report_pdf, find_cjk_font
from creditgraph.graph.records import Subgraph

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["table_csv", "subgraph_graphml", "entity_report_pdf", "find_cjk_font", "CJK_FONT_ENV"]

# ---------------------------------------------------------------------------------------- CSV

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _defuse(value: Any) -> Any:
    """A cell as a spreadsheet must see it: text that starts like a formula gets a leading ``'``."""
    if value is None or isinstance(value, (bool, numbers.Number, dt.date, dt.time)):  # a pd.Timestamp is a date
        return value  # numbers (negative ones too), dates and blanks are data, not formulas
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def table_csv(df: pd.DataFrame, *, index: bool = False) -> bytes:
    """``df`` as CSV bytes that Excel opens with Chinese intact and without running formulas.

    UTF-8 with a byte-order mark, CRLF line ends (RFC 4180), every text cell quoted and
    formula-like text prefixed with ``'``; numeric columns are written as plain numbers.
    Header names are defused the same way. O(cells).
    """
    import pandas as pd

    out = df.copy()
    out.columns = [_defuse(c) for c in out.columns]
    for col in range(out.shape[1]):
        if not pd.api.types.is_numeric_dtype(out.iloc[:, col].dtype):
            out.isetitem(col, out.iloc[:, col].map(_defuse, na_action="ignore"))
    if index:
        out.index = out.index.map(_defuse)
    text = out.to_csv(index=index, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    return text.encode("utf-8-sig")


# ------------------------------------------------------------------------------------ GraphML

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(s: str) -> str:
    return _XML_ILLEGAL.sub("\ufffd", s)


def _graphml_value(v: Any) -> Any:
    """A GraphML-typed value: bool, int, float or str; None means "leave the attribute out"."""
    if v is None or isinstance(v, bool):
        return v
    if isinstance(v, numbers.Integral):
        return int(v)
    if isinstance(v, numbers.Real):
        return float(v)
    if isinstance(v, str):
        return _xml_text(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return _xml_text(json.dumps(v, ensure_ascii=False, default=str, sort_keys=True))


def _attrs(props: Mapping[str, Any], **fixed: Any) -> dict[str, Any]:
    out = {_xml_text(str(k)): _graphml_value(v) for k, v in props.items()}
    out.update({k: _graphml_value(v) for k, v in fixed.items()})
    return {k: v for k, v in out.items() if v is not None}


def _kind(v: Any) -> str:
    return "bool" if isinstance(v, bool) else "str" if isinstance(v, str) else "number"


def _one_type_per_attribute(items: Iterable[dict[str, Any]]) -> None:
    """GraphML declares one type per attribute name: where values disagree (bool vs number vs
    text), write them all as text so the file reads back (int + float is fine: it becomes float)."""
    items = list(items)
    kinds: dict[str, set[str]] = {}
    for d in items:
        for k, v in d.items():
            kinds.setdefault(k, set()).add(_kind(v))
    mixed = {k for k, ks in kinds.items() if len(ks) > 1}
    for d in items:
        for k in mixed & d.keys():
            d[k] = str(d[k])


def subgraph_graphml(sub: Subgraph) -> bytes:
    """A network view as GraphML (UTF-8), for Gephi, yEd or ``nx.read_graphml``.

    Directed multigraph; node ids are entity keys. Node attributes: ``label``, ``name``,
    ``key``, the entity's scalar props (lists and dicts as JSON text, None left out) and
    ``more`` (neighbours the view left out) on capped nodes. Edge attributes: ``type`` and
    its props. O(nodes + edges).
    """
    import networkx as nx

    G = nx.MultiDiGraph()
    node_attrs = {_xml_text(n.key): _attrs(n.props, label=n.label, name=n.name, key=n.key) for n in sub.nodes}
    for k, more in sub.more.items():
        node_attrs.setdefault(_xml_text(k), {"key": _xml_text(k)})["more"] = int(more)
    edge_attrs = [(_xml_text(e.start), _xml_text(e.end), _attrs(e.props, type=e.type)) for e in sub.edges]
    _one_type_per_attribute(node_attrs.values())
    _one_type_per_attribute(d for _, _, d in edge_attrs)
    G.add_nodes_from(node_attrs.items())
    for u, v, d in edge_attrs:
        G.add_edge(u, v, **d)
    buf = io.BytesIO()
    nx.write_graphml(G, buf, encoding="utf-8", infer_numeric_types=True)
    return buf.getvalue()
