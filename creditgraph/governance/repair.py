"""Credit repair (信用修复): an application with evidence, a review, an outcome.

Approved, the record leaves the lists per the table's ``repair.exit`` (``repaired``), kept with
its history, and scores are recomputed (``creditgraph.scoring.run_scoring``) so the debtor's
repeat count, spread and the 黑榜 no longer carry it. Each step is a register entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

from creditgraph.governance import Governance
from creditgraph.governance.lifecycle import record, record_label, take_off
from creditgraph.governance.state import GovernanceError, now

__all__ = ["apply", "approve", "reject", "EVIDENCE_KINDS"]

#: What an application can show (a free note goes with each piece).
EVIDENCE_KINDS = ("performance", "settlement", "lifting_notice", "training_certificate", "commitment", "other")


def apply(gov: Governance, key: str, evidence: Sequence[dict[str, Any]], *,
          applicant: str | None = None) -> dict[str, Any]:
    """File a repair application for record ``key``; ``evidence``: ``{kind, ref, note}`` items
    (kind one of :data:`EVIDENCE_KINDS`, ref a document number or file name). One pending
    application per record."""
    if not evidence:
        raise GovernanceError("a repair application needs evidence (performance, a training certificate ...)")
    items = []
    for e in evidence:
        if e.get("kind") not in EVIDENCE_KINDS:
            raise GovernanceError(f"evidence kind {e.get('kind')!r} is not one of {EVIDENCE_KINDS}")
        items.append({"kind": e["kind"], "ref": str(e.get("ref") or ""), "note": str(e.get("note") or "")})
    label = record_label(key)
    r = record(gov, key)
    if r.get("active") is False:
        raise GovernanceError(f"{key} is already off the lists ({r.get('inactive_reason')} since "
                              f"{r.get('inactive_since')})")
    if gov.state.rows("repairs", record=key, status="pending"):
        raise GovernanceError(f"{key} already has a pending repair application")
    a = gov.state.insert("repairs", record=key, label=label, applicant=applicant, evidence=items,
                         filed_by=gov.user, filed_at=now())
    gov.register("repair.apply", {"repair": a["id"], "record": key, "evidence": [i["kind"] for i in items]})
    return a


def approve(gov: Governance, rid: str, *, reason: str, rescore: bool = True) -> dict[str, Any]:
    """Approve application ``rid``: the record exits (``repaired``) and, with ``rescore``,
    scores are recomputed; the summary comes back as ``scoring``."""
    if not (reason or "").strip():
        raise GovernanceError("approving a repair needs the reviewer's reason")
    at = now()
    a = gov.state.update("repairs", rid, expect={"status": "pending"}, status="approved", reason=reason.strip(),
                         decided_by=gov.user, decided_at=at)
    take_off(gov, a["record"], reason=gov.rules.repair.get("exit", "repaired"), rule=rid,
             since=dt.date.fromisoformat(at[:10]))
    gov.register("repair.approve", {"repair": rid, "record": a["record"], "reason": reason})
    if rescore:
        from creditgraph.scoring import run_scoring

        a["scoring"] = run_scoring(gov.store, progress=False, processes=1)
        gov.register("rescore", {"after": rid}, a["scoring"].get("nodes_written", 0))
    return a


def reject(gov: Governance, rid: str, *, reason: str) -> dict[str, Any]:
    """Refuse application ``rid`` with a reason; the record stays on the lists."""
    if not (reason or "").strip():
        raise GovernanceError("refusing a repair needs the reviewer's reason")
    a = gov.state.update("repairs", rid, expect={"status": "pending"}, status="rejected", reason=reason.strip(),
                         decided_by=gov.user, decided_at=now())
    gov.register("repair.reject", {"repair": rid, "record": a["record"], "reason": reason})
    return a
