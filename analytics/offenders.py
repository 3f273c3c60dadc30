"""Repeat offenders and hidden assets, on an exported, resolved graph.

**Repeat offenders.** For every resolved person or firm: its distinct 失信 cases (any record
of the entity, across sources and list layouts), the courts and years they span, its
restriction orders, the unperformed amount, and — for people — how many firms they ran as
legal rep that became dishonest themselves (serial default). Flagged by definition, not by a
tuned weight: listed in :data:`REPEAT_CASES` or more cases, or legal rep of
:data:`SERIAL_FIRMS` or more firms that each became dishonest.

**Hidden assets.** For a debtor (a dishonest firm, its legal rep and owners, or a dishonest
person): firms founded, or stakes taken, by the debtor or an associate (someone who shares a
firm with them, or family-like: same surname and birthplace) within
:data:`HIDING_WINDOW_DAYS` after the judgment the listing enforces,
and new firms that give the debtor's phone or address (同电话 / 同地址, where at most five
firms share it — an office tower's address says nothing).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import networkx as nx
import pandas as pd

__all__ = ["REPEAT_CASES", "SERIAL_FIRMS", "HIDING_WINDOW_DAYS", "repeat_offenders", "hidden_assets"]

REPEAT_CASES = 3          # "repeatedly" listed: three or more enforcement cases
SERIAL_FIRMS = 2          # two or more of one's firms listed in turn
HIDING_WINDOW_DAYS = 365  # asset moves within a year of the judgment
_ROLE_EDGES = ("LEGAL_REP_OF", "OFFICER_OF", "SHAREHOLDER_OF")


def _date(v) -> dt.date | None:
    return dt.date.fromisoformat(str(v)[:10]) if v else None


def _amount(v) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return 0.0


def repeat_offenders(G: nx.MultiDiGraph) -> pd.DataFrame:
    """One row per resolved entity with at least one dishonest record."""
    label = nx.get_node_attributes(G, "label")
    ent = lambda n: G.nodes[n].get("resolved") or n
    cases: dict[str, set[str]] = defaultdict(set)
    courts: dict[str, set[str]] = defaultdict(set)
    years: dict[str, set[int]] = defaultdict(set)
    restrictions: dict[str, set[str]] = defaultdict(set)
    unperformed: dict[str, float] = defaultdict(float)
    last: dict[str, str] = {}
    kind: dict[str, str] = {}
    for u, v, d in G.edges(data=True):
        if d["type"] != "LISTED_IN" or label.get(u) not in ("Person", "Company"):
            continue
        e, rec = ent(u), G.nodes[v]
        kind[e] = label[u]
        if label.get(v) == "DishonestRecord":
            if rec["case_no"] not in cases[e]:
                unperformed[e] += _amount(rec.get("unperformed_amount"))
            cases[e].add(rec["case_no"])
            courts[e].add(rec.get("court") or "")
            if (filed := _date(rec.get("filed"))):
                years[e].add(filed.year)
            last[e] = max(last.get(e, ""), str(rec.get("published") or ""))
        elif label.get(v) == "Restriction" and d.get("match") != "restricted_person":
            restrictions[e].add(rec["case_no"])
    dishonest_firms = {e for e in cases if kind[e] == "Company"}
    serial: dict[str, set[str]] = defaultdict(set)
    for u, v, d in G.edges(data=True):
        if d["type"] == "LEGAL_REP_OF" and label.get(u) == "Person" and ent(v) in dishonest_firms:
            serial[ent(u)].add(ent(v))
    rows = {}
    for e in set(cases) | {p for p, fs in serial.items() if len(fs) >= SERIAL_FIRMS}:
        n, s = len(cases.get(e, ())), len(serial.get(e, ()))
        rows[e] = {"kind": kind.get(e, "Person"), "cases": n, "courts": len(courts.get(e, set()) - {""}),
                   "years": len(years.get(e, ())), "restrictions": len(restrictions.get(e, ())),
                   "unperformed": unperformed.get(e, 0.0), "last_published": last.get(e, ""),
                   "serial_firms": s, "flag": n >= REPEAT_CASES or s >= SERIAL_FIRMS,
                   "reason": "; ".join(filter(None, [
                       f"{n} dishonest cases in {len(courts.get(e, ()) - {''})} courts over {len(years.get(e, ()))} years" if n else "",
                       f"legal rep of {s} firms that each became dishonest" if s else ""]))}
    return pd.DataFrame.from_dict(rows, orient="index").sort_values(["flag", "cases", "serial_firms"], ascending=False) \
        if rows else pd.DataFrame(columns=["kind", "cases", "flag", "reason"])


def hidden_assets(G: nx.MultiDiGraph) -> pd.DataFrame:
    """Firms founded, or stakes taken, by a debtor or an associate soon after a judgment."""
    label = nx.get_node_attributes(G, "label")
    ent = lambda n: G.nodes[n].get("resolved") or n
    judged = {G.nodes[n]["case_no"]: _date(G.nodes[n].get("judgment_date"))
              for n in G if label.get(n) == "Case" and G.nodes[n].get("judgment_date")}
    firms_of: dict[str, set[str]] = defaultdict(set)       # person entity → firm entities
    people_of: dict[str, set[str]] = defaultdict(set)      # firm entity → person entities
    stakes: list[tuple[str, str, dt.date | None]] = []     # person entity, firm entity, since
    for u, v, d in G.edges(data=True):
        if d["type"] in _ROLE_EDGES and label.get(u) == "Person" and label.get(v) == "Company":
            firms_of[ent(u)].add(ent(v))
            people_of[ent(v)].add(ent(u))
            if d["type"] == "SHAREHOLDER_OF":
                stakes.append((ent(u), ent(v), _date(d.get("since"))))
    founded = {ent(n): _date(G.nodes[n].get("founded")) for n in G if label.get(n) == "Company" and G.nodes[n].get("founded")}
    contact: dict[str, set[str]] = defaultdict(set)        # firm entity → its phone and address nodes
    sharing: dict[str, set[str]] = defaultdict(set)        # phone / address node → firm entities
    for u, v, d in G.edges(data=True):
        if d["type"] in ("HAS_PHONE", "REGISTERED_AT") and label.get(u) == "Company":
            contact[ent(u)].add(v)
            sharing[v].add(ent(u))
    new_stakes: dict[str, list[tuple[str, dt.date]]] = defaultdict(list)
    for p, f, since in stakes:
        if since and founded.get(f) and since > founded[f]:  # taken after the firm was set up: a transfer
            new_stakes[p].append((f, since))
    # family-like ties: same surname and same birthplace (ID region) as the debtor
    kin_key = {}
    for n, d in G.nodes(data=True):
        if label.get(n) == "Person" and d.get("name") and len(str(d.get("id_masked") or "")) == 18 \
                and "*" not in d["id_masked"][:6]:
            kin_key[ent(n)] = (d["name"][0], d["id_masked"][:6])
    kin_stakes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for p in new_stakes:
        if p in kin_key:
            kin_stakes[kin_key[p]].append(p)
    findings = []
    window = dt.timedelta(days=HIDING_WINDOW_DAYS)
    for u, v, d in G.edges(data=True):
        if d["type"] != "LISTED_IN" or label.get(v) != "DishonestRecord":
            continue
        rec = G.nodes[v]
        start, end = judged.get(rec.get("basis_doc_no") or ""), None
        if start:
            end = start + window
        elif rec.get("filed"):  # judgment not published: it came 2 months to a year before the filing
            filed = _date(rec["filed"])
            start, end = filed - dt.timedelta(days=400), filed + window
        else:
            continue
        debtor = ent(u)
        if label[u] == "Company":   # its people: owners, officers, legal rep
            own, associates = {debtor}, people_of[debtor]
        else:                       # the person and everyone who shares a firm with them
            own, associates = set(), {debtor} | {p for f in firms_of[debtor] for p in people_of[f]}
        for p in associates:
            for f in firms_of[p] - own:
                if founded.get(f) and start < founded[f] <= end:
                    findings.append((debtor, rec["case_no"], f, "new_firm", p, "associate", str(start), str(founded[f])))
            for f, since in new_stakes.get(p, ()):
                if start < since <= end and f != debtor:
                    findings.append((debtor, rec["case_no"], f, "equity_transfer", p, "associate", str(start), str(since)))
        for p in ({debtor} if label[u] == "Person" else associates & set(kin_key)):
            for kin in kin_stakes.get(kin_key.get(p), ()):
                if kin == p:
                    continue
                for f, since in new_stakes[kin]:
                    if start < since <= end and f not in own:
                        findings.append((debtor, rec["case_no"], f, "equity_transfer", kin, "family-like", str(start), str(since)))
        # 同电话 / 同地址: a new firm giving the debtor's (or its firms') phone or address
        for f0 in own | firms_of[debtor]:
            for c in contact[f0]:
                for f in sharing[c] - own - {f0}:
                    if founded.get(f) and start < founded[f] <= end and len(sharing[c]) <= 5:
                        findings.append((debtor, rec["case_no"], f, "new_firm", c, "shared contact", str(start), str(founded[f])))
    cols = ["debtor", "case_no", "firm", "mode", "via", "tie", "judged", "moved_on"]
    df = pd.DataFrame(findings, columns=cols)
    if df.empty:
        return df.assign(strength=pd.Series(dtype=int))
    # strength: how many kinds of tie point from this debtor to this firm (associate, family-like, contact)
    ties = df.groupby(["debtor", "firm"])["tie"].agg(lambda t: ", ".join(sorted(set(t)))).rename("ties")
    df = df.drop_duplicates(["debtor", "firm", "mode"]).join(ties, on=["debtor", "firm"])
    df["strength"] = df["ties"].str.count(",") + 1
    return df.sort_values(["strength", "moved_on"], ascending=[False, True]).reset_index(drop=True)
