"""``creditgraph audit``: verify, checkpoint and export the query register."""

from __future__ import annotations

import argparse
import json
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from creditgraph.cli.common import audit_log, log, register_path, settings_from


def cmd_audit(args: argparse.Namespace) -> int:
    """The query register: verify it (and repair a torn last line), checkpoint it, export it."""
    from creditgraph.audit import AuditError, make_checkpoint, read_checkpoints, verify_register, write_checkpoint
    from creditgraph.audit import seal_key
    from creditgraph.graph.checkpoints import store_checkpoint, stored_checkpoints

    settings = settings_from(args)
    register = register_path(settings)
    local = register.with_name("checkpoints.jsonl")
    audit_key = settings.audit_key.get_secret_value() if settings.audit_key else None
    seal = seal_key(settings.id_hash_key.get_secret_value())

    shipped = getattr(args, "checkpoints", None) or []

    def verdict():
        with existing_store(settings) as store:
            in_store = stored_checkpoints(store, register.name) if store is not None else []
        return verify_register(register, checkpoints=read_checkpoints([local, *shipped]) + in_store,
                               audit_key=audit_key, seal_key=seal, strict=getattr(args, "strict", False))

    if args.action == "checkpoint":
        if not audit_key:
            raise AuditError("a checkpoint is signed with CREDITGRAPH_AUDIT_KEY, which is not set: set it "
                             "(env or .env) for the operator who anchors the register — never for the explorer")
        v = verdict()
        if not v.ok:
            raise AuditError("the register does not verify, and a checkpoint would anchor it as it is: "
                             + "; ".join(v.problems))
        cp = make_checkpoint(register, audit_key, by=settings.user)
        for out in [local, *([args.out] if args.out else [])]:
            write_checkpoint(cp, out)
        with existing_store(settings) as store:
            kept = store_checkpoint(store, cp) if store is not None else None
        print(f"checkpoint: {cp['count']} entries, last {cp['last'][:16]}…, {cp['at']} -> {local}"
              + (f" and {args.out}" if args.out else "") + (" and the store" if kept else ""))
        return 0
    if args.action == "verify" and args.repair:
        from creditgraph.audit import AuditLog

        fixed = AuditLog(register, settings.user, seal_key=seal).repair()
        if fixed:
            print(f"repaired: cut a torn last line of {json.loads(fixed['query'])['torn_bytes']} bytes; "
                  "the cut is recorded in the register")
    v = verdict()
    if args.action == "export":
        audit_log(settings).record("audit-export", {"out": str(args.out)}, v.entries)  # reading the register is a read
        _export_register(register, args.out, anchored=v.anchored)
        print(f"exported {v.entries} entries to {args.out}")
    if getattr(args, "json", False):
        print(json.dumps(v.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(f"register {register}: {v.entries} entries, {v.anchored} anchored by {v.checkpoints} checkpoint(s)")
        for p in v.problems:
            print(f"TAMPERED: {p}")
        for n in v.notes:
            print(f"note: {n}")
        print("verified" if v.ok else "NOT verified")
    return 0 if v.ok else 1


def _export_register(register: Path, out: Path, *, anchored: int) -> None:
    """The register as CSV (``.csv``) or JSON lines, each entry with its line number and whether a
    checkpoint anchors it."""
    import csv

    rows = []
    if register.exists():
        for n, line in enumerate(register.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            try:
                e = json.loads(line)
            except ValueError:
                e = {"outcome": "unreadable line"}
            rows.append({"line": n, "anchored": n <= anchored, **{k: e.get(k) for k in
                         ("at", "user", "action", "query", "results", "outcome", "prev", "seal")}})
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".csv":
        with out.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=["line", "anchored", "at", "user", "action", "query", "results",
                                               "outcome", "prev", "seal"])
            w.writeheader()
            w.writerows(rows)
    else:
        out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


@contextmanager
def existing_store(settings) -> Iterator[Any]:
    """The deployment's store when there is one (Neo4j configured, or an embedded store already in
    the data dir), else ``None``: a register kept without a store has its checkpoints in files only."""
    from creditgraph.graph.checkpoints import keeps_checkpoints
    from creditgraph.graph.connect import open_store

    if not settings.use_neo4j and not settings.embedded_dir.exists():
        log.info("no store in %s: the checkpoints are in files only", settings.data_dir)
        yield None
        return
    with open_store(settings, ensure_schema=False) as store:
        yield store if keeps_checkpoints(store) else None


def register(sub, store: argparse.ArgumentParser) -> None:
    s = sub.add_parser("audit", help="the query register: verify, checkpoint, export")
    asub = s.add_subparsers(dest="action", required=True)
    checkpoints = argparse.ArgumentParser(add_help=False, parents=[store])
    checkpoints.add_argument("--checkpoints", type=Path, action="append", metavar="FILE",
                             help="a checkpoint file kept elsewhere (repeatable); <data dir>/audit/checkpoints.jsonl "
                                  "is always read")
    a = asub.add_parser("verify", parents=[checkpoints], help="check the chain, the seals and every checkpoint")
    a.add_argument("--repair", action="store_true", help="cut a torn last line first (recorded in the register)")
    a.add_argument("--strict", action="store_true", help="an unsealed entry after the last checkpoint fails")
    a.add_argument("--json", action="store_true", help="print the verdict as JSON")
    a = asub.add_parser("checkpoint", parents=[checkpoints],
                        help="sign (count, last hash, time) with CREDITGRAPH_AUDIT_KEY")
    a.add_argument("--out", type=Path, help="also append the checkpoint to this file (ship it elsewhere)")
    a = asub.add_parser("export", parents=[checkpoints], help="write the register as CSV or JSON lines, verified")
    a.add_argument("--out", type=Path, required=True, help="*.csv, or JSON lines otherwise")
    s.set_defaults(func=cmd_audit)
