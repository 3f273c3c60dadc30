"""Objections (异议处理): a subject, through an operator, objects to a record; a reviewer decides.

While open the record carries ``objection = 异议中`` (shown wherever it appears) and, per
``objections.blacklist_while_open`` in the lifecycle table, stays off the published 黑榜. Upheld:
the record is withdrawn (off the lists, kept with its provenance) or corrected (the fields
changed, the published values kept in ``correction``); rejected: the mark goes, the reason
stays. Each step is a register entry. The state lives in ``<data dir>/governance``, the mark on
the node, which no loader writes: a reload keeps both, and :func:`~.lifecycle.sync` re-applies
corrections a reload has overwritten.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from typing import Any, Mapping

from creditgraph.graph import governance as gq
from creditgraph.graph.schema import schema
from creditgraph.governance import Governance
from creditgraph.governance.lifecycle import mark, record, record_label, take_off
from creditgraph.governance.state import GovernanceError, now

__all__ = ["file", "uphold", "reject", "statistics_of", "open_on", "apply_correction", "OPEN_MARK"]

OPEN_MARK = "异议中"
DECISIONS = ("withdrawn", "corrected")


def open_on(gov: Governance, key: str) -> dict[str, Any] | None:
    """The open objection on a record, if any."""
    rows = gov.state.rows("objections", record=key, status="open")
    return rows[0] if rows else None


def file(gov: Governance, key: str, grounds: str, *, subject: str | None = None) -> dict[str, Any]:
    """File an objection on record ``key``; the record shows 异议中 at once. One open objection
    per record (a second is refused, naming the first)."""
    if not (grounds or "").strip():
        raise GovernanceError("an objection needs its grounds (what the subject says is wrong)")
    label = record_label(key)
    record(gov, key)  # NotFound when the record is not in the graph
    if (first := open_on(gov, key)) is not None:
        raise GovernanceError(f"{key} already has an open objection ({first['id']}, filed {first['filed_at']})")
    o = gov.state.insert("objections", record=key, label=label, subject=subject, grounds=grounds.strip(),
                         filed_by=gov.user, filed_at=now())
    mark(gov, key, {"objection": OPEN_MARK, "objection_id": o["id"]})
    gov.register("objection.file", {"objection": o["id"], "record": key, "subject": subject})
    return o


def uphold(gov: Governance, oid: str, *, decision: str, reason: str,
           correction: Mapping[str, Any] | None = None, rescore: bool = True) -> dict[str, Any]:
    """Uphold objection ``oid``: ``withdrawn`` takes the record off the lists, ``corrected`` sets
    ``correction`` (field → corrected value) on it, keeping the published values. ``rescore``
    reruns scoring (a withdrawal changes what scores count). Returns the decided objection, with
    ``scoring`` (the scoring summary) when rescored."""
    if decision not in DECISIONS:
        raise GovernanceError(f"an upheld objection withdraws or corrects the record ({DECISIONS}), not {decision!r}")
    if not (reason or "").strip():
        raise GovernanceError("a decision needs its reason")
    o = gov.state.get("objections", oid)
    if o["status"] != "open":
        raise GovernanceError(f"{oid} was already decided ({o['status']} by {o['decided_by']} at {o['decided_at']})")
    key, fixed = o["record"], None
    if decision == "corrected":
        if not correction:
            raise GovernanceError("a correction names the fields to change and their corrected values")
        label = record_label(key)
        declared = schema().node(label).properties
        bad = [f for f in correction if f not in declared or f in ("case_no", "decision_no")]
        if bad:
            raise GovernanceError(f"{label} fields that cannot be corrected here: {bad} (a key field, or undeclared)")
        was = record(gov, key, tuple(correction))
        fixed = {"fields": {f: [_plain(was.get(f)), v] for f, v in correction.items()}, "by": gov.user, "at": now(),
                 "objection": oid}
        apply_correction(gov, key, dict(correction))
        mark(gov, key, {"correction": json.dumps(fixed, ensure_ascii=False, sort_keys=True)})
    at = now()
    o = gov.state.update("objections", oid, expect={"status": "open"}, status="upheld", decision=decision,
                         reason=reason.strip(), correction=fixed, decided_by=gov.user, decided_at=at)
    if decision == "withdrawn":
        take_off(gov, key, reason="withdrawn", rule=oid, since=dt.date.fromisoformat(at[:10]))
    gov.store.write_rows(f"clearing the objection mark of {key}", gq.clear_objection(record_label(key)), key=key)
    gov.register("objection.uphold", {"objection": oid, "record": key, "decision": decision, "reason": reason})
    if rescore:
        o["scoring"] = _rescore(gov, oid)
    return o


def reject(gov: Governance, oid: str, *, reason: str) -> dict[str, Any]:
    """Reject objection ``oid`` with a reason: the record stands, the 异议中 mark goes."""
    if not (reason or "").strip():
        raise GovernanceError("rejecting an objection needs its reason")
    o = gov.state.get("objections", oid)
    if o["status"] != "open":
        raise GovernanceError(f"{oid} was already decided ({o['status']} by {o['decided_by']} at {o['decided_at']})")
    o = gov.state.update("objections", oid, expect={"status": "open"}, status="rejected", reason=reason.strip(),
                         decided_by=gov.user, decided_at=now())
    gov.store.write_rows(f"clearing the objection mark of {o['record']}", gq.clear_objection(o["label"]),
                         key=o["record"])
    gov.register("objection.reject", {"objection": oid, "record": o["record"], "reason": reason})
    return o


def apply_correction(gov: Governance, key: str, values: Mapping[str, Any]) -> None:
    label = record_label(key)
    gov.store.write_rows(f"correcting {key}", gq.set_props(label, list(values)), key=key,
                         values={f: _value(label, f, v) for f, v in values.items()})


def statistics_of(gov: Governance) -> dict[str, Any]:
    """Open, upheld, rejected counts and the median days from filing to decision."""
    rows = gov.state.rows("objections")
    days = [(dt.datetime.fromisoformat(o["decided_at"]) - dt.datetime.fromisoformat(o["filed_at"])).total_seconds()
            / 86400 for o in rows if o["decided_at"]]
    return {"filed": len(rows), "open": sum(o["status"] == "open" for o in rows),
            "upheld": sum(o["status"] == "upheld" for o in rows),
            "rejected": sum(o["status"] == "rejected" for o in rows),
            "median_days_to_decide": round(statistics.median(days), 2) if days else None}


def _rescore(gov: Governance, why: str) -> dict[str, Any]:
    from creditgraph.scoring import run_scoring

    summary = run_scoring(gov.store, progress=False, processes=1)
    gov.register("rescore", {"after": why}, summary.get("nodes_written", 0))
    return summary


def _value(label: str, field: str, v: Any) -> Any:
    prop = schema().node(label).properties[field]
    return prop.coerce(v)


def _plain(v: Any) -> Any:
    if hasattr(v, "iso_format"):
        return v.iso_format()[:10]
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v
