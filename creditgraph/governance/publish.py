"""Published editions of the 红榜 and 黑榜: CSV + PDF with the rules, counts and date, signed.

``publish_lists`` computes both lists as of a date (:mod:`.lists`), diffs them with the last
edition, and writes ``<data dir>/governance/editions/<id>-<date>/``: ``blacklist.csv``,
``redlist.csv``, ``lists.pdf``, ``diff.json`` and ``manifest.json``. The signature: a register
entry names the edition and the SHA-256 of each file, then an audit checkpoint (HMAC with
``CREDITGRAPH_AUDIT_KEY``, :func:`creditgraph.audit.make_checkpoint`) anchors the register up to
that entry; the checkpoint goes into the manifest and ``<data dir>/audit/checkpoints.jsonl``, so
``creditgraph audit verify`` checks it and the files can be checked against the entry it covers.
Every edition is kept; editions are never rewritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd

from creditgraph.audit import make_checkpoint, write_checkpoint
from creditgraph.errors import ReportError
from creditgraph.governance import Governance
from creditgraph.governance.lists import blacklist, read_frames, redlist
from creditgraph.governance.state import GovernanceError, now

__all__ = ["publish_lists", "diff_editions", "editions", "verify_edition"]

_FILES = ("blacklist.csv", "redlist.csv", "lists.pdf", "diff.json")


def editions(gov: Governance) -> list[dict[str, Any]]:
    """Every published edition, oldest first."""
    return gov.state.rows("editions")


def diff_editions(old: dict[str, pd.DataFrame] | None, new: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """What changed between two editions, per list: entities ``added`` and ``removed`` (with
    names) and, on the 黑榜, entities whose case count ``changed``. Pure."""
    out: dict[str, Any] = {}
    for name, t in new.items():
        before = old.get(name) if old else None
        before = before if before is not None else pd.DataFrame(columns=t.columns)
        a, b = before.set_index("entity"), t.set_index("entity")
        added, removed = sorted(set(b.index) - set(a.index)), sorted(set(a.index) - set(b.index))
        part: dict[str, Any] = {"added": [{"entity": k, "name": b.at[k, "name"]} for k in added],
                                "removed": [{"entity": k, "name": a.at[k, "name"]} for k in removed]}
        if "cases" in t.columns:
            both = sorted(set(a.index) & set(b.index))
            part["changed"] = [{"entity": k, "name": b.at[k, "name"],
                                "cases": [int(a.at[k, "cases"]), int(b.at[k, "cases"])]}
                               for k in both if int(a.at[k, "cases"]) != int(b.at[k, "cases"])]
        out[name] = part
    return out


def _read(folder: Path) -> dict[str, pd.DataFrame]:
    return {n: pd.read_csv(folder / f"{n}.csv", dtype={"entity": str, "name": str, "uscc": str}, keep_default_na=False)
            for n in ("blacklist", "redlist")}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def publish_lists(gov: Governance, *, as_of: dt.date, audit_key: str | None, pdf: bool = True) -> dict[str, Any]:
    """Publish the 红榜 and 黑榜 as of ``as_of``: files, diff against the last edition, register
    entry and signed checkpoint. Refused without ``audit_key`` (an unsigned edition could be
    swapped unnoticed). Returns the edition (id, folder, counts, diff summary, checkpoint)."""
    if not audit_key:
        raise GovernanceError("publishing needs CREDITGRAPH_AUDIT_KEY: every edition is signed with an audit "
                              "checkpoint")
    fr = read_frames(gov.store)
    lists = {"blacklist": blacklist(fr, as_of=as_of, table=gov.rules),
             "redlist": redlist(fr, as_of=as_of, table=gov.rules)}
    last = editions(gov)
    previous = _read(gov.state.folder / last[-1]["folder"]) if last else None
    change = diff_editions(previous, lists)
    counts = {n: len(t) for n, t in lists.items()}
    ed = gov.state.insert("editions", as_of=as_of.isoformat(), at=now(), folder="", counts=counts)
    rel = f"editions/{ed['id']}-{as_of.isoformat()}"
    folder = gov.state.folder / rel
    folder.mkdir(parents=True, exist_ok=False)
    for n, t in lists.items():
        t.to_csv(folder / f"{n}.csv", index=False, encoding="utf-8")
    summary = {n: {k: len(v) for k, v in part.items()} for n, part in change.items()}
    (folder / "diff.json").write_text(json.dumps({"since": last[-1]["id"] if last else None, "lists": change},
                                                 ensure_ascii=False, indent=2), encoding="utf-8")
    files = [f for f in _FILES if f != "lists.pdf" or pdf]
    if pdf:
        _pdf(folder / "lists.pdf", gov, ed["id"], as_of, lists, summary, last[-1]["id"] if last else None)
    digests = {f: _sha(folder / f) for f in files}
    gov.register("publish", {"edition": ed["id"], "as_of": as_of.isoformat(), "counts": counts, "files": digests},
                 sum(counts.values()))
    register = gov.audit.path
    cp = make_checkpoint(register, audit_key, by=gov.user)
    write_checkpoint(cp, register.with_name("checkpoints.jsonl"))
    manifest = {"edition": ed["id"], "as_of": as_of.isoformat(), "published_at": ed["at"], "by": gov.user,
                "counts": counts, "since": last[-1]["id"] if last else None, "diff": summary, "files": digests,
                "rules": {"lifecycle": gov.rules.lists, "objections": gov.rules.objections}, "checkpoint": cp}
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    ed = gov.state.update("editions", ed["id"], folder=rel, checkpoint=cp)
    return {**ed, "diff": summary, "path": str(folder)}


def verify_edition(gov: Governance, eid: str, *, audit_key: str) -> list[str]:
    """Problems with a published edition: files that no longer match the register entry its
    checkpoint covers, or a checkpoint whose signature fails. Empty when it is intact."""
    from creditgraph.audit import _sign  # the checkpoint's own signing, not a second copy of it

    ed = gov.state.get("editions", eid)
    folder = gov.state.folder / ed["folder"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    problems = []
    cp = manifest["checkpoint"]
    if _sign(audit_key, cp) != cp["sig"]:
        problems.append("the checkpoint's signature does not match CREDITGRAPH_AUDIT_KEY")
    entry = next((json.loads(e["query"]) for e in gov.audit.entries()[: cp["count"]][::-1]
                  if e["action"] == "governance.publish" and json.loads(e["query"]).get("edition") == eid), None)
    if entry is None:
        problems.append("no publish entry for this edition within the checkpoint")
    else:
        for f, digest in entry["files"].items():
            if not (folder / f).exists() or _sha(folder / f) != digest:
                problems.append(f"{f} differs from what was published")
    return problems


def _pdf(path: Path, gov: Governance, eid: str, as_of: dt.date, lists: dict[str, pd.DataFrame],
         summary: dict[str, dict[str, int]], since: str | None) -> None:
    from fpdf import FPDF

    from creditgraph.fonts import find_cjk_font

    try:
        font, face = find_cjk_font()
    except ReportError as e:
        raise ReportError(f"{e} (or publish with --no-pdf)") from e
    doc = FPDF(format="A4", unit="mm")
    doc.set_auto_page_break(True, margin=12)
    doc.add_font("cjk", fname=str(font), collection_font_number=face)
    doc.set_title(f"红黑榜 {as_of.isoformat()} ({eid})")
    spec = gov.rules.lists
    rows_cap = int(spec.get("pdf_rows", 500))

    def line(text: str, size: float = 9, h: float = 5) -> None:
        doc.set_font("cjk", size=size)
        doc.multi_cell(0, h, text, new_x="LMARGIN", new_y="NEXT")

    def table(t: pd.DataFrame, cols: list[str], widths: list[float]) -> None:
        doc.set_font("cjk", size=7.5)
        doc.set_fill_color(235)
        for c, w in zip(cols, widths):
            doc.cell(w, 5, c, border="B", fill=True)
        doc.ln(5)
        for _, r in t.head(rows_cap).iterrows():
            for c, w in zip(cols, widths):
                text = str(r[c])
                while text and doc.get_string_width(text) > w - 1:
                    text = text[:-2] + "…" if len(text) > 2 else ""
                doc.cell(w, 4.6, text)
            doc.ln(4.6)
        if len(t) > rows_cap:
            line(f"… {len(t) - rows_cap} more rows in the CSV of this edition", 7.5)

    doc.add_page()
    line(f"红黑榜  Red and black lists  ·  {as_of.isoformat()}", 15, 9)
    line(f"Edition {eid} · published {now()} by {gov.user} · since {since or 'none (first edition)'}", 8)
    for name, key in (("黑榜", "blacklist"), ("红榜", "redlist")):
        s = summary[key]
        line(f"{name}: {len(lists[key])} entries; since the last edition +{s['added']} −{s['removed']}"
             + (f", {s['changed']} changed" if "changed" in s else ""), 9)
    line("Rules", 11, 7)
    for key in ("blacklist", "redlist"):
        line(f"{spec.get(key, {}).get('name', key)}: {' '.join(str(spec.get(key, {}).get('rule', '')).split())}", 8)
    line(f"Objections: blacklist_while_open = {gov.rules.objections.get('blacklist_while_open')}. Records that "
         "left the lists (creditgraph/lifecycle.yaml: publicity periods and exits, with their legal sources) are "
         "not counted.", 8)
    line("Signed: the register entry of this edition names each file's SHA-256; the audit checkpoint in "
         "manifest.json anchors it (creditgraph audit verify).", 8)
    doc.add_page()
    line(f"黑榜 · {len(lists['blacklist'])}", 12, 7)
    table(lists["blacklist"], ["name", "kind", "cases", "courts", "unperformed", "last_published", "entity"],
          [38, 14, 10, 40, 20, 20, 44])
    doc.add_page()
    line(f"红榜 · {len(lists['redlist'])}", 12, 7)
    table(lists["redlist"], ["name", "uscc", "founded", "years", "entity"], [60, 40, 22, 12, 52])
    doc.output(str(path))
