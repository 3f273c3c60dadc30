"""Spread of dishonesty (关联风险): risk flowing from dishonest people and firms to those tied to them.

Personalised PageRank on the graph of resolved entities: every dishonest person or firm is a
seed in proportion to its distinct 失信 cases; risk flows along legal-rep, shareholder and
officer ties, weighted by how much control the tie carries (:data:`EDGE_WEIGHTS`), and along
the links between a firm and its own list entries. A clean-looking firm run by a serial
defaulter thus ranks high. The entity graph is read from the graph's columns (:mod:`.frames`);
power iteration on a SciPy sparse matrix (:func:`.kernels.ppr`): O(iterations × edges).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse

from creditgraph.analytics.frames import GraphFrames, graph_frames
from creditgraph.analytics.kernels import ppr, present

__all__ = ["EDGE_WEIGHTS", "ALPHA", "entity_graph", "dishonesty_spread"]

#: How much of a person's or firm's risk a tie passes on: the legal rep answers for the firm
#: (法定代表人), a holder by the size of the stake, an officer (监事, 董事 …) least.
EDGE_WEIGHTS = {"LEGAL_REP_OF": 1.0, "SHAREHOLDER_OF": 0.8, "OFFICER_OF": 0.4}
ALPHA = 0.85  # the usual PageRank damping: 15 % of the mass returns to the seeds each step


def entity_graph(G: nx.MultiDiGraph, weights=EDGE_WEIGHTS, *, frames: GraphFrames | None = None
                 ) -> tuple[list[str], sparse.csr_matrix, dict[str, float]]:
    """Resolved Person/Company entities, their symmetric tie weights, and seed weights (cases)."""
    fr = frames if frames is not None else graph_frames(G)
    ents, A, seeds = _entity_arrays(fr, weights)
    listed = np.flatnonzero(seeds)
    return (fr.entities[ents].tolist(), A,
            dict(zip(fr.entities[ents[listed]].tolist(), seeds[listed].tolist())))


def _entity_arrays(fr: GraphFrames, weights) -> tuple[np.ndarray, sparse.csr_matrix, np.ndarray]:
    """:func:`entity_graph` by entity id: ids (ascending), adjacency in that order, cases per id."""
    e = fr.edges_of(*weights)
    u, v = e["u"].to_numpy(), e["v"].to_numpy()
    keep = fr.is_label(u, "Person", "Company") & fr.is_label(v, "Company")
    a, b, rows = fr.entity[u[keep]], fr.entity[v[keep]], e["row"].to_numpy()[keep]
    t = e["type"][keep]
    w = np.array(t.map(weights), dtype=float)
    stake = (t == "SHAREHOLDER_OF").to_numpy()
    w[stake] *= 0.5 + 0.5 * np.array([float(r or 0.0) for r in fr.edge_prop("ratio", rows[stake])])
    loop = a == b
    a, b, w = a[~loop], b[~loop], w[~loop]
    li = fr.edges_of("LISTED_IN")
    li = li[fr.is_label(li["v"].to_numpy(), "DishonestRecord")]
    cases = pd.DataFrame({"e": fr.entity[li["u"].to_numpy()], "case": fr.attr("case_no", li["v"].to_numpy())})
    n_cases = cases.drop_duplicates().groupby("e").size()
    listed = n_cases.index.to_numpy(dtype=np.int64)
    ents, rank = present(len(fr.entities), a, b, listed)
    i, j = rank[a], rank[b]
    n = len(ents)
    A = sparse.csr_matrix((np.concatenate([w, w]), (np.concatenate([i, j]), np.concatenate([j, i]))), shape=(n, n))
    seeds = np.zeros(n)
    seeds[rank[listed]] = n_cases.to_numpy(dtype=float)
    return ents, A, seeds


def dishonesty_spread(G: nx.MultiDiGraph, *, alpha: float = ALPHA, weights=EDGE_WEIGHTS, tol: float = 1e-9,
                      max_iter: int = 200, frames: GraphFrames | None = None, by_id: bool = False) -> pd.Series:
    """Risk per resolved entity, scaled so the riskiest is 1.0 (0 where no risk arrives), riskiest
    first. Indexed by entity key; with ``by_id`` by entity id (position in ``frames.entities``),
    unsorted — for a caller holding the frames, which then need not hash millions of keys back."""
    fr = frames if frames is not None else graph_frames(G)
    ents, A, seeds = _entity_arrays(fr, weights)
    r = np.zeros(len(ents))
    if seeds.any():
        r = ppr(A, seeds, alpha=alpha, tol=tol, max_iter=max_iter, symmetric=True)
        r /= r.max()
    if by_id:
        return pd.Series(r, index=pd.Index(ents, name="entity"))
    return pd.Series(r, index=pd.Index(fr.entities[ents], dtype=object)).sort_values(ascending=False)
