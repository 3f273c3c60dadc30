"""Detection quality on a generated city: the figures of the evaluation matrix.

:func:`score_city` runs every firm scorer on a resolved graph; :func:`detection_metrics`
holds the result against the city's truth (``synth`` writes it): shells (flags, precision at
50 and 100, decoys in the top 100) beside the plain address-count baseline, the place of every
planted serial-defaulter firm and asset-hiding firm in its ranking (asset hiding twice: over
every planted move, and over the moves the published files can date, ``asset_hiding_datable``,
the truth's ``datable`` fact from :mod:`creditgraph.synth.datable`), same-name clean twins,
repeat-offender recall, and per-indicator coverage. ``bench/score_quality.py`` prints it per
generator profile × seed; ``creditgraph evaluate`` reports it for a store.

Firms are entities: a planted firm is found through any node of its entity whose USCC, or
whose name (``truth/companies.csv``, for extracts that key firms by stock code or name), is the
planted firm's.
"""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from creditgraph.analytics.features import company_indicators, coverage
from creditgraph.analytics.frames import GraphFrames, graph_frames
from creditgraph.analytics.hiding_ranking import hiding_firm_ranking
from creditgraph.analytics.dishonest_ranking import dishonest_firm_ranking
from creditgraph.analytics.offenders import hidden_assets, repeat_offenders
from creditgraph.analytics.resolve.records import Records
from creditgraph.analytics.shell import score_shells
from creditgraph.normalize import company_match_key

__all__ = ["score_city", "firm_entities", "detection_metrics", "TOP_SHARE"]

TOP_SHARE = 0.01  # "in the top 1 % of its ranking"


def score_city(G: nx.MultiDiGraph | GraphFrames, *, model=None) -> dict:
    """Every firm scorer on a resolved graph (or its frames, as ``frames_from_tables`` makes them
    from a store's tables): ``X`` (indicators), ``shells``, ``repeat`` (by entity key), ``hidden``
    (the findings), ``dishonest`` and ``hiding`` (rankings over the scored firms' entities;
    ``hiding`` also reads the namesake leads too weak to be findings)."""
    fr = G if isinstance(G, GraphFrames) else graph_frames(G)
    X, evidence = company_indicators(None, frames=fr)
    shells = score_shells(X, evidence, model=model)
    repeat_ids = repeat_offenders(None, frames=fr, by_id=True)
    repeat = repeat_ids.copy()
    repeat.index = pd.Index(fr.entities[repeat_ids.index.to_numpy(dtype=np.int64)], dtype=object)
    leads = hidden_assets(None, frames=fr, weak=True)  # the ranking reads the weak namesake leads too
    hidden = leads[leads["finding"].astype(bool)].drop(columns="finding").reset_index(drop=True)
    at = pd.Index(fr.keys).get_indexer(X.index)
    entity = dict(zip(X.index, fr.entities[fr.entity[at]].tolist()))
    firms = pd.Index([entity[k] for k in X.index], dtype=object)
    dishonest = dishonest_firm_ranking(None, frames=fr, repeat=repeat_ids)
    dishonest = dishonest[dishonest.index.isin(firms)]
    dishonest = dishonest.assign(rank=np.arange(1, len(dishonest) + 1))
    return {"X": X, "shells": shells, "repeat": repeat, "hidden": hidden, "dishonest": dishonest,
            "hiding": hiding_firm_ranking(leads, firms), "entity": entity}


def firm_entities(city: Path, G: Records | nx.Graph) -> dict[str, str]:
    """Planted firm USCC → the firm's entity key in ``G`` (firms the graph lacks are left out);
    ``G`` a graph or the :class:`~.analytics.resolve.records.Records` of a store's tables."""
    names: dict[str, str] = {}
    firms_csv = Path(city) / "truth" / "companies.csv"
    if firms_csv.exists():
        with firms_csv.open(encoding="utf-8") as fh:
            names = {company_match_key(r["name"]): r["uscc"] for r in csv.DictReader(fh)}
    out: dict[str, str] = {}
    for k, d in Records.of(G).nodes.items():
        if d.get("label") != "Company":
            continue
        uscc = d.get("uscc") or (names.get(company_match_key(d["name"])) if d.get("name") else None)
        if uscc and (uscc not in out or k.startswith("co:uscc:")):
            out[uscc] = d.get("resolved") or k
    return out


def _prf(flags: pd.Series, y: pd.Series) -> dict:
    tp = int((flags & y).sum())
    p = tp / int(flags.sum()) if flags.sum() else 0.0
    r = tp / int(y.sum()) if y.sum() else 1.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def _at(ranking: pd.Series, y: pd.Series, n: int) -> float:
    top = ranking.sort_index(kind="stable").sort_values(ascending=False, kind="stable").head(n).index
    return round(float(y[top].mean()), 4) if len(top) else 0.0


def detection_metrics(G: Records | nx.Graph, city: Path, scores: dict, *, mention_keys: dict[str, int],
                      firms: dict[str, str] | None = None) -> dict:
    """The evaluation matrix's figures for one city (see module doc). ``mention_keys``: person
    node key → true pid (``synth.truth.mention_keys``); ``firms``: :func:`firm_entities`, when
    the caller has it."""
    patterns = json.loads((Path(city) / "truth" / "patterns.json").read_text(encoding="utf-8"))["patterns"]
    of = lambda name: [p for p in patterns if p["pattern"] == name]
    firm = firm_entities(city, G) if firms is None else firms
    X, shells, entity = scores["X"], scores["shells"], scores["entity"]
    ent_index = pd.Index([entity[k] for k in X.index], dtype=object)
    shell_ents = {firm[u] for p in of("shell_cluster") for u in p["companies"] if u in firm}
    y = pd.Series(ent_index.isin(list(shell_ents)), index=X.index)
    decoy_of = {firm[u]: p["pattern"] for p in patterns if p["kind"] == "decoy" for u in p["companies"] if u in firm}
    top100 = shells["score"].sort_index(kind="stable").sort_values(ascending=False, kind="stable").head(100).index
    decoys = defaultdict(int)
    for k in top100:
        if entity[k] in decoy_of:
            decoys[decoy_of[entity[k]]] += 1
    base = X["firms_at_address"].fillna(-1)
    out = {"firms": len(X), "coverage": coverage(X),
           "shell": {**_prf(shells["flag"].astype(bool), y), "p_at_50": _at(shells["score"], y, 50),
                     "p_at_100": _at(shells["score"], y, 100), "planted": int(y.sum()),
                     "planted_missing": len({u for p in of("shell_cluster") for u in p["companies"]} - set(firm)),
                     "group_hq_in_top_100": decoys.get("group_hq", 0), "decoys_in_top_100": dict(decoys)},
           "baseline": {**_prf(base >= base.quantile(0.99), y),
                        "p_at_50": _at(base, y, 50), "p_at_100": _at(base, y, 100)}}
    cut = max(1, math.ceil(TOP_SHARE * len(X)))
    dishonest, hiding = scores["dishonest"], scores["hiding"]
    serial = [firm.get(u) for p in of("serial_defaulter") for u in p["companies"]]
    ranks = [int(dishonest.at[e, "rank"]) if e in dishonest.index else len(X) for e in serial]
    out["serial_firms"] = {"planted": len(serial), "in_top_1pct": sum(r <= cut for r in ranks),
                           "worst_rank": max(ranks, default=0), "cut": cut}
    hid = [firm.get(p["facts"]["hidden_firm"]) for p in of("asset_hiding")]
    ranks = [int(hiding.at[e, "rank"]) if e in hiding.index else len(X) for e in hid]
    out["asset_hiding"] = {"planted": len(hid), "in_top_1pct": sum(r <= cut for r in ranks),
                           "found": sum(e in set(scores["hidden"]["firm"]) for e in hid if e),
                           "worst_rank": max(ranks, default=0)}
    # the moves the published files can date (the truth's ``datable`` fact, synth/datable.py)
    datable = [r for p, r in zip(of("asset_hiding"), ranks) if p["facts"].get("datable")]
    out["asset_hiding_datable"] = {"planted": len(datable), "in_top_1pct": sum(r <= cut for r in datable),
                                   "worst_rank": max(datable, default=0)}
    twins = [firm.get(u) for p in of("same_name") for u in p["companies"]]
    median = float(dishonest["risk"].median()) if len(dishonest) else 0.0
    out["clean_twins"] = {"planted": len(twins), "above_median": sum(
        1 for e in twins if e in dishonest.index and dishonest.at[e, "risk"] > median)}
    repeat = scores["repeat"]
    flagged = set(repeat.index[repeat["flag"].astype(bool)])
    ents: dict[int, set[str]] = defaultdict(set)
    nodes = Records.of(G).nodes
    for k, pid in mention_keys.items():
        if k in nodes:
            ents[pid].add(nodes[k].get("resolved") or k)
    for name in ("repeat_offender", "serial_defaulter"):  # serial defaulters need their firms' rep resolved
        wanted = of(name)
        hits = sum(1 for p in wanted if ({firm.get(p["subject"]["company"])} if "company" in p["subject"]
                                         else ents.get(p["subject"]["person"], set())) & flagged)
        out[name] = {"recall": round(hits / len(wanted), 4) if wanted else 1.0, "planted": len(wanted)}
    return out
