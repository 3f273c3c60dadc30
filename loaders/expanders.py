"""Expanders: turn one input record into several flat rows before mapping.

A mapping names one with ``expand: <name>``. Used where one record holds a list,
e.g. a court document naming several parties.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from creditgraph.loaders.judgments import case_kind, parse_parties
from creditgraph.loaders.mapping import RowError

__all__ = ["EXPANDERS"]


def judgment_parties(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per party of a 裁判文书 (the case fields repeated), or one row if none.

    Raises ``RowError`` (the row is quarantined) when the title, text or case number is a
    JSON object, array or other non-text value.
    """
    for column in ("title", "text", "case_number"):
        if row.get(column) is not None and not isinstance(row[column], str):
            raise RowError(f"{column}: expected text, got a JSON {_json_kind(row[column])}")
    base = {k: v for k, v in row.items() if k != "text"}
    base["case_kind"] = case_kind(row.get("case_number") or "")
    parties = parse_parties(row.get("title") or "", row.get("text") or "")
    if not parties:
        return [base]
    return [
        {**base, "party_name": p.name, "party_role": p.role,
         "party_kind": "Person" if p.kind == "person" else "Company", "party_legal_rep": p.legal_rep}
        for p in parties
    ]


_JSON_KINDS: dict[type, str] = {dict: "object", list: "array"}


def _json_kind(value: Any) -> str:
    return _JSON_KINDS.get(type(value), type(value).__name__)


EXPANDERS: dict[str, Callable[[Mapping[str, Any]], list[dict[str, Any]]]] = {
    "judgment_parties": judgment_parties,
}
