"""Scoring speed and memory per stage on a synthetic city, with ratios against plain NetworkX.

    python -m bench.score_speed [--companies 1000000] [--seed 5] [--resolve model|truth]
                                [--nx-limit 300] [--cache DIR] [--skip-nx] [--processes 2]

Preparation (not scoring, reported apart, in a child process so its memory is not counted):
generate the city, load it through the real loaders into memory, resolve people and firms,
and keep the tables of the scoring properties — what ``run_scoring`` gets from
``store.export_tables()`` on a resolved store. At 1M that takes most of an hour and ~16 GB,
so the tables are pickled once under ``--cache`` (git-ignored) and later runs start from them.

Then every stage of ``run_scoring`` between reading and writing runs on those tables as in
production: the firm stages one after another in this process while spread and clusters run in
a forked child beside them (``--processes 1``: all here, in turn). Per stage: seconds, CPU
seconds of this process and peak memory: RSS from /proc/self/statm every 20 ms, plus, while
the child lives, the child's private memory (USS, from smaps_rollup every 0.5 s: pages the two
share after the fork count once). The child's stages are listed with the seconds the child
measured; the scoring total is the wall time of this process's stages, waiting for the child
included. No NetworkX graph of the city is built for scoring. For every kernel the stages run
on a compiled or sparse path, the same kernel is timed in plain NetworkX on the same input,
unless NetworkX is expected to pass ``--nx-limit`` seconds: then it runs on a sample of the
input (labelled, with its size) and the ratio compares like with like on that sample. Prints
one table and a final ratio line.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import pickle
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import networkx as nx
import numpy as np

from bench._measure import Table, _rss, machine

log = logging.getLogger(__name__)

#: Louvain in NetworkX on a bigger component would not finish (the 1M city has one of 568k firms):
#: above this, the comparison runs on a BFS ball of this many firms inside it.
NX_COMPONENT_MOST = 50_000


def truth_resolved_city_graph(city: Path) -> nx.MultiDiGraph:
    """A generated city loaded in memory with firms resolved by the company resolver and people
    by the generator's truth (every mention of one true person → one key): the shape the
    person resolver produces, without its run time, for sizes where that run is the bottleneck."""
    from creditgraph.analytics.resolve.companies import company_canonical
    from creditgraph.training.cities import HASH_KEY, city_graph
    from creditgraph.synth.truth import mention_keys

    G = city_graph(city)
    canonical = company_canonical(G)
    first: dict[int, str] = {}
    for k, pid in sorted(mention_keys(city, hash_key=HASH_KEY).items()):
        if k in G:
            canonical[k] = first.setdefault(pid, k)
    for k, c in canonical.items():
        G.nodes[k]["resolved"] = c
    return G


def _resolved_graph(companies: int, seed: int, cache: Path, table: Table, resolve: str) -> nx.MultiDiGraph:
    """The resolved city graph: unpickled when an earlier run left it, else generated, loaded, resolved."""
    from creditgraph.training.cities import resolved_city_graph
    from creditgraph.synth.generate import generate

    city = cache / f"city-{companies}-s{seed}"
    pick = cache / f"resolved-{companies}-s{seed}-{resolve}.pickle"
    if pick.exists():
        with table.stage("read resolved graph (unpickle)", kind="prep"):
            with open(pick, "rb") as f:
                return pickle.load(f)
    if not (city / "truth").is_dir():
        with table.stage("generate city", kind="prep"):
            generate(companies, seed=seed, out=city, progress=False)
    with table.stage(f"load + resolve in memory ({resolve})", kind="prep"):
        return resolved_city_graph(city) if resolve == "model" else truth_resolved_city_graph(city)


def prepare(companies: int, seed: int, cache: Path, table: Table, *, resolve: str = "model") -> Path:
    """The scoring input — the tables ``store.export_tables`` would return for the resolved city —
    pickled under ``cache``; built now (generate, load, resolve, tabulate) if missing. Returns its path."""
    from creditgraph.analytics.frames import SCORING_EDGE_PROPERTIES, SCORING_NODE_PROPERTIES, graph_tables

    out = cache / f"tables-{companies}-s{seed}-{resolve}.pickle"
    if out.exists():
        return out
    G = _resolved_graph(companies, seed, cache, table, resolve)
    with table.stage("tables of the scoring properties", kind="prep") as row:
        tables = graph_tables(G, SCORING_NODE_PROPERTIES, SCORING_EDGE_PROPERTIES)
        row["note"] = f"{G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges"
    del G
    with table.stage("pickle tables", kind="prep"):
        tmp = out.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            pickle.dump(tables, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.rename(out)
    return out


def read_tables(path: Path, table: Table):
    with table.stage("read input tables (unpickle)", kind="input",
                     note="stands in for store.export_tables(); not part of the scoring total") as row:
        gc.disable()  # millions of small objects: the cyclic collector only slows unpickling
        try:
            with open(path, "rb") as f:
                tables = pickle.load(f)
        finally:
            gc.enable()
        row["note"] = (f"{len(tables):,} nodes, {sum(len(t) for t in tables.edges.values()):,} edges; "
                       + row["note"])
    return _as_exported(tables)


def _as_exported(tables):
    """The tables as ``export_tables`` returns them: per label/type the properties its schema declares
    (tables pickled before ``graph_tables`` left out empty columns carry every property everywhere),
    text as Arrow strings (tables pickled before the export gave Arrow text hold Python strings)."""
    from creditgraph.graph.records import GraphTables, text_columns
    from creditgraph.graph.schema import schema

    sch = schema()
    keep = lambda t, fixed, declared: text_columns(t[[c for c in t.columns if c in fixed or c in declared]])
    return GraphTables({label: keep(t, ("key",), sch.node(label).properties) for label, t in tables.nodes.items()},
                       {type_: keep(t, ("start", "end"), sch.rel(type_).properties)
                        for type_, t in tables.edges.items()})


def _kernel_rows(table: Table, frames, fg, spread_inputs, nx_limit: float,
                 seed: int) -> list[tuple[str, float, float, str]]:
    """Each accelerated kernel, fast path then plain NetworkX, on the same input; returns
    (kernel, fast seconds, NetworkX seconds, what NetworkX ran on)."""
    from creditgraph.analytics.kernels import community_labels, component_labels, ppr

    out = []
    n = len(fg.firms)
    # weakly connected components of the firm graph
    with table.stage("kernel: firm components, scipy csgraph", kind="kernel"):
        comp = component_labels(n, fg.a, fg.b)
    fast = table.rows[-1]["seconds"]
    with table.stage("  build nx.Graph of the firm graph", kind="nx-build", note="not in the ratio"):
        F = nx.Graph()
        F.add_nodes_from(range(n))
        F.add_edges_from(zip(fg.a.tolist(), fg.b.tolist()))
    with table.stage("  plain NetworkX: nx.connected_components", kind="nx"):
        n_nx = sum(1 for _ in nx.connected_components(F))
    assert n_nx == comp.max() + 1, (n_nx, comp.max() + 1)
    out.append(("components", fast, table.rows[-1]["seconds"], f"all {n:,} firms, {len(fg.a):,} edges"))

    # communities (Leiden here, Louvain in NetworkX) of every component above SPLIT_ABOVE
    from creditgraph.analytics.clusters import LEIDEN_UNTIL_STABLE, SPLIT_ABOVE

    size = np.bincount(comp)
    big = [c for c in np.argsort(-size) if size[c] > SPLIT_ABOVE]
    members = {c: np.flatnonzero(comp == c) for c in big} if len(big) < 2000 else None
    if members is None:
        order = np.argsort(comp, kind="stable")
        starts = np.r_[0, np.cumsum(size)]
        members = {c: order[starts[c]:starts[c + 1]] for c in big}
    t_fast, t_nx, done, done_nodes, total_nodes = 0.0, 0.0, 0, 0, int(sum(size[c] for c in big))
    rng = np.random.default_rng(seed)
    sampled = 0
    for c in rng.permutation(big) if len(big) else []:
        nodes = members[c]
        if len(nodes) > NX_COMPONENT_MOST:  # a BFS ball: connected, and something NetworkX finishes
            start = int(rng.choice(nodes))
            ball = [start] + [v for _, v in zip(range(NX_COMPONENT_MOST - 1), (v for _, v in nx.bfs_edges(F, start)))]
            sampled, nodes = len(nodes), np.asarray(ball)
        sub = F.subgraph(nodes.tolist())
        t0 = time.perf_counter()
        nx.community.louvain_communities(sub, seed=seed)
        t_nx += time.perf_counter() - t0
        local = {k: i for i, k in enumerate(nodes.tolist())}
        a = np.fromiter((local[u] for u, v in sub.edges()), dtype=np.int64)
        b = np.fromiter((local[v] for u, v in sub.edges()), dtype=np.int64)
        t0 = time.perf_counter()
        community_labels(len(local), a, b, seed=seed,
                         n_iterations=-1 if len(local) <= LEIDEN_UNTIL_STABLE else 2)
        t_fast += time.perf_counter() - t0
        done += 1
        done_nodes += len(nodes)
        if t_nx > nx_limit:
            break
    table.rows.append({"stage": "kernel: communities, igraph Leiden", "kind": "kernel", "seconds": t_fast,
                       "peak_gb": table.rss.peak() / 2**30, "note": ""})
    table.rows.append({"stage": "  plain NetworkX: louvain_communities", "kind": "nx", "seconds": t_nx,
                       "peak_gb": table.rss.peak() / 2**30, "note": ""})
    on = (f"SAMPLE: a BFS ball of {NX_COMPONENT_MOST:,} firms inside the {sampled:,}-firm component"
          + (f" and {done - 1:,} more components" if done > 1 else "") if sampled else
          f"all {len(big):,} components > {SPLIT_ABOVE} firms ({total_nodes:,} firms)" if done == len(big) else
          f"SAMPLE: {done:,} of {len(big):,} components > {SPLIT_ABOVE} firms, in random order until NetworkX "
          f"passed {nx_limit:.0f} s ({done_nodes:,} of {total_nodes:,} firms)")
    out.append(("communities", t_fast, t_nx, on))
    del F

    # personalised PageRank on the entity graph
    nodes, A, seeds = spread_inputs
    s = np.array([seeds.get(k, 0.0) for k in nodes])
    with table.stage("kernel: personalised PageRank, scipy power iteration", kind="kernel"):
        r = ppr(A, s, symmetric=True)
    fast = table.rows[-1]["seconds"]
    with table.stage("  build nx.DiGraph of the entity graph", kind="nx-build", note="not in the ratio"):
        D = nx.from_scipy_sparse_array(A, create_using=nx.DiGraph)
        pers = {i: w for i, w in enumerate(s) if w}
    with table.stage("  plain NetworkX: nx.pagerank(personalization=…)", kind="nx"):
        pr = nx.pagerank(D, alpha=0.85, personalization=pers, tol=1e-9 / len(nodes), max_iter=200)
    got = np.array([pr[i] for i in range(len(nodes))])
    assert np.abs(got - r).sum() < 1e-6, np.abs(got - r).sum()
    out.append(("PageRank", fast, table.rows[-1]["seconds"], f"all {len(nodes):,} entities, {A.nnz:,} arcs"))
    del D

    # ownership rings (strong components of holdings between firms)
    hold = frames.edges_of("SHAREHOLDER_OF")
    hu, hv = frames.entity[hold["u"].to_numpy()], frames.entity[hold["v"].to_numpy()]
    firm = frames.is_label(hold["u"].to_numpy(), "Company")
    hu, hv = hu[firm], hv[firm]
    ne = len(frames.entities)
    with table.stage("kernel: ownership rings, scipy strong components", kind="kernel"):
        component_labels(ne, hu, hv, strong=True)
    fast = table.rows[-1]["seconds"]
    H = nx.DiGraph()
    H.add_nodes_from(range(ne))
    H.add_edges_from(zip(hu.tolist(), hv.tolist()))
    with table.stage("  plain NetworkX: nx.strongly_connected_components", kind="nx"):
        sum(1 for _ in nx.strongly_connected_components(H))
    out.append(("strong components", fast, table.rows[-1]["seconds"], f"all {ne:,} entities, {len(hu):,} holdings"))
    return out


def main(argv=None) -> None:
    from creditgraph.analytics.clusters import firm_edges
    from creditgraph.analytics.features import company_indicators
    from creditgraph.analytics.frames import frames_from_tables
    from creditgraph.analytics.offenders import hidden_assets, repeat_offenders
    from creditgraph.analytics.shell import score_shells
    from creditgraph.analytics.spread import entity_graph
    from creditgraph.beside import Beside
    from creditgraph.scoring import graph_stages, node_scores

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--companies", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--resolve", choices=("model", "truth"), default="model",
                    help="people resolved by the person resolver (model) or by the generator's truth")
    ap.add_argument("--nx-limit", type=float, default=300.0,
                    help="seconds plain NetworkX may spend on a kernel before it runs on a sample")
    ap.add_argument("--cache", type=Path, default=Path(".creditgraph/bench"))
    ap.add_argument("--skip-nx", action="store_true", help="time the scoring stages only")
    ap.add_argument("--processes", type=int, choices=(1, 2), default=2,
                    help="2: spread and clusters in a forked child beside the firm stages, as run_scoring does")
    ap.add_argument("--prepare-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    args.cache.mkdir(parents=True, exist_ok=True)
    table = Table(children=True)
    if args.prepare_only:
        prepare(args.companies, args.seed, args.cache, table, resolve=args.resolve)
        return
    path = args.cache / f"tables-{args.companies}-s{args.seed}-{args.resolve}.pickle"
    if not path.exists():  # in a child process, so its memory does not count against scoring
        log.warning("preparing %s in a child process (minutes at 1M)", path)
        subprocess.run([sys.executable, "-m", "bench.score_speed", "--prepare-only", "--companies", str(args.companies),
                        "--seed", str(args.seed), "--resolve", args.resolve, "--cache", str(args.cache)], check=True)
    tables = read_tables(path, table)
    input_gb = _rss() / 2**30
    G = None  # the scorers read the frames only

    with table.stage("columns: frames from the tables") as row:
        frames = frames_from_tables(tables)
        n_nodes, n_edges = len(frames), len(frames.edges)
    del tables
    parallel, first_beside = args.processes > 1, len(table.rows)
    with table.stage("fork: spread + clusters beside" if parallel else "spread + clusters, in this process") as row:
        graph = Beside("spread and clusters", partial(graph_stages, frames, seed=args.seed), parallel=parallel)
    with table.stage("features: 11 shell indicators") as row:
        X, evidence = company_indicators(G, frames=frames)
        row["note"] = f"{len(X):,} firms"
    with table.stage("model: shell score + top-3 reasons") as row:
        shells = score_shells(X, evidence)
        row["note"] = f"{int(shells['flag'].sum()):,} flagged"
    with table.stage("repeat offenders") as row:
        repeat = repeat_offenders(G, frames=frames, by_id=True)
        row["note"] = f"{len(repeat):,} listed entities"
    with table.stage("hidden assets") as row:
        hidden = hidden_assets(G, frames=frames)
        row["note"] = f"{len(hidden):,} findings"
    with table.stage("wait for spread + clusters") as row:
        spread, clusters, graph_seconds = graph.result()
    kind = "beside" if parallel else "part"  # part: of the "spread + clusters, in this process" row
    table.rows += [{"stage": "  spread: entity graph + personalised PageRank", "kind": kind,
                    "seconds": graph_seconds["spread"], "note": f"{len(spread):,} entities"},
                   {"stage": "  clusters: firm graph, components, Leiden", "kind": kind,
                    "seconds": graph_seconds["clusters"], "note": f"{len(clusters):,} clusters"}]
    peak_beside = max(r["peak_gb"] for r in table.rows[first_beside:-2])  # the rows the child ran beside
    for r in table.rows[-2:]:
        r["peak_gb"] = peak_beside
    del X, evidence
    frames = frames.structure()  # as run_scoring does
    with table.stage("scores per node, for write-back") as row:
        scores = node_scores(frames, shells, repeat, hidden, spread, clusters)
        row["note"] = f"{len(scores):,} nodes"
    scoring = [r for r in table.rows if r["kind"] == "scoring"]
    total = sum(r["seconds"] for r in scoring)
    cpu_total = sum(r["cpu"] for r in scoring)
    peak = max(r["peak_gb"] for r in scoring)
    del scores, shells, repeat, hidden, spread, clusters

    kernels = []
    if not args.skip_nx:
        # the kernels' inputs need the properties the write-back let go: read the tables again
        del frames
        frames = frames_from_tables(read_tables(path, Table()))
        kernels = _kernel_rows(table, frames, firm_edges(G, frames=frames), entity_graph(G, frames=frames),
                               args.nx_limit, args.seed)

    print(f"# python -m bench.score_speed --companies {args.companies} --seed {args.seed} --resolve {args.resolve} "
          f"--nx-limit {args.nx_limit:.0f} --processes {args.processes}{' --skip-nx' if args.skip_nx else ''}"
          f"   ({time.strftime('%Y-%m-%d')})")
    print(f"# machine: {machine()}; load average at the end {os.getloadavg()[0]:.1f} (other work shares the cores)")
    print(f"# input: {n_nodes:,} nodes, {n_edges:,} edges as tables of the scoring properties; "
          f"process RSS with the tables loaded {input_gb:.2f} GB (no NetworkX graph of the city is built)")
    print(f"{'stage':<56} {'kind':<8} {'seconds':>9} {'cpu s':>8} {'peak RSS GB':>12}  note")
    for r in table.rows:
        cpu = f"{r['cpu']:>8.2f}" if "cpu" in r else f"{'':>8}"
        print(f"{r['stage']:<56} {r['kind']:<8} {r['seconds']:>9.2f} {cpu} {r['peak_gb']:>12.2f}  {r['note']}")
    print(f"{'scoring total (kind=scoring)':<56} {'':<8} {total:>9.2f} {cpu_total:>8.2f} {peak:>12.2f}  "
          f"target ≤ 60 s, ≤ 6 GB: "
          f"{'met' if total <= 60 else 'MISSED'} / {'met' if peak <= 6 else 'MISSED'}")
    for name, fast, slow, on in kernels:
        print(f"ratio {name:<18} plain NetworkX {slow:8.2f} s / fast {fast:7.3f} s "
              f"= {slow / max(fast, 1e-9):7.1f}×  ({on})")
    print("ratio line: scoring {:.1f} s, peak {:.2f} GB at {:,} companies; ".format(total, peak, args.companies)
          + ", ".join(f"{name} {slow / max(fast, 1e-9):.0f}×" for name, fast, slow, _ in kernels))


if __name__ == "__main__":
    main()
