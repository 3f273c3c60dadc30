"""The exported graph as columns: one pass over a NetworkX graph, then array work.

Every scorer needs the same few things from the graph — node labels, resolved entities,
a handful of properties per label, and edges by type with their role / ratio / since /
match. Reading them out of NetworkX's dicts in a Python loop per scorer cost most of the
scoring time at 1M firms; :func:`graph_frames` reads them once (O(nodes + edges)) into
NumPy/pandas columns that the scorers join and group. The scorers still take the graph
``G``; :func:`graph_frames` is what they call on it unless handed ``frames=`` already built
(``creditgraph.scoring`` builds one and passes it to each).

Positions are ``int64`` indexes into :attr:`GraphFrames.keys`; entities (``resolved`` or the
node's own key) are indexes into :attr:`GraphFrames.entities`.
"""

from __future__ import annotations

from functools import cached_property

import networkx as nx
import numpy as np
import pandas as pd

__all__ = ["GraphFrames", "graph_frames", "NO_DAY", "days"]

#: Day number standing for "no date" in the int64 day columns (far below any real date).
NO_DAY = np.iinfo(np.int64).min // 2



def days(values) -> np.ndarray:
    """ISO dates (or datetimes, or ``None``) → days since 1970 as int64, :data:`NO_DAY` where missing.
    Reads the first ten characters, like ``date.fromisoformat(str(v)[:10])``."""
    s = pd.Series(values, dtype=object)
    present = s.notna() & (s.astype(str) != "")
    out = np.full(len(s), NO_DAY, dtype=np.int64)
    if present.any():
        dt = pd.to_datetime(s[present].astype(str).str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
        d = dt.to_numpy(dtype="datetime64[D]").astype(np.int64)
        d[dt.isna().to_numpy()] = NO_DAY
        out[present.to_numpy()] = d
    return out


def iso(day: int) -> str:
    return str(np.datetime64(int(day), "D"))


class GraphFrames:
    """Columns of one graph. Build with :func:`graph_frames`; treat as read-only."""

    def __init__(self, keys: np.ndarray, labels: pd.Categorical, entity: np.ndarray, entities: np.ndarray,
                 data: list[dict], edges: pd.DataFrame, edge_data: list[dict]) -> None:
        self.keys = keys                # node key by position
        self.labels = labels            # node label by position (categorical)
        self.entity = entity            # entity index by position
        self.entities = entities        # entity key by entity index
        self.edges = edges              # u, v (positions), type (categorical), in graph order
        self._data = data               # node attribute dicts by position (NetworkX's own)
        self._edge_data = edge_data     # edge attribute dicts by edge row (NetworkX's own)
        self._attrs: dict[tuple[str, str], np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.keys)

    def of_label(self, *labels: str) -> np.ndarray:
        """Positions of the nodes with one of ``labels``, ascending."""
        return np.flatnonzero(np.isin(self.labels.codes, [self.labels.categories.get_loc(x) for x in labels
                                                          if x in self.labels.categories]))

    def is_label(self, positions: np.ndarray, *labels: str) -> np.ndarray:
        """Boolean mask: does the node at each position carry one of ``labels``."""
        codes = [self.labels.categories.get_loc(x) for x in labels if x in self.labels.categories]
        return np.isin(self.labels.codes[positions], codes)

    def attr(self, name: str, positions: np.ndarray) -> np.ndarray:
        """Node property ``name`` at ``positions`` (object array, ``None`` where absent)."""
        data = self._data
        return np.array([data[i].get(name) for i in positions], dtype=object) if len(positions) else \
            np.empty(0, dtype=object)

    def edges_of(self, *types: str) -> pd.DataFrame:
        """Edge rows of the given types (``u``, ``v`` and ``row``, the edge's index in :attr:`edges`)."""
        e = self.edges
        return e[e["type"].isin(types)]

    def edge_prop(self, name: str, rows: np.ndarray) -> np.ndarray:
        """Edge property ``name`` of the edge rows ``rows`` (object array, ``None`` where absent)."""
        data = self._edge_data
        return np.array([data[i].get(name) for i in rows], dtype=object) if len(rows) else \
            np.empty(0, dtype=object)

    @cached_property
    def entity_node(self) -> np.ndarray:
        """Node position of each entity key, -1 where the entity is not itself a node."""
        pos = pd.Index(self.keys).get_indexer(self.entities)
        return pos.astype(np.int64)


def graph_frames(G: nx.MultiDiGraph) -> GraphFrames:
    """Read ``G`` once into columns; O(nodes + edges) Python work, the rest is NumPy."""
    keys = np.empty(G.number_of_nodes(), dtype=object)
    keys[:] = list(G)
    data = [d for _, d in G.nodes(data=True)]
    label = [d.get("label") for d in data]
    resolved = [d.get("resolved") or n for n, d in zip(keys, data)]
    index = dict(zip(keys, range(len(keys))))
    u_pos: list[int] = []
    v_pos: list[int] = []
    edge_data: list[dict] = []
    multi = G.is_multigraph()
    for u, nbrs in G.adjacency():
        iu = index[u]
        for v, keyed in nbrs.items():
            ds = list(keyed.values()) if multi else [keyed]
            edge_data += ds
            u_pos += [iu] * len(ds)
            v_pos += [index[v]] * len(ds)
    types = [d.get("type") for d in edge_data]
    entity_codes, entities = pd.factorize(pd.Series(resolved, dtype=object))
    edges = pd.DataFrame({"u": np.asarray(u_pos, dtype=np.int64), "v": np.asarray(v_pos, dtype=np.int64),
                          "type": pd.Categorical(types)})
    edges["row"] = np.arange(len(edges), dtype=np.int64)
    return GraphFrames(keys, pd.Categorical(label), entity_codes.astype(np.int64), np.asarray(entities, dtype=object),
                       data, edges, edge_data)
