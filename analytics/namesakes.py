"""Namesake leads of asset hiding, for registries that show no ID to resolve people by.

After a judgment, a debtor's relative opens a firm or takes a stake. With ID numbers the
relative's record at the debtor firm and the one at the new firm are one resolved person (an
*associate* lead, :func:`~creditgraph.analytics.offenders.hidden_assets`); without them the two
records share only a name and the timing. A name alone floods a ranking on a registry's name
pools, so a namesake lead asks three things of a pair of records:

- family context: the debtor firm's person bears the surname of its legal rep (the rep
  included) — a relative in the firm, or the boss under their own name;
- timing: the other record founds a firm, or takes a stake in an existing one (a transfer:
  the stake dated after the firm's founding), within the debtor's window after the judgment;
- against chance: the records of that name in the window are few beside what chance gives —
  the name's firms beside these two × the share of all name–firm records founded (or
  transferred) in that window, the independence expectation of :meth:`~.resolve.mentions.FirmContext.co_occurrence`
  read over time. Kept where the expectation is below
  :data:`~creditgraph.analytics.offenders.NAMESAKE_CHANCE`; the expectation is the lead's
  ``chance`` (lower is stronger). Below :data:`~creditgraph.analytics.offenders.NAMESAKE_SAME_PERSON`
  the lead counts as a tie; ``hidden_assets(weak=True)`` asks for every lead (``max_chance``
  infinite) and keeps the ones at or above the bar apart, to order the hiding ranking only.

O(debtor firms' people + records sharing their names), one merge each.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from creditgraph.analytics.frames import NO_DAY

__all__ = ["namesake_leads", "undated_leads", "in_window", "UNDATED_PART"]

#: ``hidden_assets``' ``part`` of an undated lead (:func:`undated_leads`): it orders the ranking, finds nothing.
UNDATED_PART = 5


def in_window(sorted_days: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """How many of ``sorted_days`` fall in each window ``(start, end]``."""
    return np.searchsorted(sorted_days, end, side="right") - np.searchsorted(sorted_days, start, side="right")


def namesake_leads(roles: pd.DataFrame, founded: np.ndarray, stakes: pd.DataFrame, f0: pd.DataFrame,
                   within: Callable[[pd.DataFrame, str], pd.DataFrame], *, entities: np.ndarray,
                   max_chance: float) -> list[pd.DataFrame]:
    """The namesake leads (module doc) as rows of ``hidden_assets``' findings: ``rid``, ``f``,
    ``mode``, ``via`` (the entity key of the record at the firm, ``entities``), ``tie`` 3,
    ``part`` 4, ``moved_on`` and ``chance``.

    ``roles``: person–firm records (entity ``p``, firm ``f``, ``rep``, ``name``); ``founded``:
    day per entity (``NO_DAY`` unknown); ``stakes``: transfers (``p``, ``f``, ``since``,
    ``name``); ``f0``: each window's (``rid``) debtor firms; ``within``: the caller's window
    filter (adds the window's ``start`` and ``end``; on column ``f`` and a day column)."""
    named = roles.loc[roles["name"].str.len() > 0, ["p", "f", "name", "rep", "stake"]]
    if named.empty or f0.empty:
        return []
    units = named[["name", "f"]].drop_duplicates()
    firms_of_name = units.groupby("name").size()
    days_found = founded[units["f"].to_numpy(dtype=np.int64)]
    days_found = np.sort(days_found[days_found != NO_DAY])
    days_moved = np.sort(stakes.drop_duplicates(["name", "f"])["since"].to_numpy())
    n_units = max(len(units), 1)

    # the debtor firms' people who bear a legal rep's surname
    surname = named.loc[named["rep"], ["f", "name"]].assign(s=lambda x: x["name"].str.slice(0, 1))
    people = f0.merge(named[["p", "f", "name"]], left_on="f0", right_on="f")[["rid", "f0", "p", "name"]]
    people = people.assign(s=people["name"].str.slice(0, 1)) \
        .merge(surname[["f", "s"]].drop_duplicates().rename(columns={"f": "f0"}), on=["f0", "s"])
    people = people[["rid", "f0", "p", "name"]].drop_duplicates().rename(columns={"p": "p0"})

    out = []
    new = named.loc[named["rep"] | named["stake"], ["p", "f", "name"]].drop_duplicates()  # who founds it
    new = new.assign(moved_on=founded[new["f"].to_numpy(dtype=np.int64)])
    for mode, records, day, pool in (("new_firm", new, "moved_on", days_found),
                                     ("equity_transfer", stakes.rename(columns={"since": "moved_on"}), "moved_on",
                                      days_moved)):
        x = people.merge(records[["p", "f", "name", day]], on="name")
        x = x[(x["p"] != x["p0"]) & (x["f"] != x["f0"]) & (x[day] != NO_DAY)]
        x = within(x, day)
        if x.empty:
            continue
        # the name's firms beside the debtor firm and this one (as co_occurrence leaves the met firm out)
        others = np.maximum(firms_of_name.reindex(x["name"]).to_numpy() - 2, 1)
        rate = in_window(pool, x["start"].to_numpy(), x["end"].to_numpy()) / n_units
        x = x.assign(chance=others * rate)
        x = x[x["chance"] < max_chance]
        out.append(x.assign(mode=mode, via=entities[x["p"].to_numpy(dtype=np.int64)], tie=3, part=4))
    return out


def undated_leads(roles: pd.DataFrame, founded: np.ndarray, f0: pd.DataFrame, windows: pd.DataFrame, *,
                  entities: np.ndarray, max_chance: float) -> list[pd.DataFrame]:
    """Undated leads: a relative of the debtor firm controls a firm whose move the files cannot
    date — an order for the ranking, never a finding (:data:`UNDATED_PART`).

    Thin extracts print no subscription date and blank many foundings, so a move right after the
    judgment can leave no date at all (listed layout: no stake is ever dated). What is left is who
    controls what: a person of the debtor firm who bears its legal rep's surname and is not the rep
    (a relative; a firm under the boss's own name hides nothing from a search of that name), and a
    record of the same full name that **controls** another firm whose move is undated — its legal
    rep where nothing dates the firm (no founding, no dated stake), or its largest person holder
    where the stake is undated and the firm was founded by the window's end (or undated). Chance,
    for a record not resolved to the relative (tie 3, namesake): the name's other firms × the share
    of all name–firm records that are undated control of the same kind (the independence reading
    of :func:`namesake_leads`, control in place of timing); kept below ``max_chance``. Each kind
    is read by its own share: control of a firm nothing dates, or an undated stake in a dated firm;
    either **silent** (the largest holder sits in no post of that firm — the relative as a silent
    owner, 代持) or running it (its rep, or the largest holder in a post). Where a city's silent
    owners or undated firms are common their share says so and the lead weakens; the share is
    the city's own, never a fitted weight. A record
    resolved to the relative (tie 0, associate) has no coincidence of names to discount: chance 0.
    Either way the lead says nothing of *when*: the caller keeps it out of every finding and its
    strength. Rows as :func:`namesake_leads`' with ``part`` :data:`UNDATED_PART` and ``moved_on``
    ``NO_DAY``.

    ``roles``: person–firm records (``p``, ``f``, ``name``, ``rep``, ``stake``, ``since``,
    ``ratio``); ``founded``: day per entity; ``f0``: each window's (``rid``) debtor firms;
    ``windows``: ``rid``, ``debtor``, ``start``, ``end``. O(records + records sharing the debtor
    firms' relatives' names)."""
    named = roles.loc[roles["name"].str.len() > 0]
    if named.empty or f0.empty:
        return []
    units = named[["name", "f"]].drop_duplicates()
    firms_of_name = units.groupby("name").size()
    fo = founded[named["f"].to_numpy(dtype=np.int64)]
    largest = named["ratio"].to_numpy() >= named.groupby("f")["ratio"].transform("max").to_numpy() - 1e-9
    rep = named["rep"].to_numpy() & (fo == NO_DAY)  # legal rep of a firm nothing dates
    held = named["stake"].to_numpy() & largest & (named["since"].to_numpy() == NO_DAY)  # largest, undated stake
    keep = rep | held  # mode: an undated firm's control is its founding's, a dated firm's a stake moved
    posts = pd.MultiIndex.from_frame(named.loc[~named["stake"].to_numpy(), ["name", "f"]])
    passive = held & ~pd.MultiIndex.from_frame(named[["name", "f"]]).isin(posts)  # holds it, sits in no post there
    ctrl = named.loc[keep, ["p", "f", "name"]].assign(mode=np.where(fo[keep] == NO_DAY, "new_firm", "equity_transfer"),
                                                      founded=fo[keep], passive=passive[keep])
    if ctrl.empty:
        return []
    # chance reads each kind of control by its own share: control of a firm nothing dates, or an undated stake
    # in a dated firm; either silent (no post there) or running it
    kinds = ctrl[["name", "f", "mode", "passive"]].drop_duplicates(["name", "f"])
    share = kinds.groupby(["mode", "passive"]).size() / max(len(units), 1)

    # the debtor firms' relatives: bear a legal rep's surname, are not a legal rep of the firm
    reps = named.loc[named["rep"], ["f", "name"]].drop_duplicates()
    people = f0.merge(named[["p", "f", "name"]].drop_duplicates(), left_on="f0", right_on="f")[["rid", "f0", "p",
                                                                                                "name"]]
    people = people.assign(s=people["name"].str.slice(0, 1)) \
        .merge(reps.assign(s=reps["name"].str.slice(0, 1))[["f", "s"]].drop_duplicates()
               .rename(columns={"f": "f0"}), on=["f0", "s"])
    rep_names = pd.MultiIndex.from_frame(reps.rename(columns={"f": "f0"}))
    people = people[~pd.MultiIndex.from_frame(people[["f0", "name"]]).isin(rep_names)]
    people = people[["rid", "f0", "p", "name"]].drop_duplicates().rename(columns={"p": "p0"})

    x = people.merge(ctrl, on="name").merge(windows, on="rid")
    x = x[(x["f"] != x["f0"]) & (x["f"] != x["debtor"])
          & ((x["founded"] == NO_DAY) | (x["founded"] <= x["end"]))]
    if x.empty:
        return []
    others = np.maximum(firms_of_name.reindex(x["name"]).to_numpy() - 2, 1)
    x = x.assign(chance=np.where(x["p"] == x["p0"], 0.0,  # resolved to them: no coincidence
                                 others * share.reindex(pd.MultiIndex.from_frame(x[["mode", "passive"]]))
                                 .fillna(0.0).to_numpy()))
    x = x[x["chance"] < max_chance]
    return [x.assign(via=entities[x["p"].to_numpy(dtype=np.int64)], tie=np.where(x["p"] == x["p0"], 0, 3),
                     part=UNDATED_PART, moved_on=NO_DAY)]
