"""Repeat offenders and hidden assets, on an exported, resolved graph.

**Repeat offenders.** For every resolved person or firm: its distinct 失信 cases (any record
of the entity, across sources and list layouts), the courts and years they span, its
restriction orders, the unperformed amount, and — for people — how many firms they ran as
legal rep that became dishonest themselves (serial default; without ID numbers, the dishonest
firms that legal reps of one name opened each after the last one's listing:
:func:`~creditgraph.analytics.succession.succession`, which dates a firm without a published
founding by its earliest subscription, term or enforcement filing).
Flagged by definition, not by a
tuned weight: listed in :data:`REPEAT_CASES` or more cases, or legal rep of
:data:`SERIAL_FIRMS` or more firms that each became dishonest.

**Hidden assets.** For a debtor (a dishonest firm, its legal rep and owners, or a dishonest
person): firms founded, or stakes taken, by the debtor or an associate (someone who shares a
firm with them, or family-like: same surname and birthplace) within
:data:`HIDING_WINDOW_DAYS` after the judgment the listing enforces (a firm without a founding
date is dated by its first shareholder's subscription),
and new firms that give the debtor's phone or address (同电话 / 同地址, where at most five
firms share it — an office tower's address says nothing). Surname and birthplace make a family
only where few people share them: a family-like tie is read against chance as a namesake is
(the key's other people × the share of readable people who took a stake in the window) and,
where chance would give it :data:`NAMESAKE_CHANCE` times or more, is no finding, only a weak
lead (``weak=True``). Where the registry shows no ID to
resolve people by, a **namesake** lead: a person of the debtor firm who bears its legal rep's
surname (the rep included), and a record of the same full name, not resolved to them, that
founds a firm or takes a stake in the window — kept where chance would give fewer than
:data:`NAMESAKE_CHANCE` such records (the name's other firms × the share of all name-firm
records founded, or transferred, in that window: a rare name met again right after the
judgment, not a common one). A namesake lead is weaker than the other ties: it counts in
no ``strength`` and ranks a firm only behind every firm with a tie, by its chance — unless
chance would give such a record less than :data:`NAMESAKE_SAME_PERSON` times (1 in 100): then
the two records are one person as surely as a resolved link must be (person-link precision
≥ 0.99), and the lead counts as one tie in ``strength``, as a resolved associate's would.
Leads of commoner names (chance ≥ :data:`NAMESAKE_CHANCE`) are no finding; asked for
(``weak=True``) they still order the hiding ranking below every finding, by their chance —
a same-named relative's firm opened in the window is a better place to look than a firm
nothing points at. Where the files date no move at all (a blank founding, an undated stake), an
**undated lead** (:func:`~.namesakes.undated_leads`, ``weak=True`` only): a relative of the
debtor firm (its rep's surname, not the rep) controls a firm whose move nothing dates, under a
record resolved to them or of a name rare enough that chance gives such a record less than
:data:`NAMESAKE_CHANCE` times. It finds nothing; it ranks after every finding and before the
commoner-named timing leads.

Both run as joins and group-bys over the graph's columns (:mod:`.frames`), not per record in
Python: a debtor's associates, their firms and stakes, kin and shared contacts are each one
merge, then one filter on the date window. O(edges + candidate pairs); the largest candidate
set is kin (same surname and birthplace) who took a stake in an existing firm.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from creditgraph.analytics.frames import NO_DAY, GraphFrames, days, graph_frames, iso
from creditgraph.analytics.namesakes import UNDATED_PART, in_window, namesake_leads, undated_leads
from creditgraph.analytics.succession import SUCCESSOR_DAYS, succession

__all__ = ["REPEAT_CASES", "SERIAL_FIRMS", "HIDING_WINDOW_DAYS", "SUCCESSOR_DAYS", "MAX_SHARING", "NAMESAKE_CHANCE",
           "NAMESAKE_SAME_PERSON",
           "repeat_offenders", "hidden_assets"]

REPEAT_CASES = 3          # "repeatedly" listed: three or more enforcement cases
SERIAL_FIRMS = 2          # two or more of one's firms listed in turn
HIDING_WINDOW_DAYS = 365  # asset moves within a year of the judgment
MAX_SHARING = 5           # a phone or address given by more firms than this ties nobody
NAMESAKE_CHANCE = 1.0     # a namesake lead counts where chance gives fewer such records than this
NAMESAKE_SAME_PERSON = 0.01  # ... and as one tie in strength below this: the 0.99 person-link precision bar
_UNPUBLISHED_JUDGMENT_DAYS = 400  # a judgment comes 2 months to a year before the filing
_ROLE_EDGES = ("LEGAL_REP_OF", "OFFICER_OF", "SHAREHOLDER_OF")
_TIES = ("associate", "family-like", "shared contact", "namesake")
_STRONG = 0b0111  # the ties that count in a lead's strength (all but namesake)


def _amount(v) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return 0.0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def _reason(cases: int, courts: int, years: int, serial: int) -> str:
    """Why an entity is on the repeat list, in plain words ("1 dishonest case in 1 court in 1 year")."""
    parts = []
    if cases:
        parts.append(f"{_count(cases, 'dishonest case')} in {_count(courts, 'court')} "
                     + (f"over {_count(years, 'year')}" if years != 1 else "in 1 year"))
    if serial:
        parts.append(f"legal rep of {_count(serial, 'firm')} that each became dishonest")
    return "; ".join(parts)


def _listings(fr: GraphFrames, target: str | None) -> pd.DataFrame:
    """LISTED_IN edges from a Person or Company to a ``target``-labelled node (any node with
    ``None``): edge row, entity ``e``, record position ``rec``, and whether the listed node is a
    Company."""
    li = fr.edges_of("LISTED_IN")
    u, v = li["u"].to_numpy(), li["v"].to_numpy()
    keep = fr.is_label(u, "Person", "Company") & (fr.is_label(v, target) if target else True)
    return pd.DataFrame({"row": li["row"].to_numpy()[keep], "e": fr.entity[u[keep]], "rec": v[keep],
                         "company": fr.is_label(u[keep], "Company")})


def repeat_offenders(G: nx.MultiDiGraph, *, frames: GraphFrames | None = None, by_id: bool = False) -> pd.DataFrame:
    """One row per resolved entity with at least one dishonest record, indexed by entity key
    (with ``by_id``, by entity id: position in ``frames.entities``, as the write-back wants it).

    ``frames``: :func:`~creditgraph.analytics.frames.graph_frames` of ``G``, when the caller has it."""
    fr = frames if frames is not None else graph_frames(G)
    d = _listings(fr, "DishonestRecord")
    if d.empty:
        return pd.DataFrame(columns=["kind", "cases", "flag", "reason"])
    rec = d["rec"].to_numpy()
    d["case"] = fr.attr("case_no", rec)
    d["amount"] = [_amount(a) for a in fr.attr("unperformed_amount", rec)]
    d["court"] = [c or "" for c in fr.attr("court", rec)]
    filed = days(fr.attr("filed", rec))
    d["year"] = np.where(filed != NO_DAY, filed.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64)
                         + 1970, -1)
    d["published"] = [str(p or "") for p in fr.attr("published", rec)]
    by = d.groupby("e", sort=False)
    out = pd.DataFrame({"cases": by["case"].nunique()})
    out["courts"] = d[d["court"] != ""].groupby("e")["court"].nunique()
    out["years"] = d[d["year"] >= 0].groupby("e")["year"].nunique()
    r = _listings(fr, "Restriction")
    if len(r):
        match = fr.edge_prop("match", r["row"].to_numpy())
        r = r[match != "restricted_person"].assign(case=lambda x: fr.attr("case_no", x["rec"].to_numpy()))
        out["restrictions"] = r.groupby("e")["case"].nunique()
    else:
        out["restrictions"] = 0
    out["unperformed"] = d.drop_duplicates(["e", "case"]).groupby("e")["amount"].sum()
    out["last_published"] = by["published"].max()
    # kind: the label of the entity's last listed record of any list
    kind = _listings(fr, None).drop_duplicates("e", keep="last").set_index("e")["company"]
    out["kind"] = np.where(kind.reindex(out.index).eq(True).to_numpy(), "Company", "Person")
    # serial default: a person who was legal rep of several firms that each became dishonest
    dishonest_firms = out.index[out["kind"] == "Company"].to_numpy()
    lr = fr.edges_of("LEGAL_REP_OF")
    lu, lv = lr["u"].to_numpy(), lr["v"].to_numpy()
    lr = pd.DataFrame({"p": fr.entity[lu], "f": fr.entity[lv]})[fr.is_label(lu, "Person")]
    lr = lr[np.isin(lr["f"].to_numpy(), dishonest_firms)].drop_duplicates()
    serial = lr.groupby("p")["f"].nunique()
    # without ID numbers a serial defaulter is one record per firm: the firms' succession under
    # one legal-rep name (:func:`.succession.succession`) counts for each of those records
    own = np.zeros(len(fr.entities))
    own[out.index.to_numpy(dtype=np.int64)] = np.where(out["kind"] == "Company", out["cases"].to_numpy(), 0)
    chained = pd.Series(succession(fr, lr, own)[lr["f"].to_numpy()], index=lr["p"].to_numpy())
    serial = pd.concat([serial, chained.groupby(level=0).max()], axis=1).max(axis=1).astype(int)
    extra = serial.index[(serial >= SERIAL_FIRMS).to_numpy()].difference(out.index)
    out = out.reindex(out.index.append(extra))
    out.loc[extra, "kind"] = "Person"
    out["serial_firms"] = serial.reindex(out.index).fillna(0).astype(int)
    for c in ("cases", "courts", "years", "restrictions"):
        out[c] = out[c].fillna(0).astype(int)
    out["unperformed"] = out["unperformed"].fillna(0.0)
    out["last_published"] = out["last_published"].fillna("")
    out["flag"] = (out["cases"] >= REPEAT_CASES) | (out["serial_firms"] >= SERIAL_FIRMS)
    columns = zip(out["cases"], out["courts"], out["years"], out["serial_firms"])
    out["reason"] = [_reason(n, c, y, s) for n, c, y, s in columns]
    if not by_id:
        out.index = pd.Index(fr.entities[out.index.to_numpy()], dtype=object)
    cols = ["kind", "cases", "courts", "years", "restrictions", "unperformed", "last_published", "serial_firms",
            "flag", "reason"]
    return out[cols].sort_values(["flag", "cases", "serial_firms"], ascending=False, kind="stable")


def hidden_assets(G: nx.MultiDiGraph, *, frames: GraphFrames | None = None, weak: bool = False) -> pd.DataFrame:
    """Firms founded, or stakes taken, by a debtor or an associate soon after a judgment.

    One row per (debtor, firm, mode) — ``case_no``, ``via`` (the associate, kin or contact),
    ``tie``, ``judged`` (start of the window), ``moved_on`` — with ``ties`` (every kind of tie
    that points from the debtor to the firm), ``strength`` (how many, a namesake not counted)
    and ``chance`` (a namesake or family-like lead's expected count by chance, :mod:`.namesakes`;
    None without one), strongest first.

    ``frames``: :func:`~creditgraph.analytics.frames.graph_frames` of ``G``, when the caller has it.
    ``weak``: also the namesake and family-like leads that chance would give as often as
    :data:`NAMESAKE_CHANCE` or more (strength 0) — not findings, but they order a ranking below
    every finding (:func:`hiding_firm_ranking`): added after the findings, column ``finding``
    False (True on the findings); and the undated leads (:func:`~.namesakes.undated_leads`:
    ``moved_on`` "", strength 0), column ``dated`` False (True on every other row)."""
    fr = frames if frames is not None else graph_frames(G)
    ne = len(fr.entities)

    # person → firm ties (entities), stakes, founding days
    pf = fr.edges_of(*_ROLE_EDGES)
    u, v = pf["u"].to_numpy(), pf["v"].to_numpy()
    ok = fr.is_label(u, "Person") & fr.is_label(v, "Company")
    roles = pd.DataFrame({"p": fr.entity[u[ok]], "f": fr.entity[v[ok]], "row": pf["row"].to_numpy()[ok],
                          "stake": (pf["type"] == "SHAREHOLDER_OF").to_numpy()[ok],
                          "rep": (pf["type"] == "LEGAL_REP_OF").to_numpy()[ok],
                          "name": pd.Series(fr.attr("name", u[ok]), dtype=object).fillna("").to_numpy()})
    if weak:  # what an undated lead reads: the stake's date and size
        roles["since"] = days(fr.edge_prop("since", roles["row"].to_numpy()))
        roles["ratio"] = pd.to_numeric(pd.Series(fr.edge_prop("ratio", roles["row"].to_numpy())),
                                       errors="coerce").to_numpy()
    ties = roles[["p", "f"]].drop_duplicates()
    companies = fr.of_label("Company")
    fd = days(fr.attr("founded", companies))
    has = fd != NO_DAY
    founded = np.full(ne, NO_DAY, dtype=np.int64)
    last = pd.DataFrame({"e": fr.entity[companies[has]], "d": fd[has]}).drop_duplicates("e", keep="last")
    founded[last["e"].to_numpy()] = last["d"].to_numpy()
    st = roles[roles["stake"]]
    since = days(fr.edge_prop("since", st["row"].to_numpy()))
    # a firm the registry gives no founding date is dated by its first stake: founders subscribe
    # when it is founded (a later transfer is dated after it)
    first = pd.Series(since, index=st["f"].to_numpy())[since != NO_DAY].groupby(level=0).min()
    first = first[founded[first.index.to_numpy()] == NO_DAY]
    founded[first.index.to_numpy()] = first.to_numpy()
    st = pd.DataFrame({"p": st["p"].to_numpy(), "f": st["f"].to_numpy(), "since": since, "name": st["name"].to_numpy()})
    fo = founded[st["f"].to_numpy()]
    new_stakes = st[(since != NO_DAY) & (fo != NO_DAY) & (since > fo)].drop_duplicates()  # a transfer
    named_stakes, new_stakes = new_stakes, new_stakes.drop(columns="name").drop_duplicates()

    # family-like: same surname and birthplace (ID region), for people with a readable ID
    people = fr.of_label("Person")
    name = pd.Series(fr.attr("name", people), dtype="str")  # Arrow strings: C++ string kernels, ~10 bytes a key
    id_no = pd.Series(fr.attr("id_masked", people), dtype="str")
    region = id_no.str.slice(0, 6)
    readable = ((name.str.len() > 0) & (id_no.str.len() == 18) & ~region.str.contains("*", regex=False)) \
        .fillna(False).to_numpy(dtype=bool)
    kin = pd.DataFrame({"p": fr.entity[people][readable],
                        "key": (name.str.slice(0, 1) + "|" + region)[readable].reset_index(drop=True)})
    kin = kin.drop_duplicates("p", keep="last")
    kin_stakers = kin[kin["p"].isin(new_stakes["p"])].rename(columns={"p": "kin"})

    # contacts given by at most MAX_SHARING firms
    ct = fr.edges_of("HAS_PHONE", "REGISTERED_AT")
    cu, cv = ct["u"].to_numpy(), ct["v"].to_numpy()
    ok = fr.is_label(cu, "Company")
    contact = pd.DataFrame({"f": fr.entity[cu[ok]], "c": cv[ok]}).drop_duplicates()
    sharing = contact.groupby("c")["f"].transform("size")
    contact = contact[(sharing <= MAX_SHARING).to_numpy()]

    # the debtors' windows: a year from the judgment the listing enforces
    d = _listings(fr, "DishonestRecord")
    rec = d["rec"].to_numpy()
    case_nodes = fr.of_label("Case")
    jd = days(fr.attr("judgment_date", case_nodes))
    judged = pd.Series(jd[jd != NO_DAY], index=fr.attr("case_no", case_nodes)[jd != NO_DAY])
    judged = judged[~judged.index.duplicated(keep="last")]
    basis = pd.Series([b or "" for b in fr.attr("basis_doc_no", rec)], dtype=object)
    start = judged.reindex(basis).to_numpy()
    filed = days(fr.attr("filed", rec))
    by_filing = np.isnan(start) & (filed != NO_DAY)
    start = np.where(by_filing, filed - _UNPUBLISHED_JUDGMENT_DAYS, np.nan_to_num(start, nan=NO_DAY)).astype(np.int64)
    end = np.where(by_filing, filed, start) + HIDING_WINDOW_DAYS
    R = pd.DataFrame({"debtor": d["e"].to_numpy(), "company": d["company"].to_numpy(),
                      "case_no": fr.attr("case_no", rec),
                      "start": start, "end": end})
    R = R[R["start"] != NO_DAY].drop_duplicates().reset_index(drop=True)
    if R.empty:
        none = _findings(fr, pd.DataFrame())
        return none.assign(finding=pd.Series(dtype=bool)) if weak else none
    R["rid"] = np.arange(len(R))
    co, pe = R[R["company"]], R[~R["company"]]

    # associates: a firm's people; a person and everyone who shares a firm with them
    assoc = pd.concat([
        co[["rid", "debtor"]].merge(ties, left_on="debtor", right_on="f")[["rid", "p"]],
        pe[["rid", "debtor"]].rename(columns={"debtor": "p"}),
        pe[["rid", "debtor"]].merge(ties, left_on="debtor", right_on="p")[["rid", "f"]]
        .merge(ties, on="f")[["rid", "p"]],
    ]).drop_duplicates()
    W = R[["rid", "debtor", "start", "end"]]

    def within(x: pd.DataFrame, day: str) -> pd.DataFrame:
        x = x.merge(W, on="rid")
        return x[(x[day] > x["start"]) & (x[day] <= x["end"]) & (x["f"] != x["debtor"])]

    found = []
    a = assoc.merge(ties, on="p")
    a["moved_on"] = founded[a["f"].to_numpy(dtype=np.int64)]
    found.append(within(a, "moved_on").assign(mode="new_firm",
                                              via=lambda x: fr.entities[x["p"].to_numpy(dtype=np.int64)],
                                              tie=0, part=0))
    b = within(assoc.merge(new_stakes, on="p"), "since").rename(columns={"since": "moved_on"})
    found.append(b.assign(mode="equity_transfer", via=lambda x: fr.entities[x["p"].to_numpy(dtype=np.int64)],
                          tie=0, part=1))
    q = pd.concat([pe[["rid", "debtor"]].rename(columns={"debtor": "p"}), co[["rid"]].merge(assoc, on="rid")])
    k = q.merge(kin, on="p").merge(kin_stakers, on="key")
    k = k[k["kin"] != k["p"]][["rid", "kin", "key"]].drop_duplicates()
    k = within(k.merge(new_stakes, left_on="kin", right_on="p"), "since").rename(columns={"since": "moved_on"})
    # surname and birthplace are a family only where few share them: the key's other people x the
    # share of readable people who took a stake in the window (the namesake reading, by key)
    moves = np.sort(new_stakes.loc[new_stakes["p"].isin(kin["p"]), "since"].to_numpy())
    share = in_window(moves, k["start"].to_numpy(), k["end"].to_numpy()) / max(len(kin), 1)
    k["chance"] = np.maximum(kin["key"].value_counts().reindex(k["key"]).to_numpy() - 1, 1) * share
    found.append(k.assign(mode="equity_transfer", via=lambda x: fr.entities[x["kin"].to_numpy(dtype=np.int64)],
                          tie=1, part=2))
    f0 = pd.concat([co[["rid", "debtor"]].rename(columns={"debtor": "f0"}),
                    pe[["rid", "debtor"]].merge(ties, left_on="debtor", right_on="p")[["rid", "f"]]
                    .rename(columns={"f": "f0"})]).drop_duplicates()
    s = f0.merge(contact.rename(columns={"f": "f0"}), on="f0").merge(contact, on="c")
    s = s[s["f"] != s["f0"]]
    s["moved_on"] = founded[s["f"].to_numpy(dtype=np.int64)]
    s = within(s, "moved_on")
    found.append(s.assign(mode="new_firm", via=lambda x: fr.keys[x["c"].to_numpy(dtype=np.int64)], tie=2, part=3))
    found.extend(namesake_leads(roles, founded, named_stakes, f0, within, entities=fr.entities,
                                max_chance=np.inf if weak else NAMESAKE_CHANCE))
    if weak:
        found.extend(undated_leads(roles, founded, f0, W, entities=fr.entities, max_chance=NAMESAKE_CHANCE))

    df = pd.concat([x.reindex(columns=["rid", "part", "f", "mode", "via", "tie", "moved_on", "chance"])
                    for x in found], ignore_index=True)
    df = df.merge(R[["rid", "debtor", "case_no", "start"]], on="rid").sort_values(["rid", "part"], kind="stable")
    undated = (df["part"] == UNDATED_PART).to_numpy()
    below = (df["part"].isin([2, 4]).to_numpy() & (df["chance"].fillna(0.0) >= NAMESAKE_CHANCE).to_numpy()) | undated
    out = _findings(fr, df[~below])
    if weak:
        lead = pd.concat([_findings(fr, df[below & ~undated]).assign(dated=True, strength=0),
                          _findings(fr, df[undated]).assign(dated=False, strength=0)], ignore_index=True)
        key = pd.MultiIndex.from_frame(lead[["debtor", "firm"]])
        lead = lead[~key.isin(pd.MultiIndex.from_frame(out[["debtor", "firm"]]))]
        out = pd.concat([out.assign(finding=True, dated=True), lead.assign(finding=False)], ignore_index=True)
    return out


def _findings(fr: GraphFrames, df: pd.DataFrame) -> pd.DataFrame:
    """``hidden_assets``' rows from its raw leads ``df`` (one per tie found): one per (debtor,
    firm, mode), with every kind of tie between the two, ``strength`` and ``chance``."""
    cols = ["debtor", "case_no", "firm", "mode", "via", "tie", "judged", "moved_on", "ties", "strength", "chance"]
    if df.empty:
        return pd.DataFrame(columns=cols).astype({"strength": int})
    # strength: how many kinds of tie point from this debtor to this firm (associate, family-like,
    # contact; a namesake only where chance would give it less than NAMESAKE_SAME_PERSON)
    bits = df[["debtor", "f", "tie"]].drop_duplicates()
    mask = bits.assign(mask=lambda x: np.left_shift(1, x["tie"].to_numpy(dtype=np.int64))) \
        .groupby(["debtor", "f"])["mask"].sum()
    chance = df.groupby(["debtor", "f"])["chance"].min().rename("chance")
    namesake = df[df["tie"] == 3].groupby(["debtor", "f"])["chance"].min().rename("namesake_chance")
    df = df.drop_duplicates(["debtor", "f", "mode"]).drop(columns="chance").join(mask, on=["debtor", "f"]) \
        .join(chance, on=["debtor", "f"]).join(namesake, on=["debtor", "f"])
    names = {m: ", ".join(t for i, t in enumerate(_TIES) if m >> i & 1) for m in range(1, 1 << len(_TIES))}
    same_person = (df["namesake_chance"] < NAMESAKE_SAME_PERSON).to_numpy()  # NaN (no namesake): False
    out = pd.DataFrame({
        "debtor": fr.entities[df["debtor"].to_numpy()], "case_no": df["case_no"].to_numpy(),
        "firm": fr.entities[df["f"].to_numpy()], "mode": df["mode"].to_numpy(), "via": df["via"].to_numpy(),
        "tie": np.asarray(_TIES, dtype=object)[df["tie"].to_numpy()],
        "judged": [iso(x) for x in df["start"]],
        "moved_on": [iso(x) if x != NO_DAY else "" for x in df["moved_on"]],  # "": an undated lead
        "ties": df["mask"].map(names).to_numpy(),
        "strength": [bin(m & _STRONG).count("1") + int(sp) for m, sp in zip(df["mask"], same_person)],
        "chance": pd.Series([None if np.isnan(c) else round(c, 4) for c in df["chance"].tolist()], dtype=object)})
    return out.sort_values(["strength", "moved_on"], ascending=[False, True], kind="stable").reset_index(drop=True)
