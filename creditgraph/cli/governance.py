"""Record governance: expire, objection, repair, watch, alerts, publish (issue 24).

Every command acts as ``CREDITGRAPH_USER`` and leaves register entries; state lives under
``<data dir>/governance`` (creditgraph.governance.state), record status on the record nodes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from creditgraph.cli.common import settings_from
from creditgraph.errors import CreditGraphError

__all__ = ["register"]


@contextmanager
def _desk(args: argparse.Namespace) -> Iterator[Any]:
    from creditgraph.graph.connect import open_store
    from creditgraph.governance import from_settings

    settings = settings_from(args)
    with open_store(settings) as store:
        gov = from_settings(settings, store)
        if getattr(args, "rules", None):
            from creditgraph.governance.rules import load_rules

            gov.rules = load_rules(args.rules)
        yield gov


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (yyyy-mm-dd)") from None


def _print(args: argparse.Namespace, data: Any, lines: list[str]) -> None:
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        for line in lines:
            print(line)


# -- lifecycle ------------------------------------------------------------------------

def cmd_expire(args: argparse.Namespace) -> int:
    from creditgraph.governance.lifecycle import expire, sync

    with _desk(args) as gov:
        synced = sync(gov)
        out = expire(gov, as_of=args.as_of)
    out["reasserted"] = synced
    _print(args, out, [f"checked {out['checked']} records as of {out['as_of']}; took {out['taken_off']} off the lists"]
           + [f"  {k:<40} {n:>8}" for k, n in out["by"].items()]
           + ([f"re-asserted after the last load: {synced}"] if synced else []))
    return 0


# -- objections -----------------------------------------------------------------------

def cmd_objection(args: argparse.Namespace) -> int:
    from creditgraph.governance import objections as ob

    with _desk(args) as gov:
        if args.action == "file":
            o = ob.file(gov, args.record, args.grounds, subject=args.subject)
            _print(args, o, [f"{o['id']}: objection filed on {o['record']}; it shows 异议中 until decided"])
        elif args.action == "uphold":
            correction = dict(_pair(p) for p in args.correct or [])
            decision = "corrected" if correction else "withdrawn"
            if not (args.withdraw or correction):
                raise CreditGraphError("uphold with --withdraw, or --correct FIELD=VALUE (repeatable)")
            o = ob.uphold(gov, args.id, decision=decision, reason=args.reason, correction=correction or None,
                          rescore=not args.no_rescore)
            _print(args, o, [f"{o['id']}: upheld, record {o['record']} {decision}"
                             + (" and scores recomputed" if "scoring" in o else "")])
        elif args.action == "reject":
            o = ob.reject(gov, args.id, reason=args.reason)
            _print(args, o, [f"{o['id']}: rejected; {o['record']} stays on the lists"])
        elif args.action == "list":
            rows = gov.state.rows("objections", **({} if args.all else {"status": "open"}))
            _print(args, rows, [f"{o['id']}  {o['status']:<8} {o['record']:<48} {o['filed_at'][:10]}  {o['grounds']}"
                                for o in rows] or ["no objections" if args.all else "no open objections"])
        else:
            s = ob.statistics_of(gov)
            _print(args, s, [f"{k:<24} {v}" for k, v in s.items()])
    return 0


def _pair(text: str) -> tuple[str, str]:
    field, sep, value = text.partition("=")
    if not sep or not field:
        raise CreditGraphError(f"--correct takes FIELD=VALUE, not {text!r}")
    return field.strip(), value


# -- credit repair ----------------------------------------------------------------------

def cmd_repair(args: argparse.Namespace) -> int:
    from creditgraph.governance import repair

    with _desk(args) as gov:
        if args.action == "apply":
            evidence = []
            for e in args.evidence:
                kind, _, rest = e.partition(":")
                ref, _, note = rest.partition(":")
                evidence.append({"kind": kind, "ref": ref, "note": note})
            a = repair.apply(gov, args.record, evidence, applicant=args.applicant)
            _print(args, a, [f"{a['id']}: repair application for {a['record']} filed "
                             f"({len(evidence)} pieces of evidence)"])
        elif args.action == "approve":
            a = repair.approve(gov, args.id, reason=args.reason, rescore=not args.no_rescore)
            _print(args, a, [f"{a['id']}: approved; {a['record']} left the lists"
                             + (" and scores were recomputed" if "scoring" in a else "")])
        elif args.action == "reject":
            a = repair.reject(gov, args.id, reason=args.reason)
            _print(args, a, [f"{a['id']}: refused; {a['record']} stays on the lists"])
        else:
            rows = gov.state.rows("repairs", **({} if args.all else {"status": "pending"}))
            _print(args, rows, [f"{a['id']}  {a['status']:<8} {a['record']:<48} {a['filed_at'][:10]}  "
                                f"{', '.join(e['kind'] for e in a['evidence'])}" for a in rows] or ["no applications"])
    return 0


# -- watchlists and alerts ----------------------------------------------------------------

def cmd_watch(args: argparse.Namespace) -> int:
    from creditgraph.governance import alerts

    with _desk(args) as gov:
        if args.action == "follow":
            w = alerts.follow(gov, args.kind, args.target, note=args.note)
            _print(args, w, [f"{w['id']}: {w['owner']} follows {w['kind']} {w['target']}"])
        elif args.action == "unfollow":
            alerts.unfollow(gov, args.id)
            print(f"{args.id}: no longer followed")
        else:
            rows = gov.state.rows("watchlists")
            _print(args, rows, [f"{w['id']}  {w['owner']:<16} {w['kind']:<8} {w['target']}" for w in rows]
                   or ["nobody follows anything yet: creditgraph watch follow entity|cluster|list TARGET"])
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    from creditgraph.governance import alerts

    action = args.action or "list"
    with _desk(args) as gov:
        if action == "run":
            run = alerts.record_run(gov, args.after)
            _print(args, run, [f"{run['id']}: snapshot of {run['facts']} facts after {args.after}; "
                               f"{len(run['alerts'])} alerts raised"]
                   + [f"  {a['id']} {a['detail']['text']}" for a in run["alerts"]])
        elif action == "confirm":
            a = alerts.confirm(gov, args.id, note=args.note or "")
            print(f"{a['id']}: confirmed")
        elif action == "dismiss":
            a = alerts.dismiss(gov, args.id, reason=args.reason)
            print(f"{a['id']}: dismissed ({a['reason']})")
        else:
            rows = alerts.queue(gov, status=None if getattr(args, "all", False) else "open",
                                owner=None if getattr(args, "everyone", True) else gov.user)
            _print(args, rows, [f"{a['id']}  {a['status']:<9} {a['kind']:<20} {a['detail']['text']}" for a in rows]
                   or ["no open alerts"])
    return 0


# -- publication --------------------------------------------------------------------------

def cmd_publish(args: argparse.Namespace) -> int:
    from creditgraph.governance.publish import editions, publish_lists, verify_edition

    settings = settings_from(args)
    key = settings.audit_key.get_secret_value() if settings.audit_key else None
    with _desk(args) as gov:
        if args.what == "lists":
            ed = publish_lists(gov, as_of=args.as_of or dt.date.today(), audit_key=key, pdf=not args.no_pdf)
            _print(args, ed, [f"{ed['id']}: 黑榜 {ed['counts']['blacklist']}, 红榜 {ed['counts']['redlist']} as of "
                              f"{ed['as_of']} in {ed['path']}",
                              "since the last edition: " + "; ".join(f"{n} +{d['added']} −{d['removed']}"
                                                                     for n, d in ed["diff"].items())])
        elif args.what == "editions":
            rows = editions(gov)
            _print(args, rows, [f"{e['id']}  {e['as_of']}  {e['at']}  {e['counts']}  {e['folder']}" for e in rows]
                   or ["nothing published yet"])
        else:
            if not key:
                raise CreditGraphError("verifying an edition needs CREDITGRAPH_AUDIT_KEY")
            problems = verify_edition(gov, args.id, audit_key=key)
            _print(args, problems, [f"{args.id}: intact"] if not problems else [f"{args.id}: {p}" for p in problems])
            return 1 if problems else 0
    return 0


def register(sub, store: argparse.ArgumentParser) -> None:
    s = sub.add_parser("expire", parents=[store], help="take records past their publicity period off the lists "
                       "(creditgraph/lifecycle.yaml); re-assert objections, corrections and repairs after a load")
    s.add_argument("--as-of", type=_date, help="the day to apply the rules on (default today)")
    s.add_argument("--rules", type=Path, help="a lifecycle table other than creditgraph/lifecycle.yaml")
    s.add_argument("--json", action="store_true", help="print the summary as JSON")
    s.set_defaults(func=cmd_expire, store_key="read")

    s = sub.add_parser("objection", help="objections to a record (异议): file, uphold, reject, list, stats")
    osub = s.add_subparsers(dest="action", required=True)
    o = osub.add_parser("file", parents=[store], help="file an objection; the record shows 异议中 until decided")
    o.add_argument("record", help="the record's key (dr:…, rs:…, ab:…, pn:…)")
    o.add_argument("--grounds", required=True, help="what the subject says is wrong")
    o.add_argument("--subject", help="the objecting person's or firm's key")
    o = osub.add_parser("uphold", parents=[store], help="uphold: withdraw the record, or correct fields")
    o.add_argument("id", help="the objection's id (objection list)")
    how = o.add_mutually_exclusive_group(required=True)
    how.add_argument("--withdraw", action="store_true", help="take the record off the lists (kept, marked withdrawn)")
    how.add_argument("--correct", action="append", metavar="FIELD=VALUE", help="a corrected field (repeatable)")
    o.add_argument("--reason", required=True, help="the reviewer's reason, in the register")
    o.add_argument("--no-rescore", action="store_true", help="do not recompute scores now")
    o = osub.add_parser("reject", parents=[store], help="reject, with the reason; the record stays")
    o.add_argument("id", help="the objection's id (objection list)")
    o.add_argument("--reason", required=True, help="why it is rejected, in the register")
    o = osub.add_parser("list", parents=[store], help="open objections (--all: every one)")
    o.add_argument("--all", action="store_true", help="decided objections too")
    o = osub.add_parser("stats", parents=[store], help="open, upheld, rejected; median days to decide")
    for p in osub.choices.values():
        p.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_objection, store_key="read")

    s = sub.add_parser("repair", help="credit repair (信用修复): apply with evidence, approve, reject, list")
    rsub = s.add_subparsers(dest="action", required=True)
    r = rsub.add_parser("apply", parents=[store], help="apply for a record to leave the lists")
    r.add_argument("record", help="the record's key (dr:…, rs:…, ab:…, pn:…)")
    r.add_argument("--evidence", action="append", required=True, metavar="KIND:REF[:NOTE]",
                   help="performance, settlement, lifting_notice, training_certificate, commitment or other "
                        "(repeatable)")
    r.add_argument("--applicant", help="the applicant's key")
    r = rsub.add_parser("approve", parents=[store], help="approve: the record exits and scores are recomputed")
    r.add_argument("id", help="the application's id (repair list)")
    r.add_argument("--reason", required=True, help="the reviewer's reason, in the register")
    r.add_argument("--no-rescore", action="store_true", help="do not recompute scores now")
    r = rsub.add_parser("reject", parents=[store], help="refuse, with the reason")
    r.add_argument("id", help="the application's id (repair list)")
    r.add_argument("--reason", required=True, help="why it is refused, in the register")
    r = rsub.add_parser("list", parents=[store], help="pending applications (--all: every one)")
    r.add_argument("--all", action="store_true", help="decided applications too")
    for p in rsub.choices.values():
        p.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_repair, store_key="read")

    s = sub.add_parser("watch", help="watchlists: follow an entity, a cluster or a list of debtors")
    wsub = s.add_subparsers(dest="action", required=True)
    w = wsub.add_parser("follow", parents=[store], help="follow an entity, a cluster or a list")
    w.add_argument("kind", choices=["entity", "cluster", "list"], help="what to follow")
    w.add_argument("target", help="an entity key, a cluster id (cl-00012), or `all` / `court=<court>`")
    w.add_argument("--note", help="why it is followed")
    w = wsub.add_parser("unfollow", parents=[store], help="stop following")
    w.add_argument("id", help="the watch's id (watch list)")
    w = wsub.add_parser("list", parents=[store], help="what is followed")
    for p in wsub.choices.values():
        p.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_watch, store_key="read")

    s = sub.add_parser("alerts", parents=[store], help="the alert queue; `alerts run --after load|score` diffs the "
                       "store with the last run and raises alerts for what is followed")
    s.add_argument("--all", action="store_true", help="decided alerts too")
    s.add_argument("--json", action="store_true", help="print JSON")
    asub = s.add_subparsers(dest="action", required=False)
    a = asub.add_parser("run", parents=[store],
                        help="snapshot now, raise the alerts of the difference with the last run")
    a.add_argument("--after", choices=["load", "score", "manual"], default="manual",
                   help="what the run follows (recorded with it)")
    a.add_argument("--json", action="store_true", help="print JSON")
    a = asub.add_parser("confirm", parents=[store], help="confirm an alert")
    a.add_argument("id", help="the alert's id (alerts)")
    a.add_argument("--note", help="a note kept with it")
    a = asub.add_parser("dismiss", parents=[store], help="dismiss an alert, with the reason")
    a.add_argument("id", help="the alert's id (alerts)")
    a.add_argument("--reason", required=True, help="why it is dismissed")
    s.set_defaults(func=cmd_alerts, store_key="read")

    s = sub.add_parser("publish", help="publish the 红榜/黑榜 (CSV + PDF, signed), list editions, verify one")
    psub = s.add_subparsers(dest="what", required=True)
    p = psub.add_parser("lists", parents=[store], help="an edition as of a date, diffed with the last one")
    p.add_argument("--as-of", type=_date, help="the edition's date (default today)")
    p.add_argument("--no-pdf", action="store_true", help="CSV only (no CJK font at hand)")
    p.add_argument("--rules", type=Path, help="a lifecycle table other than creditgraph/lifecycle.yaml")
    p = psub.add_parser("editions", parents=[store], help="every published edition")
    p = psub.add_parser("verify", parents=[store], help="check an edition's files against its signed register entry")
    p.add_argument("id", help="the edition's id (publish editions)")
    for p in psub.choices.values():
        p.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_publish, store_key="read")
