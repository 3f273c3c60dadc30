"""Run entity resolution on a store: read its tables, resolve firms then people, write the result back.

The algorithms are pure functions in ``analytics/resolve``; this module is the glue that reads
the graph and the reviewers' judgements through the port and writes links, canonical keys
and a summary back.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from dataclasses import dataclass, field

from creditgraph import collector
from creditgraph.analytics.resolve.companies import resolve_companies
from creditgraph.analytics.resolve.persons import Model, PersonResolution, resolve_persons, resolve_persons_at
from creditgraph.analytics.resolve.records import EDGE_PROPS, NODE_PROPS, Records
from creditgraph.errors import CreditGraphError
from creditgraph.graph import runs
from creditgraph.graph.port import GraphStore

__all__ = ["ResolutionSummary", "run_resolution", "review", "evaluate_persons"]

log = logging.getLogger(__name__)


@dataclass
class ResolutionSummary:
    companies: dict = field(default_factory=dict)
    persons: dict = field(default_factory=dict)
    refused: list[dict] = field(default_factory=list)   # examples of links a contradiction or reviewer refused
    seconds: float = 0.0
    run: str = ""                                        # key of this run's record in the store
    repaired: list[str] = field(default_factory=list)   # keys of stopped resolve runs this one redid

    def as_dict(self) -> dict:
        return {"companies": self.companies, "persons": self.persons, "refused_examples": self.refused,
                "seconds": round(self.seconds, 1), "run": self.run, "repaired": self.repaired}


def _link_rows(links) -> list[dict]:
    return [{"a": l.a, "b": l.b, "score": l.score, "method": l.method,
             "evidence": l.evidence_json} for l in links]


def run_resolution(store: GraphStore, *, model: Model | None = None, incremental: bool = False,
                   user: str | None = None) -> tuple[ResolutionSummary, PersonResolution]:
    """Resolve every Person and Company in ``store``; judgements stored there are honoured.
    ``incremental`` re-scores only the names that gained unresolved records (firms, being
    cheap and rule-based, are always redone).

    The run is recorded in the store (:mod:`creditgraph.graph.runs`, ``user`` names who ran it).
    A resolve that stopped half-way left some links rewritten and every node its old ``resolved``,
    which an incremental run cannot tell from done: after one, the run is a full one, whose result
    equals a clean run's, and it marks the stopped run repaired. Refused while another resolve
    runs, or while a bulk load is unfinished (the store is incomplete)."""
    with runs.recorded(store, runs.RESOLVE, user=user, options={"incremental": incremental},
                       after=(runs.BULK_LOAD,)) as run:
        if incremental and run.earlier:
            log.warning("redoing the whole resolution, not an incremental one: %s did not finish",
                        ", ".join(r.key for r in run.earlier))
            incremental = False
        with collector.paused():  # the records and mentions stay in memory through the write-back (collector.py)
            summary, people = _resolve(store, model, incremental, run)
        summary.run, summary.repaired = run.key, run.repairs
        run.counts = {k: v for k, v in summary.as_dict().items() if k != "refused_examples"}
    return summary, people


def _resolve(store: GraphStore, model: Model | None, incremental: bool,
             run: runs.RunRecord) -> tuple[ResolutionSummary, PersonResolution]:
    t0 = time.perf_counter()
    run.stage("reading the graph")
    R = read_records(store)
    run.stage("resolving firms")
    firms = resolve_companies(R)
    firm_links = [l for l in firms.links]
    run.stage("writing firm links and resolved keys", writes=True)
    store.write_resolution("Company", [{"a": l.a, "b": l.b, "score": l.score, "method": "rule",
                                        "evidence": json.dumps(l.evidence, ensure_ascii=False, sort_keys=True)}
                                       for l in firm_links], firms.canonical)
    judged = [(j["a"], j["b"], j["verdict"]) for j in store.judgements("Person")]
    run.stage("resolving people")
    people = resolve_persons(R, model=model, company_canonical=firms.canonical, judgements=judged,
                             incremental=incremental)
    new_links = [l for l in people.links if not (incremental and R.nodes[l.a].get("resolved")
                                                 and R.nodes[l.a].get("resolved") == R.nodes[l.b].get("resolved"))]
    run.stage("writing person links and resolved keys")
    store.write_resolution("Person", _link_rows(new_links), people.canonical, replace=not incremental)
    sizes = Counter(people.canonical.values())  # people.clusters() would hold a list per person
    summary = ResolutionSummary(
        companies={"records": len(firms.canonical), "links": len(firm_links),
                   "entities": len(set(firms.canonical.values())), "ambiguous": len(firms.ambiguous)},
        persons={"records": len(people.canonical), "candidates": people.candidates, "links": len(people.links),
                 "entities": len(sizes), "largest": max(sizes.values(), default=0),
                 "refused": len(people.refused), "judgements": len(judged)},
        refused=[{"a": l.a, "b": l.b, "score": l.score, "why": why} for l, why in people.refused[:10]],
        seconds=time.perf_counter() - t0)
    log.info("resolved %d person records into %d people, %d firm records into %d firms in %.1f s",
             summary.persons["records"], summary.persons["entities"], summary.companies["records"],
             summary.companies["entities"], summary.seconds)
    return summary, people


def read_records(store: GraphStore) -> Records:
    """What resolution reads of ``store``: its tables of resolution's properties, not a graph export."""
    return Records.from_tables(store.export_tables(NODE_PROPS, EDGE_PROPS))


def truth_keys(truth, city, hash_key: str) -> dict[str, int]:
    """A generated city's person keys → true pids: ``truth`` as given, or called where it is a
    function (the caller computes them beside other work), or ``synth.truth.mention_keys``."""
    from creditgraph.synth.truth import mention_keys

    if truth is None:
        return mention_keys(city, hash_key=hash_key)
    return truth() if callable(truth) else truth


def review(store: GraphStore, a: str, b: str, verdict: str, *, by: str, why: str) -> None:
    """Store a reviewer's decision. "same" is refused when it contradicts a stored "not_same"
    between the two records' resolved entities, or their ID numbers; "not_same" always stands."""
    from creditgraph.graph.schema import schema

    label = schema().label_of(a)
    if verdict == "same":
        ea, eb = store.get(a), store.get(b)
        ra, rb = ea.props.get("resolved") or a, eb.props.get("resolved") or b
        for j in store.judgements(label):
            if j["verdict"] != "not_same":
                continue
            ends = {j["a"], j["b"]}
            groups = _resolved_of(store, ends)
            if {groups.get(j["a"]), groups.get(j["b"])} == {ra, rb} or ends == {a, b}:
                raise CreditGraphError(
                    f"refused: {j['by'] or 'a reviewer'} judged {j['a']} and {j['b']} not the same on {j['at']}"
                    f" ({j['why'] or 'no reason given'}); record a new not-same/same decision on that pair first")
        if label == "Person" and ea.props.get("id_hash") and eb.props.get("id_hash") \
                and ea.props["id_hash"] != eb.props["id_hash"]:
            raise CreditGraphError(f"refused: {a} and {b} carry different full ID numbers")
    store.judge(a, b, verdict, by=by, why=why)


def _resolved_of(store: GraphStore, keys) -> dict[str, str]:
    return {k: store.get(k).props.get("resolved") or k for k in keys}


@collector.paused()  # the records are held while re-resolving (creditgraph/collector.py)
def evaluate_persons(store: GraphStore, city, *, hash_key: str,
                     thresholds=(0.01, 0.05, 0.2, 0.5, 0.8, 0.95, 0.99), records=None, truth=None) -> dict:
    """Person-link precision, recall and F1 of the stored resolution against a generated city's
    truth (the city must be what was loaded, with the same ID hash key), plus a PR curve from
    re-resolving at other thresholds. ``records``: the store's :class:`Records` (or its exported
    graph), and ``truth``: the city's ``synth.truth.mention_keys`` (or a function giving them,
    asked for once the resolutions are done), when the caller has them."""
    from creditgraph.analytics.resolve.evaluate import PairCounter
    from creditgraph.analytics.resolve.persons import mentions_of

    R = read_records(store) if records is None else Records.of(records)
    firm_canon = {k: d.get("resolved") or k for k, d in R.nodes.items() if d.get("label") == "Company"}
    canonical = {k: d.get("resolved") or k for k, d in R.nodes.items() if d.get("label") == "Person"}
    found = mentions_of(R, firm_canon)
    base = Model.load()
    at = resolve_persons_at(R, thresholds, model=base, company_canonical=firm_canon, found=found)
    keys = truth_keys(truth, city, hash_key)
    if not any(k in R for k in keys):
        raise CreditGraphError(f"the store holds none of {city}'s people: load it (with the same ID hash key) first")
    pairs = PairCounter(keys, found[0])
    now = pairs.metrics(canonical)
    curve = []
    for t, res in at.items():
        m = pairs.metrics(res.canonical)["masked"]
        curve.append({"threshold": t, "precision": m["precision"], "recall": m["recall"], "f1": m["f1"]})
    return {"person_link": {**now["masked"], "threshold": base.threshold, "pr_curve": curve},
            "person_link_all_pairs": now["all"]}
