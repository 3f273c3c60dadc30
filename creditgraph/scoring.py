"""Run the scorers on a store: export, score shells / repeat offenders / hidden assets, write back.

The scoring itself is pure (``analytics/``); this module reads the resolved graph through the
port, writes scores and their reasons onto the nodes, and evaluates them against a
generated city's truth.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from functools import partial
from typing import Callable
from pathlib import Path

import networkx as nx
import numpy as np
import orjson
import pandas as pd

from creditgraph import collector
from creditgraph.analytics.clusters import firm_clusters
from creditgraph.analytics.hiding_ranking import hiding_firm_ranking
from creditgraph.analytics.features import INDICATORS, UNAVAILABLE, company_indicators, coverage
from creditgraph.analytics.frames import (SCORING_EDGE_PROPERTIES, SCORING_NODE_PROPERTIES, GraphFrames,
                                             frames_from_tables, graph_frames)
from creditgraph.analytics.offenders import hidden_assets, repeat_offenders
from creditgraph.analytics.resolve import records as resolve_records
from creditgraph.analytics.shell import score_shells
from creditgraph.analytics.spread import dishonesty_spread
from creditgraph.beside import Beside
from creditgraph.errors import CreditGraphError
from creditgraph.graph import runs
from creditgraph.graph.port import GraphStore
from creditgraph.progress import progress_bar

__all__ = ["score_graph", "node_scores", "SCORE_COLUMNS", "graph_stages", "run_scoring", "evaluate_scores",
           "evaluation_inputs", "EVALUATION_NODE_PROPERTIES", "EVALUATION_EDGE_PROPERTIES", "plot_pr_curves"]

log = logging.getLogger(__name__)


def _keys(frame: pd.DataFrame | pd.Series) -> list:
    return frame.index.to_numpy(dtype=object).tolist()


def score_graph(G: nx.MultiDiGraph | None, *, frames: GraphFrames | None = None) -> dict[str, pd.DataFrame | pd.Series]:
    """Every scorer on a resolved, exported graph: ``shells``, ``repeat``, ``hidden``,
    ``spread``, ``clusters``. The graph is read into columns once and shared; given ``frames``,
    ``G`` is not read (``None`` will do)."""
    frames = frames if frames is not None else graph_frames(G)
    X, evidence = company_indicators(G, frames=frames)
    return {"shells": score_shells(X, evidence), "repeat": repeat_offenders(G, frames=frames),
            "hidden": hidden_assets(G, frames=frames), "spread": dishonesty_spread(G, frames=frames),
            "clusters": firm_clusters(G, frames=frames)}


#: The score properties :func:`node_scores` writes, in column order.
SCORE_COLUMNS = ("shell_score", "shell_flag", "shell_reasons", "shell_unseen", "repeat_cases", "repeat_flag",
                 "repeat_reason", "asset_hiding", "hiding_rank", "moved_assets", "spread", "cluster")


def node_scores(frames: GraphFrames, shells: pd.DataFrame, repeat: pd.DataFrame, hidden: pd.DataFrame,
                spread: pd.Series, clusters: pd.DataFrame) -> pd.DataFrame:
    """The score properties to write, one row per node that gets any (index: node key; columns:
    :data:`SCORE_COLUMNS`, ``None`` where a node gets no such score). Firm scores go to the firm's
    node; entity scores (repeat offenders, spread, cluster) to every node resolved to the entity,
    and so does the debtor side of each asset-moving lead (``moved_assets``, the leads naming the
    entity as debtor, each with its receiving ``firm``). ``spread`` only where it is above 0 (at six
    places): 7,978 of the 11,042 nodes a 2,000-firm city's scoring wrote carried nothing but a spread
    of 0, and a scored store's page reads a person or firm without one as 0 (``app.state.entity``).
    ``repeat`` and ``spread`` are indexed, and ``clusters`` list members, by entity key or by entity
    id (the scorers' ``by_id=True``, which spares hashing millions of keys back to ids). O(nodes),
    array work but for the JSON of reasons and findings (orjson: a sixth of the stdlib encoder's
    time on 1M reason lists).
    Values are gathered per score first and laid out over the scored nodes only, so no
    column spans every node of the graph."""
    companies = frames.of_label("Company")
    firm_of = pd.Index(frames.keys[companies], dtype=object)  # firm scores land on Company nodes only

    def ids(index: pd.Index) -> np.ndarray:
        """Entity ids of an index of entity ids or entity keys (hashing every entity key once, ~2 s at 1M)."""
        if pd.api.types.is_integer_dtype(index.dtype):
            return index.to_numpy(dtype=np.int64)
        nonlocal entity_of
        entity_of = entity_of if entity_of is not None else pd.Index(frames.entities, dtype=object)
        return entity_of.get_indexer(index)

    entity_of = None
    puts: list[tuple[np.ndarray, dict[str, np.ndarray]]] = []  # (node positions, column → values there)

    def to_json(values) -> list[str]:
        return [orjson.dumps(v).decode() for v in values]

    def put_nodes(keys: list, **values: list) -> None:
        """Firm values onto every node of the firm's entity (the ranking lists the entity's own node)."""
        at = firm_of.get_indexer(keys)
        put_entities(np.where(at >= 0, frames.entity[companies[np.maximum(at, 0)]], -1), **values)

    def put_entities(at: np.ndarray, **values: list) -> None:
        """Entity values onto every node whose entity id is in ``at`` (-1: no such entity)."""
        ok = at >= 0
        has_entity = np.zeros(len(frames.entities), dtype=bool)
        has_entity[at[ok]] = True
        nodes = np.flatnonzero(has_entity[frames.entity])
        there = {}
        for c, v in values.items():
            by_entity = np.empty(len(frames.entities), dtype=object)
            by_entity[at[ok]] = np.asarray(v, dtype=object)[ok]
            there[c] = by_entity[frames.entity[nodes]]
        puts.append((nodes, there))

    if len(shells):
        put_nodes(_keys(shells), shell_score=[float(x) for x in shells["score"].tolist()],
                  shell_flag=[bool(x) for x in shells["flag"].tolist()],
                  shell_reasons=to_json(shells["reasons"].tolist()),
                  shell_unseen=to_json(shells["unseen"].tolist()) if "unseen" in shells else [None] * len(shells))
    if len(repeat):
        put_entities(ids(repeat.index), repeat_cases=[int(x) for x in repeat["cases"].tolist()],
                     repeat_flag=[bool(x) for x in repeat["flag"].tolist()], repeat_reason=repeat["reason"].tolist())
    if len(hidden):
        found: dict[str, list[dict]] = defaultdict(list)
        moved: dict[str, list[dict]] = defaultdict(list)  # the debtor side: its page reads its own node only
        names = [c for c in hidden.columns if c != "firm"]  # plain lists: to_dict walks Arrow strings one by one
        for firm, *values in zip(hidden["firm"].tolist(), *(hidden[c].tolist() for c in names)):
            lead = dict(zip(names, values))
            found[firm].append(lead)
            moved[lead["debtor"]].append({"firm": firm, **lead})
        place = hiding_firm_ranking(hidden, pd.Index(list(found), dtype=object))["rank"]
        put_nodes(list(found), asset_hiding=to_json(found.values()), hiding_rank=[int(x) for x in place[list(found)]])
        put_entities(ids(pd.Index(list(moved), dtype=object)), moved_assets=to_json(moved.values()))
    spread = spread.round(6)
    spread = spread[spread > 0]  # stored only where some risk arrives: most people and firms get 0
    if len(spread):
        put_entities(ids(spread.index), spread=spread.tolist())
    if len(clusters):
        sizes = [len(m) for m in clusters["members"].tolist()]
        put_entities(ids(pd.Index([f for m in clusters["members"].tolist() for f in m])),
                     cluster=[cluster_id(i) for i, k in enumerate(sizes) for _ in range(k)])
    scored = np.zeros(len(frames), dtype=bool)
    for nodes, _ in puts:
        scored[nodes] = True
    at = np.flatnonzero(scored)
    row = np.cumsum(scored) - 1
    cols = {c: np.full(len(at), None, dtype=object) for c in SCORE_COLUMNS}
    for nodes, there in puts:
        for c, v in there.items():
            cols[c][row[nodes]] = v
    return pd.DataFrame(cols, index=pd.Index(frames.keys[at], name="key", dtype=object), dtype=object)


#: Below this share of firms an indicator's absence is worth a warning.
COVERAGE_WARNING = 0.5


def coverage_warnings(firms: int, covered: dict[str, float]) -> list[str]:
    """Plain-words warnings about what shell scoring could not see in this store."""
    if not firms:
        return ["no firm could be scored: the store holds no company with registry facts "
                "(legal representative, officers, shareholders, address or founding date)"]
    out = [f"{name} could be computed for {share:.0%} of firms only: {UNAVAILABLE[name][1]}"
           for name, share in covered.items() if share < COVERAGE_WARNING]
    if len(out) > len(INDICATORS) / 2:
        out.append(f"most shell indicators are missing for most firms: shell scores rest on "
                   f"{len(INDICATORS) - len(out)} of {len(INDICATORS)} indicators and each firm's score lists the "
                   "ones it could not see")
    return out


def _distinct_names(names) -> list[str]:
    """Names in order, each once, with how many distinct people carry it ("张伟 ×3")."""
    counts: dict[str, int] = {}
    for n in names:
        counts[n] = counts.get(n, 0) + 1
    return [n if k == 1 else f"{n} ×{k}" for n, k in counts.items()]


def cluster_id(i: int) -> str:
    """The stored id of the ``i``-th cluster :func:`firm_clusters` returns."""
    return f"cl-{i:05d}"


def _cluster_ids(frames: GraphFrames, clusters: pd.DataFrame) -> dict[str, str]:
    """Firm entity key → the cluster id :func:`node_scores` writes (members by entity id or key)."""
    out = {}
    for i, members in enumerate(clusters["members"].tolist() if len(clusters) else []):
        for m in members:
            out[frames.entities[m] if isinstance(m, (int, np.integer)) else m] = cluster_id(i)
    return out


def graph_stages(frames: GraphFrames, *, seed: int = 0) -> tuple[pd.Series, pd.DataFrame, dict[str, float]]:
    """Spread and clusters by entity id, and their seconds: the scorers that work on the entity
    and firm graphs, which :func:`run_scoring` runs beside the firm scorers."""
    t = time.perf_counter()
    spread = dishonesty_spread(None, frames=frames, by_id=True)
    seconds = {"spread": round(time.perf_counter() - t, 2)}
    t = time.perf_counter()
    clusters = firm_clusters(None, frames=frames, seed=seed, by_id=True)
    seconds["clusters"] = round(time.perf_counter() - t, 2)
    return spread, clusters, seconds


def run_scoring(store: GraphStore, *, progress: bool | None = None, processes: int = 2,
                user: str | None = None, snapshot: Callable[[GraphFrames, dict[str, str]], None] | None = None
                ) -> dict:
    """Score every firm and person in ``store`` (resolve first: scores count resolved entities).

    Stages — read the tables, columns, each scorer, clear the last run's scores, write back — are logged with their
    seconds (``stage_seconds`` in the summary) and shown as a progress bar on a terminal. With two
    ``processes`` the graph stages (:func:`graph_stages`) run in a forked child while this process
    scores firms (:class:`~creditgraph.beside.Beside`; not beside the embedded store's in-process
    JVM, where all runs here); their seconds are the child's.

    The run is recorded in the store (:mod:`creditgraph.graph.runs`; ``user`` names who ran it): a
    score stopped after clearing the old scores leaves firms without any, and its unfinished record
    says so until this (every score clears and rewrites all) repairs it (``repaired`` in the
    summary). Refused while another score runs, or while a resolve or bulk load is unfinished:
    scores over a half-written resolution would look right and be wrong.

    ``snapshot(frames, clusters)``, if given, is called before the write-back with the frames read
    (every property) and each clustered firm entity's cluster id as written
    (:class:`creditgraph.governance.SnapshotTaker`: the governance snapshot without a second read)."""
    with runs.recorded(store, runs.SCORE, user=user, after=(runs.BULK_LOAD, runs.RESOLVE)) as run:
        with collector.paused():  # the graph's tables and frames stay in memory through the write-back
            summary = _score(store, progress, processes, run, snapshot)
        summary["run"], summary["repaired"] = run.key, run.repairs
        run.counts = {k: v for k, v in summary.items() if k not in ("riskiest_clusters", "warnings", "run", "repaired")}
    return summary


def _score(store: GraphStore, progress: bool | None, processes: int, run: runs.RunRecord,
           snapshot: Callable[[GraphFrames, dict[str, str]], None] | None = None) -> dict:
    t0 = time.perf_counter()
    seconds: dict[str, float] = {}
    with progress_bar(progress) as bar:
        task = bar.add_task("scoring", total=10)

        def stage(name: str, work, *, writes: bool = False):
            bar.update(task, description=name)
            run.stage(name, writes=writes)
            t = time.perf_counter()
            out = work()
            seconds[name] = round(time.perf_counter() - t, 2)
            log.info("%s: %.1f s", name, seconds[name])
            bar.advance(task)
            return out

        tables = stage("reading the graph",
                       lambda: store.export_tables(SCORING_NODE_PROPERTIES, SCORING_EDGE_PROPERTIES))
        if not any(t["resolved"].notna().any() for t in tables.nodes.values() if "resolved" in t):
            raise CreditGraphError("the graph is not resolved yet: run `creditgraph resolve` first")
        frames = stage("columns", partial(frames_from_tables, tables))
        del tables
        graph = Beside("spread and clusters", partial(graph_stages, frames), parallel=processes > 1)
        X, evidence = stage("shell indicators", lambda: company_indicators(None, frames=frames))
        shells = stage("shell model", partial(score_shells, X, evidence))
        repeat = stage("repeat offenders", lambda: repeat_offenders(None, frames=frames, by_id=True))
        hidden = stage("hidden assets", lambda: hidden_assets(None, frames=frames))
        spread, clusters, graph_seconds = stage("waiting for spread and clusters", graph.result)
        seconds.update(graph_seconds)
        covered = coverage(X)
        del X, evidence
        if snapshot is not None:
            stage("snapshot for governance", lambda: snapshot(frames, _cluster_ids(frames, clusters)))
        # firm entities with no registry fact (named only as a holder or on a list) get no shell score
        unscored = int(np.unique(frames.entity[frames.of_label("Company")]).size) - len(shells)
        frames = frames.structure()  # the write-back reads no property: let their strings go
        table = stage("scores per node", partial(node_scores, frames, shells, repeat, hidden, spread, clusters))
        # the nodes scored now are written whole (every score column, None removing), so only the
        # others need clearing: a rescore rewrites each scored node once
        stage("clearing old scores", lambda: store.clear_scores(SCORE_COLUMNS, keep=frozenset(table.index)),
              writes=True)
        written = stage("writing scores", lambda: store.write_scores(table, complete=SCORE_COLUMNS))
    warnings = coverage_warnings(len(shells), covered)
    for w in warnings:
        log.warning("%s", w)
    summary = {"firms_scored": len(shells), "firms_unscored": unscored,
               "shell_flags": int(shells["flag"].sum()) if len(shells) else 0,
               "shell_coverage": covered, "warnings": warnings,
               "repeat_entities": len(repeat), "repeat_flags": int(repeat["flag"].sum()) if len(repeat) else 0,
               "asset_hiding_findings": len(hidden), "clusters": len(clusters),
               "riskiest_clusters": [{"cluster": cluster_id(i), "size": int(c["size"]),
                                      "dishonest": int(c["dishonest"]),
                                      "key_persons": _distinct_names(p for p, _ in c["key_persons"])}
                                     for i, c in clusters.head(3).iterrows()],
               "nodes_written": written, "stage_seconds": seconds,
               "seconds": round(time.perf_counter() - t0, 1)}
    log.info("scored: %s", summary)
    return summary


#: What ``creditgraph evaluate`` reads of a store, once for both evaluations: resolution's node
#: properties, scoring's, and the stored scores it holds against the truth.
EVALUATION_NODE_PROPERTIES = tuple(dict.fromkeys(SCORING_NODE_PROPERTIES + resolve_records.NODE_PROPS
                                                 + ("shell_score", "shell_flag", "repeat_flag")))
EVALUATION_EDGE_PROPERTIES = tuple(dict.fromkeys(SCORING_EDGE_PROPERTIES + resolve_records.EDGE_PROPS))


def evaluation_inputs(store: GraphStore) -> tuple[resolve_records.Records, GraphFrames]:
    """The store read once as tables (no NetworkX export): the records resolution reads, with the
    stored scores, and the frames the scorers read (``creditgraph evaluate``)."""
    tables = store.export_tables(EVALUATION_NODE_PROPERTIES, EVALUATION_EDGE_PROPERTIES)
    return resolve_records.Records.from_tables(tables), frames_from_tables(tables)


@collector.paused()  # the records and frames are held while scoring again (creditgraph/collector.py)
def evaluate_scores(store: GraphStore, city: Path, *, hash_key: str,
                    inputs: tuple[resolve_records.Records | nx.Graph, GraphFrames | nx.Graph] | None = None,
                    truth=None) -> dict:
    """The evaluation matrix's figures (:func:`creditgraph.evaluation.detection_metrics`) for the
    store's *stored* shell scores and repeat flags, against a generated city's truth; the firm
    rankings (serial default, asset hiding) are recomputed from the store. ``inputs``: the
    store's :func:`evaluation_inputs` (or a graph for both), and ``truth``: the city's
    ``synth.truth.mention_keys`` (or a function giving them), when the caller has them. Adds the
    shell PR curve and ``profile`` (the generator profile the truth names)."""
    import json as _json

    from sklearn.metrics import precision_recall_curve

    from creditgraph.evaluation import detection_metrics, firm_entities, score_city
    from creditgraph.resolution import truth_keys
    from creditgraph.synth.truth import load_truth

    records, frames = evaluation_inputs(store) if inputs is None else inputs
    R = resolve_records.Records.of(records)
    scores = score_city(frames)
    stored = {k: d for k, d in R.nodes.items() if d.get("label") == "Company" and d.get("shell_score") is not None}
    if not stored:
        raise CreditGraphError("no scores in the store: run `creditgraph score` first")
    shells = scores["shells"]
    shells["score"] = [stored.get(k, {}).get("shell_score", 0.0) for k in shells.index]
    shells["flag"] = [bool(stored.get(k, {}).get("shell_flag")) for k in shells.index]
    repeat = scores["repeat"]
    flagged = {d.get("resolved") or k for k, d in R.nodes.items() if d.get("repeat_flag")}
    repeat["flag"] = [k in flagged for k in repeat.index]
    firms = firm_entities(city, R)
    result = detection_metrics(R, city, scores, mention_keys=truth_keys(truth, city, hash_key), firms=firms)
    profile = Path(city) / "truth" / "profile.json"
    result["profile"] = _json.loads(profile.read_text(encoding="utf-8")).get("name") if profile.exists() else "full"
    planted = {firms[u] for p in load_truth(city).of("shell_cluster") for u in p["companies"] if u in firms}
    y = [scores["entity"][k] in planted for k in shells.index]
    sp, sr, _ = precision_recall_curve(y, shells["score"].to_numpy(dtype=float))
    result["shell"]["pr_curve"] = [{"precision": round(float(a), 4), "recall": round(float(b), 4)}
                                   for a, b in list(zip(sp, sr))[:: max(1, len(sp) // 25)]]
    return result


def plot_pr_curves(result: dict, path: Path) -> Path:
    """Precision–recall curves of every result group that has one, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 4), dpi=120)
    for name, group in result.items():
        curve = group.get("pr_curve") if isinstance(group, dict) else None
        if curve:
            pts = [(c["recall"], c["precision"]) for c in curve]  # in threshold order
            ax.plot([r for r, _ in pts], [p for _, p in pts], marker=".", label=name)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
