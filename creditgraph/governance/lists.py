"""The 黑榜 and 红榜 as of a date, from the graph's columns (:mod:`creditgraph.analytics.frames`).

Both count active records only: the frames leave out what has left the lists, and a record
whose period ends by the edition's date is left out too (the lifecycle rules, applied as of that
date, so an edition does not wait for ``creditgraph expire``). The rules are stated in
``creditgraph/lifecycle.yaml`` (``lists``) and printed on every edition.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from creditgraph.analytics.frames import (SCORING_EDGE_PROPERTIES, SCORING_NODE_PROPERTIES, GraphFrames, NO_DAY, days,
                                          frames_from_tables)
from creditgraph.graph.governance import RECORD_LABELS
from creditgraph.governance.rules import Rules, exit_of, rules

__all__ = ["LIST_NODE_PROPERTIES", "read_frames", "blacklist", "redlist", "lists_of", "BLACKLIST_COLUMNS",
           "REDLIST_COLUMNS"]

#: What the lists read: the scorers' properties, the rules' fields, the objection mark, the flags.
LIST_NODE_PROPERTIES = tuple(dict.fromkeys([*SCORING_NODE_PROPERTIES, "behaviour", "performance", "removed",
                                            "list_type", "listed", "amount", "decided", "issued", "objection",
                                            "shell_flag", "repeat_flag", "spread", "uscc"]))
#: The date a record went on its list, first present wins.
_LISTED_ON = ("published", "listed", "decided", "issued", "filed")
BLACKLIST_COLUMNS = ["entity", "name", "kind", "cases", "case_nos", "courts", "unperformed", "last_published",
                     "objections_open"]
REDLIST_COLUMNS = ["entity", "name", "uscc", "founded", "years"]


def read_frames(store) -> GraphFrames:
    """The store's columns for the lists (active records only)."""
    return frames_from_tables(store.export_tables(LIST_NODE_PROPERTIES, SCORING_EDGE_PROPERTIES))


def lists_of(store, *, as_of: dt.date, table: Rules | None = None) -> dict[str, pd.DataFrame]:
    """Both lists of ``store`` as of ``as_of`` — ``{"blacklist": …, "redlist": …}`` — as an edition
    publishes them: the explorer's 红黑榜 reads them here, so the two never differ."""
    fr = read_frames(store)
    return {"blacklist": blacklist(fr, as_of=as_of, table=table), "redlist": redlist(fr, as_of=as_of, table=table)}


def _listed(fr: GraphFrames, labels: tuple[str, ...], as_of: dt.date, table: Rules) -> pd.DataFrame:
    """Active list entries: subject entity, record position and label; those off by ``as_of`` left out."""
    li = fr.edges_of("LISTED_IN")
    u, v = li["u"].to_numpy(), li["v"].to_numpy()
    keep = fr.is_label(u, "Person", "Company") & fr.is_label(v, *labels)
    out = pd.DataFrame({"e": fr.entity[u[keep]], "subject": u[keep], "rec": v[keep],
                        "label": np.asarray(fr.labels)[v[keep]],
                        "match": fr.edge_prop("match", li["row"].to_numpy()[keep])})
    if out.empty:
        return out
    recs = out["rec"].to_numpy()
    fields = sorted({f for l in labels for f in table.fields(l)})
    cols = {f: fr.attr(f, recs) for f in fields}
    alive = np.array([exit_of(label, {f: cols[f][i] for f in fields}, as_of, table) is None
                      for i, label in enumerate(out["label"].tolist())], dtype=bool)
    # not yet listed on as_of: the record's own date (the first of _LISTED_ON it has) is later
    on = np.full(len(out), NO_DAY, dtype=np.int64)
    for f in _LISTED_ON:
        d = days(fr.attr(f, recs))
        on = np.where(on == NO_DAY, d, on)
    alive &= on <= np.datetime64(as_of.isoformat(), "D").astype(np.int64)
    return out[alive]


def _names(fr: GraphFrames, entities: np.ndarray, members: pd.DataFrame) -> list[str]:
    """The entity's own node name, else the name of a member that lists it."""
    own = fr.entity_node[entities]
    names = np.full(len(entities), None, dtype=object)
    has = own >= 0
    names[has] = fr.attr("name", own[has])
    if (~has).any():
        first = members.drop_duplicates("e").set_index("e")["subject"]
        pos = first.reindex(entities[~has]).to_numpy()
        names[~has] = fr.attr("name", pos.astype(np.int64))
    return [str(n or "") for n in names]


def blacklist(fr: GraphFrames, *, as_of: dt.date, table: Rules | None = None) -> pd.DataFrame:
    """The 黑榜: every resolved person and firm with an active 失信被执行人 record on ``as_of``,
    most cases first (then the unperformed amount, then the key). Records under an open objection
    are left out when the table says ``blacklist_while_open: exclude`` (an entity left with none
    is off the list); ``objections_open`` counts them either way."""
    table = table or rules()
    d = _listed(fr, ("DishonestRecord",), as_of, table)
    d = d[d["match"] != "restricted_person"] if len(d) else d
    if d.empty:
        return pd.DataFrame(columns=BLACKLIST_COLUMNS)
    recs = d["rec"].to_numpy()
    d = d.assign(case=fr.attr("case_no", recs), court=[c or "" for c in fr.attr("court", recs)],
                 published=[str(p or "")[:10] for p in fr.attr("published", recs)],
                 amount=[_amount(a) for a in fr.attr("unperformed_amount", recs)],
                 objection=[bool(o) for o in fr.attr("objection", recs)])
    opened = d[d["objection"]].groupby("e")["case"].nunique()
    if table.blacklist_excludes_objections:
        d = d[~d["objection"]]
    if d.empty:
        return pd.DataFrame(columns=BLACKLIST_COLUMNS)
    by = d.groupby("e", sort=True)
    out = pd.DataFrame({"cases": by["case"].nunique(),
                        "case_nos": by["case"].agg(lambda s: "; ".join(sorted(set(map(str, s))))),
                        "courts": by["court"].agg(lambda s: "; ".join(sorted(set(c for c in s if c)))),
                        "unperformed": d.drop_duplicates(["e", "case"]).groupby("e")["amount"].sum(),
                        "last_published": by["published"].max()})
    ents = out.index.to_numpy(dtype=np.int64)
    out["objections_open"] = opened.reindex(out.index).fillna(0).astype(int).to_numpy()
    out["entity"] = fr.entities[ents]
    out["name"] = _names(fr, ents, d)
    out["kind"] = np.where(fr.is_label(d.drop_duplicates("e").set_index("e")["subject"].reindex(out.index)
                                       .to_numpy(dtype=np.int64), "Company"), "Company", "Person")
    out = out.sort_values("entity", kind="stable").sort_values(["cases", "unperformed"], ascending=False, kind="stable")
    return out[BLACKLIST_COLUMNS].reset_index(drop=True)


def redlist(fr: GraphFrames, *, as_of: dt.date, table: Rules | None = None) -> pd.DataFrame:
    """The 红榜: firms with registry facts founded at least ``lists.redlist.min_years`` before
    ``as_of``, with no active record of any list on ``as_of``, no shell or repeat flag, and spread
    below ``lists.redlist.max_spread``; oldest first, then the key."""
    table = table or rules()
    spec = table.lists.get("redlist", {})
    min_years, max_spread = int(spec.get("min_years", 3)), float(spec.get("max_spread", 0.05))
    firms = fr.of_label("Company")
    founded = days(fr.attr("founded", firms))
    cutoff = (np.datetime64(as_of.isoformat(), "D") - np.timedelta64(round(365.25 * min_years), "D")).astype(np.int64)
    ok = (founded != NO_DAY) & (founded <= cutoff)
    ok &= ~np.array([bool(x) for x in fr.attr("shell_flag", firms)], dtype=bool)
    ok &= ~np.array([bool(x) for x in fr.attr("repeat_flag", firms)], dtype=bool)
    ok &= np.array([(s is None or float(s) < max_spread) for s in fr.attr("spread", firms)], dtype=bool)
    listed = _listed(fr, RECORD_LABELS, as_of, table)
    bad = set(listed["e"].tolist()) if len(listed) else set()
    ent = fr.entity[firms]
    ok &= ~np.isin(ent, list(bad))
    t = pd.DataFrame({"e": ent[ok], "pos": firms[ok], "founded": founded[ok]})
    t = t.sort_values(["e", "founded"]).drop_duplicates("e")  # one row per firm entity: its earliest founding
    own = fr.entity_node[t["e"].to_numpy()]
    pos = np.where(own >= 0, own, t["pos"].to_numpy())
    out = pd.DataFrame({"entity": fr.entities[t["e"].to_numpy()],
                        "name": [str(n or "") for n in fr.attr("name", pos)],
                        "uscc": [str(u or "") for u in fr.attr("uscc", pos)],
                        "founded": [str(np.datetime64(int(x), "D")) for x in t["founded"]],
                        "years": [int((np.datetime64(as_of.isoformat(), "D").astype(np.int64) - x) // 365.25)
                                  for x in t["founded"]]})
    out = out.sort_values("entity", kind="stable").sort_values("founded", kind="stable")
    return out[REDLIST_COLUMNS].reset_index(drop=True)


def _amount(v: Any) -> float:
    try:
        return float(str(v).replace(",", "")) if v not in (None, "") else 0.0
    except ValueError:
        return 0.0
