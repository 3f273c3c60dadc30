"""Stable node keys derived from source data, so a reload lands on the same nodes.

Company: USCC when known, else the stock code in its market's space (``co:stock:SZ:002330``,
``co:stock:TW:2330`` — never padded into another market's numbering), else the normalised
name (Simplified, half-width, no spaces between CJK characters; Chinese enterprise names
carry their region by law: 行政区划+字号+行业+组织形式).
Person: per source, as the source identifies them — the keyed hash of a full ID,
else the name (in its own script: 李世傑 and 李世杰 are two keys) within the identity
context the mapping declares (e.g. the company the row is about). Cross-source joining is
entity resolution's job, not the key's.

Keys are match keys: the ``name`` property keeps the published text, the key its normal form.
"""

from __future__ import annotations

import hashlib
from typing import Any, Mapping, Sequence

from creditgraph import normalize as nz
from creditgraph.graph.schema import schema

__all__ = ["node_key", "stock_key_parts"]


def _short(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def node_key(label: str, props: Mapping[str, Any], *, source: str, context: Sequence[str] = ()) -> str:
    """The key of a ``label`` node with these (normalised) properties, or ``ValueError``."""
    make = schema().make_key
    if label == "Company":
        if props.get("uscc"):
            return make(label, "uscc", props["uscc"])
        if props.get("stock_code"):
            return make(label, "stock", *stock_key_parts(props["stock_code"]))
        return make(label, "name", nz.normalize_company_name(_need(props, "name", label)))
    if label == "Person":
        if props.get("id_hash"):
            return make(label, source, "id", props["id_hash"][:20])
        name = nz.person_key_name(_need(props, "name", label))
        return make(label, source, f"{name}@{_short('|'.join(context))}" if context else name)
    if label == "Address":
        return make(label, _need(props, "text", label))
    if label == "Case":
        return make(label, _need(props, "case_no", label))
    if label in ("DishonestRecord", "Restriction"):
        return make(label, _need(props, "case_no", label), nz.record_name(_need(props, "subject_name", label)))
    if label == "AbnormalListing":
        listed = props.get("listed")
        return make(label, props.get("list_type") or "abnormal",
                    nz.record_name(_need(props, "subject_name", label)),
                    listed.isoformat() if listed else "undated")
    if label == "Phone":
        return make(label, _need(props, "number", label))
    if label == "Penalty":
        return make(label, _need(props, "decision_no", label))
    raise ValueError(f"no key rule for label {label}")


def stock_key_parts(code: str) -> tuple[str, str]:
    """``("SZ", "002330")`` from the stored ``stock_code`` ``002330.SZ`` (``code.MARKET``)."""
    number, dot, market = str(code).rpartition(".")
    if not dot or not number or not market:
        raise ValueError(f"stock code {code!r} carries no market (expected code.MARKET, e.g. 2330.TW)")
    return market, number


def _need(props: Mapping[str, Any], name: str, label: str) -> str:
    value = props.get(name)
    if value is None or str(value) == "":
        raise ValueError(f"{label} needs {name!r} for its key")
    return str(value)
