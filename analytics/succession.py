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

**An upper bound is no founding.** A founder subscribes, and the first officers take their
posts, when the firm is founded: those dates stand for the founding. A firm is sued only once it
has traded, often years on, so a filing bounds the founding from above and no more. A successor
must be shown founded *after* the last firm's listing, which a bound from above never shows: a
firm dated only by an enforcement filing (:data:`UPPER_BOUND_ONLY`) is no successor in
:func:`succession` (it may still be the earlier firm of a pair, which reads its listing). What
that costs, the firm before it falling out of the chain, :func:`chain_namesakes` keeps as a lead
where the dates cannot place the two firms apart; it links nothing, and the dishonest ranking
counts the chain it would make as likely as coincidence gives no such firm (:func:`chain_leads`).

O(dishonest firms' reps + pairs within a name) for the chains; O(role edges + 失信 records) for
the dates.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from creditgraph.analytics.frames import NO_DAY, GraphFrames, days

__all__ = ["SUCCESSOR_DAYS", "FOUNDED_BY", "UPPER_BOUND_ONLY", "founding_days", "succession", "chain_namesakes",
           "chain_leads"]

SUCCESSOR_DAYS = 365  # a firm founded within a year after the last one's 失信 listing succeeds it
#: What dated a firm (:func:`founding_days`), by code: its published founding, else its earliest
#: subscription, term start or enforcement filing; "" where nothing does.
FOUNDED_BY = ("", "founding", "first subscription", "first term", "first case filing")
#: The :data:`FOUNDED_BY` codes that only bound the founding from above (a filing), never date it:
#: a firm so dated is no successor (module doc).
UPPER_BOUND_ONLY = (4,)


def _listings(fr: GraphFrames) -> pd.DataFrame:
    """Firm entity ``e`` and 失信 record position ``rec`` of every firm's LISTED_IN a DishonestRecord."""
    li = fr.edges_of("LISTED_IN")
    u, v = li["u"].to_numpy(), li["v"].to_numpy()
    keep = fr.is_label(u, "Company") & fr.is_label(v, "DishonestRecord")
    return pd.DataFrame({"e": fr.entity[u[keep]], "rec": v[keep]})


def _rep_names(fr: GraphFrames, reps: pd.DataFrame) -> pd.DataFrame:
    """(firm ``f``, legal rep's ``name``) of every named rep in ``reps``, once each."""
    people = fr.of_label("Person")
    name_of = pd.Series(fr.attr("name", people), index=fr.entity[people]).dropna()
    name_of = name_of[~name_of.index.duplicated(keep="last")]
    r = reps[reps["p"].isin(name_of.index).to_numpy()]
    named = pd.DataFrame({"f": r["f"].to_numpy(), "name": name_of.reindex(r["p"].to_numpy()).to_numpy()})
    return named.drop_duplicates()


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
               founded: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Per entity: the dishonest firms in its succession chain (0 when it has none).

    Two dishonest firms are one chain when their legal reps bear the same name and one firm was
    founded (:func:`founding_days`) within :data:`SUCCESSOR_DAYS` after the other's first 失信
    listing (a new firm opened as the last one is blacklisted); a later firm dated only by an upper
    bound (:data:`UPPER_BOUND_ONLY`: its enforcement filing) is not shown founded after it, and
    succeeds nothing. A name alone joins nothing: the pair must also follow each other in time and
    both be dishonest, which chance gives a namesake pair rarely (a few % of firms are dishonest,
    and a one-year window of a registry's decades).
    ``reps``: (firm ``f``, person ``p``) entity pairs; ``cases``: 失信 cases per entity;
    ``founded``: :func:`founding_days`' (days, codes), when the caller has them."""
    return _chains(fr, reps, cases, founded)[0]


def _listed_days(fr: GraphFrames) -> pd.Series:
    """Day of each listed firm entity's first 失信 listing (published, else filed)."""
    d = _listings(fr)
    rec = d["rec"].to_numpy()
    published, filed = days(fr.attr("published", rec)), days(fr.attr("filed", rec))
    listed = pd.Series(np.where(published != NO_DAY, published, filed), index=d["e"].to_numpy())
    return listed[listed != NO_DAY].groupby(level=0).min()


def _chains(fr: GraphFrames, reps: pd.DataFrame, cases: np.ndarray,
            founded: tuple[np.ndarray, np.ndarray] | None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`succession`'s chain sizes and a chain label per entity (-1: in no chain)."""
    chain, label = np.zeros(len(fr.entities)), np.full(len(fr.entities), -1, dtype=np.int64)
    listed = _listed_days(fr)
    if listed.empty:
        return chain, label
    day, by = founded if founded is not None else founding_days(fr)
    start = np.where(np.isin(by, UPPER_BOUND_ONLY), NO_DAY, day)  # a bound from above dates no successor
    r = _rep_names(fr, reps)
    r = r[cases[r["f"].to_numpy(dtype=np.int64)] > 0]
    pairs = r.merge(r, on="name", suffixes=("", "_next"))
    pairs = pairs[pairs["f"] != pairs["f_next"]]
    nxt = start[pairs["f_next"].to_numpy(dtype=np.int64)]
    gap = np.where(nxt != NO_DAY, nxt, np.nan) - listed.reindex(pairs["f"].to_numpy()).to_numpy()
    pairs = pairs[(gap >= 0) & (gap <= SUCCESSOR_DAYS)]
    if pairs.empty:
        return chain, label
    g = nx.Graph()
    g.add_edges_from(zip(pairs["f"].to_numpy(dtype=np.int64), pairs["f_next"].to_numpy(dtype=np.int64)))
    for i, comp in enumerate(nx.connected_components(g)):
        chain[list(comp)], label[list(comp)] = len(comp), i
    return chain, label


def chain_namesakes(fr: GraphFrames, reps: pd.DataFrame, cases: np.ndarray, chain: np.ndarray, *,
                    founded: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Per entity: the chance of its namesake lead to a succession chain (``inf``: none) — a lead,
    never a link. A dishonest firm outside every chain whose legal rep bears the name of a chain's
    rep may be that person's firm whose place in time the files cannot show: the lead needs a firm
    of the chain and the lead's firm, one of them undated from below (no founding, or only a
    filing's bound, module doc), so that one could have been founded within a year after the other's
    listing; two firms whose dates place them apart are no lead. Chance: how many dishonest firms
    that name's other firms would hold by chance — the name's firms outside its chains × the share
    of firms that are dishonest (the independence expectation, as :mod:`.namesakes` reads it);
    lower is stronger. ``chain``: :func:`succession` of the same ``reps`` and ``cases``. O(reps +
    lead firms × their name's chained firms)."""
    lead = np.full(len(fr.entities), np.inf)
    x = _lead_pairs(fr, reps, cases, chain, founded if founded is not None else founding_days(fr))
    np.minimum.at(lead, x["f"].to_numpy(dtype=np.int64), x["chance"].to_numpy(dtype=float))
    return lead


def chain_leads(fr: GraphFrames, reps: pd.DataFrame, cases: np.ndarray, *, max_chance: float = np.inf,
                founded: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, ...]:
    """Per entity: the :func:`succession` chain, its label (-1: none), the :func:`chain_namesakes` chance
    and ``joined`` — the firms a lead is expected to add to a rep's chain; leads at ``max_chance`` or above are none
    (``inf``). A lead of chance ``c`` is its rep's with probability ``exp(-c)``, the chance that
    coincidence gives no such firm (Poisson with mean ``c``); a lead firm's ``joined`` is that
    probability × the chain it would make (its chain's firms + itself), and each firm of that chain
    gains the probability (one more firm). A firm with leads to several chains joins its largest."""
    day_by = founded if founded is not None else founding_days(fr)
    chain, label = _chains(fr, reps, cases, day_by)
    lead, joined = np.full(len(fr.entities), np.inf), np.zeros(len(fr.entities))
    x = _lead_pairs(fr, reps, cases, chain, day_by)
    x = x[x["chance"].to_numpy(dtype=float) < max_chance]
    if x.empty:
        return chain, label, lead, joined
    np.minimum.at(lead, x["f"].to_numpy(dtype=np.int64), x["chance"].to_numpy(dtype=float))
    x = x.assign(label=label[x["c"].to_numpy(dtype=np.int64)], size=chain[x["c"].to_numpy(dtype=np.int64)])
    x = x.sort_values(["size", "label"], ascending=[False, True], kind="stable").drop_duplicates("f")
    p = np.exp(-x["chance"].to_numpy(dtype=float))
    joined[x["f"].to_numpy(dtype=np.int64)] = p * (x["size"].to_numpy() + 1)
    gain = pd.Series(p, index=x["label"].to_numpy()).groupby(level=0).sum()
    members = np.flatnonzero(np.isin(label, gain.index.to_numpy()))
    joined[members] += gain.reindex(label[members]).to_numpy()
    return chain, label, lead, joined


def _lead_pairs(fr: GraphFrames, reps: pd.DataFrame, cases: np.ndarray, chain: np.ndarray,
                founded: tuple[np.ndarray, np.ndarray]) -> pd.DataFrame:
    """(lead firm ``f``, chained firm ``c`` of its rep's name, ``chance``): every pair the
    dates admit (:func:`chain_namesakes`)."""
    r = _rep_names(fr, reps)
    f = r["f"].to_numpy(dtype=np.int64)
    r = r.assign(dishonest=cases[f] > 0, chained=chain[f] > 0)
    chained_names = set(r.loc[r["chained"], "name"])
    if not chained_names:
        return pd.DataFrame(columns=["f", "c", "chance"])
    firms = np.unique(fr.entity[fr.of_label("Company")])
    share = float((cases[firms] > 0).mean())
    per_name = r[r["name"].isin(chained_names)].drop_duplicates(["f", "name"]).groupby("name")
    outside = per_name["f"].nunique() - per_name["chained"].sum()
    hit = r[r["dishonest"] & ~r["chained"] & r["name"].isin(chained_names)]
    hit = hit.assign(chance=outside.reindex(hit["name"].to_numpy()).to_numpy(dtype=float) * share)
    x = hit[["f", "name", "chance"]].merge(r.loc[r["chained"], ["f", "name"]].rename(columns={"f": "c"}), on="name")
    # the dates: one of the two undated from below, founded (at the latest) after the other's listing
    day, by = founded
    undated = (day == NO_DAY) | np.isin(by, UPPER_BOUND_ONLY)
    listed = _listed_days(fr)
    fx, cx = x["f"].to_numpy(dtype=np.int64), x["c"].to_numpy(dtype=np.int64)
    lf, lc = (listed.reindex(e).to_numpy(dtype=float) for e in (fx, cx))
    bf, bc = (np.where(day[e] != NO_DAY, day[e], np.inf) for e in (fx, cx))
    ok = (undated[cx] & (np.isnan(lf) | (bc > lf))) | (undated[fx] & (np.isnan(lc) | (bf > lc)))
    return x.loc[ok, ["f", "c", "chance"]]
