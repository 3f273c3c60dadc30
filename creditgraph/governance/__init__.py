"""Record governance (issue 24): lifecycle and expiry, objections, credit repair, watchlists and
alerts, published red/black lists.

What scoring and the lists must see is written onto the record nodes (the ``record_status``
block of ``graph/schema.yaml``, through ``graph/governance.py``); the cases themselves —
objections, repair applications, watchlists, alerts, run snapshots and editions — live under
``<data dir>/governance/`` (:mod:`.state`). Every step is a query-register entry.

Modules: :mod:`.rules` (the lifecycle table), :mod:`.lifecycle` (expire, re-assert status after
a reload), :mod:`.objections`, :mod:`.repair`, :mod:`.alerts`, :mod:`.lists` and :mod:`.publish`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from creditgraph import collector
from creditgraph.audit import AuditLog
from creditgraph.governance.rules import Rules, rules
from creditgraph.governance.state import GovernanceError, State

__all__ = ["Governance", "GovernanceError", "State", "from_settings", "after"]


@dataclass
class Governance:
    """What every governance step needs: the graph store, the governance state, the query
    register, who acts, and the lifecycle table. Built by entry points (CLI, explorer, tests)."""

    store: Any  # a BoltGraphStore: read_rows / write_rows run graph/governance.py's queries
    state: State
    audit: AuditLog
    user: str
    rules: Rules = field(default_factory=rules)

    def register(self, action: str, query: dict[str, Any], results: int = 1, *, outcome: str | None = None) -> None:
        self.audit.record(f"governance.{action}", query, results, outcome=outcome)


def from_settings(settings, store) -> Governance:
    """The governance desk of a deployment: state under ``<data dir>/governance``, the sealed register."""
    from creditgraph.audit import seal_key

    audit = AuditLog(settings.data_dir / "audit" / "queries.jsonl", settings.user,
                     seal_key=seal_key(settings.id_hash_key.get_secret_value()))
    return Governance(store, State.of(settings.data_dir), audit, settings.user)


def after(settings, store, what: str, *, snapshot: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a ``load`` or ``score`` command calls when it has finished: re-assert governance
    decisions a reload may have overwritten (after a load), then snapshot the store (or take
    ``snapshot``, one a :class:`SnapshotTaker` took during the score) and raise the alerts of the
    difference with the last run. Returns ``{"reasserted": …, "run": …}``."""
    from creditgraph.governance.alerts import record_run
    from creditgraph.governance.lifecycle import sync

    gov = from_settings(settings, store)
    with collector.paused():  # the snapshot reads the whole store (creditgraph/collector.py)
        reasserted = sync(gov) if what == "load" else {}
        return {"reasserted": reasserted, "run": record_run(gov, what, snapshot)}


class SnapshotTaker:
    """Hand to :func:`creditgraph.scoring.run_scoring` as ``snapshot=``: it takes the governance
    snapshot from the tables the score read and the clusters it writes, before the write-back, so
    :func:`after` need not read the whole store again; ``.taken`` is then the snapshot (or None)."""

    def __init__(self) -> None:
        self.taken: dict[str, Any] | None = None

    def __call__(self, frames, clusters: dict[str, str]) -> None:
        from creditgraph.governance.alerts import snapshot

        self.taken = snapshot(None, frames=frames, clusters=clusters)
