"""Every firm ranked by the dishonesty it carries: its own 失信 cases, its legal reps' cases and
serial record (:func:`~.offenders.repeat_offenders`, :func:`~.succession.succession`), and the
namesake leads that would join it to a chain (:func:`~.succession.chain_leads`)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from creditgraph.analytics.frames import NO_DAY, GraphFrames, graph_frames, iso
from creditgraph.analytics.offenders import NAMESAKE_CHANCE, SERIAL_FIRMS, repeat_offenders
from creditgraph.analytics.succession import FOUNDED_BY, chain_leads, founding_days

__all__ = ["dishonest_firm_ranking"]


def dishonest_firm_ranking(G: nx.MultiDiGraph | None, *, frames: GraphFrames | None = None,
                           repeat: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every firm entity ranked by the dishonesty it carries: ``risk`` = its own 失信 cases + its
    legal reps' own cases + each rep's serial record: twice the ``k`` firms the rep ran into default
    (from :data:`SERIAL_FIRMS` on; a rep's firms include its ``succession``, :func:`.succession.succession`:
    the dishonest firms a rep of the same name founded each within :data:`SUCCESSOR_DAYS` after the
    last one's listing — serial default where the registry gives no ID) × ``k / n``, the share of the
    rep's ``n`` firms (a chain's ``k``: of its reps' firms) that defaulted — failing in turn, not a few
    failures among many fronted firms — in full on a listed firm (one of the ``k``), × ``k / n`` again on
    a firm not listed (as likely as a firm of the rep defaults). A namesake lead to a chain
    (``chain_chance``, :func:`.succession.chain_leads`: a dishonest firm outside every chain whose rep
    bears a chain rep's name, dates that cannot place it apart, chance below :data:`NAMESAKE_CHANCE`)
    adds twice the firms it is expected to join to a chain (its own, and each of the chain's). Ties go
    to the lower ``chain_chance``, the larger unperformed amount, then the key. Index: firm entity key.
    ``founded`` / ``founded_by``: the date the chain read for the firm and the record that gave
    it (``founding``, or a fallback where none is published: ``first subscription``, ``first
    term``, ``first case filing`` — a bound from above, which makes the firm no successor; "" undated).

    ``repeat``: :func:`repeat_offenders` of the same frames with ``by_id=True``, when at hand."""
    fr = frames if frames is not None else graph_frames(G)
    repeat = repeat if repeat is not None else repeat_offenders(None, frames=fr, by_id=True)
    ne = len(fr.entities)
    cases, serial, unperformed = (np.zeros(ne), np.zeros(ne), np.zeros(ne))
    if len(repeat):
        at = repeat.index.to_numpy(dtype=np.int64)
        cases[at] = repeat["cases"].to_numpy(dtype=float)
        serial[at] = np.where(repeat["serial_firms"].to_numpy() >= SERIAL_FIRMS, repeat["serial_firms"].to_numpy(), 0)
        unperformed[at] = repeat["unperformed"].to_numpy(dtype=float)
    firms = np.unique(fr.entity[fr.of_label("Company")])
    lr = fr.edges_of("LEGAL_REP_OF")
    lu, lv = lr["u"].to_numpy(), lr["v"].to_numpy()
    reps = pd.DataFrame({"f": fr.entity[lv], "p": fr.entity[lu]})[fr.is_label(lu, "Person")].drop_duplicates()
    founded, dated_by = founding_days(fr)
    chain, label, lead, joined = chain_leads(fr, reps, cases, founded=(founded, dated_by), max_chance=NAMESAKE_CHANCE)
    p, f = reps["p"].to_numpy(), reps["f"].to_numpy()
    # the rep's firms: its own, and where its count is a chain's, every firm of the chain's reps
    pc = pd.DataFrame({"p": p, "c": label[f]}).query("c >= 0").drop_duplicates()
    in_chain = pc.merge(reps, on="p").drop_duplicates(["c", "f"]).groupby("c").size()
    n = np.maximum(reps.groupby("p")["f"].transform("nunique").to_numpy(), pc.assign(
        n=in_chain.reindex(pc["c"]).to_numpy()).groupby("p")["n"].max().reindex(p).fillna(0).to_numpy())
    k = serial[p]
    share = np.divide(k, np.maximum(n, k), out=np.zeros(len(k)), where=k > 0)  # of the rep's firms, defaulted
    record = 2 * k * share * np.where(cases[f] > 0, 1.0, share)  # a firm not listed: as likely as it defaults
    rep_risk = pd.Series(cases[p] + record).groupby(f).sum()
    # a rep's serial count holds the chain; a lead adds the firms it is expected to join to it
    risk = cases[firms] + rep_risk.reindex(firms).fillna(0.0).to_numpy() + 2 * joined[firms]
    out = pd.DataFrame({"risk": risk, "own_cases": cases[firms].astype(int), "unperformed": unperformed[firms],
                        "succession": chain[firms].astype(int), "chain_chance": lead[firms],
                        "founded": [iso(x) if x != NO_DAY else "" for x in founded[firms]],
                        "founded_by": np.asarray(FOUNDED_BY, dtype=object)[dated_by[firms]]},
                       index=pd.Index(fr.entities[firms], dtype=object))
    out = out.sort_index(kind="stable").sort_values(["risk", "chain_chance", "unperformed"],
                                                    ascending=[False, True, False], kind="stable")
    out["rank"] = np.arange(1, len(out) + 1)
    return out
