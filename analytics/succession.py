"""Serial default without ID numbers: the succession of dishonest firms under one legal-rep name.

A person who runs firm after firm into default opens the next one as the last is blacklisted.
Where the registry shows no ID number, their records at those firms share only a name, so
:func:`succession` joins two dishonest firms when their legal reps bear the same name and the
later firm was founded within :data:`SUCCESSOR_DAYS` after the earlier one's first 失信 listing.

**Founding dates the files do not publish.** Thin extracts leave 成立日期 blank for many
firms. Such a firm is dated by the earliest other dated record the files give of it
(:func:`founding_days`): a shareholder's subscription (认缴出资日期), the start of an
officer's or legal rep's term, or the filing of an enforcement case against it (立案时间). A
firm exists before anyone subscribes to it, takes a post in it or sues it, so that date is the
latest it can have been founded — never an invented date, and the evidence says which record
gave it (``founded_by``). A firm with no dated record at all stays undated and joins no chain.

O(dishonest firms' reps + pairs within a name) for the chains; O(role edges + 失信 records) for
the dates.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from creditgraph.analytics.frames import NO_DAY, GraphFrames, days

__all__ = ["SUCCESSOR_DAYS", "FOUNDED_BY", "founding_days", "succession"]

SUCCESSOR_DAYS = 365  # a firm founded within a year after the last one's 失信 listing succeeds it
#: What dated a firm (:func:`founding_days`), by code: its published founding, else its earliest
#: subscription, term start or enforcement filing; "" where nothing does.
FOUNDED_BY = ("", "founding", "first subscription", "first term", "first case filing")


def _listings(fr: GraphFrames) -> pd.DataFrame:
    """Firm entity ``e`` and 失信 record position ``rec`` of every firm's LISTED_IN a DishonestRecord."""
    li = fr.edges_of("LISTED_IN")
    u, v = li["u"].to_numpy(), li["v"].to_numpy()
    keep = fr.is_label(u, "Company") & fr.is_label(v, "DishonestRecord")
    return pd.DataFrame({"e": fr.entity[u[keep]], "rec": v[keep]})


def founding_days(fr: GraphFrames) -> tuple[np.ndarray, np.ndarray]:
    """Per entity: the day its firm was founded at the latest (``NO_DAY`` when nothing dates it)
    and what dated it (an index into :data:`FOUNDED_BY`). The published founding wins (the
    latest of an entity's records, as before); otherwise the earliest subscription, term start
    or enforcement filing of the firm (module doc)."""
    ne = len(fr.entities)
    founded, by = np.full(ne, NO_DAY, dtype=np.int64), np.zeros(ne, dtype=np.int8)
    companies = fr.of_label("Company")
    fd = days(fr.attr("founded", companies))
    pub = pd.Series(fd, index=fr.entity[companies])
    pub = pub[pub != NO_DAY].groupby(level=0).max()
    founded[pub.index.to_numpy()], by[pub.index.to_numpy()] = pub.to_numpy(), 1
    evidence = []
    for code, types in ((2, ("SHAREHOLDER_OF",)), (3, ("OFFICER_OF", "LEGAL_REP_OF"))):
        ed = fr.edges_of(*types)
        v = ed["v"].to_numpy()
        keep = fr.is_label(v, "Company")
        since = days(fr.edge_prop("since", ed["row"].to_numpy()[keep]))
        evidence.append(pd.DataFrame({"e": fr.entity[v[keep]], "d": since, "by": code}))
    d = _listings(fr)
    evidence.append(pd.DataFrame({"e": d["e"].to_numpy(), "d": days(fr.attr("filed", d["rec"].to_numpy())), "by": 4}))
    ev = pd.concat(evidence, ignore_index=True)
    ev = ev[(ev["d"] != NO_DAY).to_numpy() & (founded[ev["e"].to_numpy(dtype=np.int64)] == NO_DAY)]
    first = ev.sort_values(["d", "by"], kind="stable").drop_duplicates("e")
    at = first["e"].to_numpy(dtype=np.int64)
    founded[at], by[at] = first["d"].to_numpy(), first["by"].to_numpy()
    return founded, by


def succession(fr: GraphFrames, reps: pd.DataFrame, cases: np.ndarray, *,
               founded: np.ndarray | None = None) -> np.ndarray:
    """Per entity: the dishonest firms in its succession chain (0 when it has none).

    Two dishonest firms are one chain when their legal reps bear the same name and one firm was
    founded (:func:`founding_days`) within :data:`SUCCESSOR_DAYS` after the other's first 失信
    listing (a new firm opened as the last one is blacklisted). A name alone joins nothing: the
    pair must also follow each other in time and both be dishonest, which chance gives a namesake
    pair rarely (a few % of firms are dishonest, and a one-year window of a registry's decades).
    ``reps``: (firm ``f``, person ``p``) entity pairs; ``cases``: 失信 cases per entity;
    ``founded``: :func:`founding_days`' days, when the caller has them."""
    chain = np.zeros(len(fr.entities))
    d = _listings(fr)
    if d.empty:
        return chain
    rec = d["rec"].to_numpy()
    published, filed = days(fr.attr("published", rec)), days(fr.attr("filed", rec))
    listed = pd.Series(np.where(published != NO_DAY, published, filed), index=d["e"].to_numpy())
    listed = listed[listed != NO_DAY].groupby(level=0).min()
    founded = founded if founded is not None else founding_days(fr)[0]
    people = fr.of_label("Person")
    name_of = pd.Series(fr.attr("name", people), index=fr.entity[people]).dropna()
    name_of = name_of[~name_of.index.duplicated(keep="last")]
    r = reps[(cases[reps["f"].to_numpy()] > 0) & reps["p"].isin(name_of.index).to_numpy()]
    r = pd.DataFrame({"f": r["f"].to_numpy(), "name": name_of.reindex(r["p"].to_numpy()).to_numpy()}).drop_duplicates()
    pairs = r.merge(r, on="name", suffixes=("", "_next"))
    pairs = pairs[pairs["f"] != pairs["f_next"]]
    nxt = founded[pairs["f_next"].to_numpy(dtype=np.int64)]
    gap = np.where(nxt != NO_DAY, nxt, np.nan) - listed.reindex(pairs["f"].to_numpy()).to_numpy()
    pairs = pairs[(gap >= 0) & (gap <= SUCCESSOR_DAYS)]
    if pairs.empty:
        return chain
    g = nx.Graph()
    g.add_edges_from(zip(pairs["f"].to_numpy(dtype=np.int64), pairs["f_next"].to_numpy(dtype=np.int64)))
    for comp in nx.connected_components(g):
        chain[list(comp)] = len(comp)
    return chain
