"""Records leave the lists: ``expire`` applies the lifecycle table; ``sync`` re-asserts every
governance decision onto the record nodes (run after each load).

A record off the lists carries ``active = false``, ``inactive_since``, ``inactive_reason`` and
``inactive_rule``; it is never deleted, so the entity's history (``related_listings``, the
entity page) keeps it. Scoring and the lists read ``active`` through
:func:`creditgraph.analytics.frames.frames_from_tables`, which leaves inactive records out.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from typing import Any, Mapping

from creditgraph.errors import NotFound
from creditgraph.graph import governance as gq
from creditgraph.graph.schema import schema
from creditgraph.governance import Governance
from creditgraph.governance.rules import _date, exit_of
from creditgraph.governance.state import GovernanceError

__all__ = ["expire", "sync", "record", "take_off", "mark", "record_label", "status_text", "EXIT_NAMES"]

#: Why a record left the lists, in words (Chinese, English).
EXIT_NAMES = {"period_ended": ("公示期届满", "period ended"), "performed": ("已履行", "performed"),
              "removed": ("已移出", "removed"), "revoked": ("已撤销（决定机关）", "revoked"),
              "withdrawn": ("已撤销（异议成立）", "withdrawn on objection"), "repaired": ("信用修复", "repaired")}


def status_text(props: Mapping[str, Any], lang: str = "zh") -> str | None:
    """What a record shows beside it wherever it appears: 异议中 while an objection is open, why and
    since when it left the lists, or ``None`` for an active record. Pure; for every page."""
    if props.get("objection"):
        return str(props["objection"]) if lang == "zh" else "under objection (异议中)"
    if props.get("active") is False:
        reason = str(props.get("inactive_reason") or "")
        zh, en = EXIT_NAMES.get(reason, (reason, reason))
        since = str(props.get("inactive_since") or "")[:10]
        return f"{zh if lang == 'zh' else en} {since}".strip()
    return None

log = logging.getLogger(__name__)


def record_label(key: str) -> str:
    """The label of a record key, refused unless it is a record with a status (失信, 限消, 异常, 处罚)."""
    label = schema().label_of(key)
    if label not in gq.RECORD_LABELS:
        raise GovernanceError(f"{key} is a {label}, not a list record ({', '.join(gq.RECORD_LABELS)})")
    return label


def record(gov: Governance, key: str, fields: tuple[str, ...] = ()) -> dict[str, Any]:
    """One record's rule fields, status and first_seen; :class:`NotFound` when absent."""
    label = record_label(key)
    props = [*gov.rules.fields(label), *(f for f in fields if f in schema().node(label).properties)]
    rows = gov.store.read_rows(f"reading record {key}", gq.record_facts(label, props), keys=[key])
    if not rows:
        raise NotFound(f"no {label} with key {key!r}")
    return rows[0]


def mark(gov: Governance, key: str, status: Mapping[str, Any]) -> None:
    """Set status properties on one record."""
    label = record_label(key)
    gov.store.write_rows(f"marking {key}", gq.set_status(label), rows=[{"key": key, "status": dict(status)}])


def take_off(gov: Governance, key: str, *, reason: str, rule: str, since: dt.date) -> None:
    """Take one record off the lists (kept, marked inactive)."""
    mark(gov, key, {"active": False, "inactive_since": since, "inactive_reason": reason, "inactive_rule": rule})


def expire(gov: Governance, *, as_of: dt.date | None = None, batch: int = 2000) -> dict[str, Any]:
    """Take off every active record that a lifecycle rule says has left the lists by ``as_of``
    (default today); one register entry per record taken off and one for the run. Records
    already off stay off. Returns counts per label and reason. O(records) reads, batched writes."""
    as_of = as_of or dt.date.today()
    taken: Counter = Counter()
    checked = 0
    for label in gq.RECORD_LABELS:
        if label not in gov.rules.labels or not gov.rules.labels[label].rules:
            continue
        rows = gov.store.read_rows(f"reading {label} records for expiry",
                                   gq.record_facts(label, gov.rules.fields(label)), keys=None)
        checked += len(rows)
        pending = []
        for r in rows:
            if r.get("active") is False:
                continue
            e = exit_of(label, r, as_of, gov.rules)
            if e is None:
                continue
            pending.append({"key": r["key"], "status": {"active": False, "inactive_since": e.since,
                                                        "inactive_reason": e.reason, "inactive_rule": e.rule}})
            taken[(label, e.reason)] += 1
        for i in range(0, len(pending), batch):
            part = pending[i:i + batch]
            gov.store.write_rows(f"taking {len(part)} {label} records off the lists", gq.set_status(label), rows=part)
            for p in part:
                s = p["status"]
                gov.register("expire", {"record": p["key"], "rule": s["inactive_rule"], "reason": s["inactive_reason"],
                                        "since": s["inactive_since"].isoformat(), "as_of": as_of.isoformat()})
    total = sum(taken.values())
    gov.register("expire.run", {"as_of": as_of.isoformat(), "checked": checked}, total)
    out = {"as_of": as_of.isoformat(), "checked": checked, "taken_off": total,
           "by": {f"{l}:{r}": n for (l, r), n in sorted(taken.items())}}
    log.info("expire: %s", out)
    return out


def sync(gov: Governance) -> dict[str, int]:
    """Re-assert governance decisions onto the records: open objections' 异议中 marks, upheld
    corrections, withdrawals and approved repairs. A reload MERGEs the record and sets the
    source's properties again (a corrected field goes back to what the source published); this
    puts the decisions back. Idempotent."""
    counts: Counter = Counter()
    for o in gov.state.rows("objections"):
        try:
            if o["status"] == "open":
                mark(gov, o["record"], {"objection": "异议中", "objection_id": o["id"]})
                counts["objections_open"] += 1
            elif o["status"] == "upheld" and o["decision"] == "corrected" and o["correction"]:
                from creditgraph.governance.objections import apply_correction

                apply_correction(gov, o["record"], {f: v[1] for f, v in o["correction"]["fields"].items()})
                counts["corrections"] += 1
            elif o["status"] == "upheld" and o["decision"] == "withdrawn":
                _keep_off(gov, o["record"], "withdrawn", o["id"], o["decided_at"])
                counts["withdrawn"] += 1
        except NotFound:
            log.warning("objection %s: record %s is no longer in the graph", o["id"], o["record"])
    for a in gov.state.rows("repairs", status="approved"):
        try:
            _keep_off(gov, a["record"], gov.rules.repair.get("exit", "repaired"), a["id"], a["decided_at"])
            counts["repaired"] += 1
        except NotFound:
            log.warning("repair %s: record %s is no longer in the graph", a["id"], a["record"])
    return dict(counts)


def _keep_off(gov: Governance, key: str, reason: str, rule: str, at: str) -> None:
    if record(gov, key).get("active") is not False:
        take_off(gov, key, reason=reason, rule=rule, since=_date(at) or dt.date.today())
