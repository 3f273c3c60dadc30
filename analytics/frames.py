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

from itertools import chain, repeat

import networkx as nx
import numpy as np
import pandas as pd

__all__ = ["GraphFrames", "graph_frames", "NO_DAY", "days"]

#: Day number standing for "no date" in the int64 day columns (far below any real date).
NO_DAY = np.iinfo(np.int64).min // 2



def days(values) -> np.ndarray:
    """ISO dates (or datetimes, or ``None``) → days since 1970 as int64, :data:`NO_DAY` where missing.
    Reads the first ten characters, like ``date.fromisoformat(str(v)[:10])``."""
    text = [str(v)[:10] if v else "NaT" for v in values]
    try:
        d = np.array(text, dtype="datetime64[D]")  # NumPy's own ISO parser
    except ValueError:  # something that is not a date: missing, as pandas reads it
        d = pd.to_datetime(pd.Series(text, dtype=object), format="%Y-%m-%d", errors="coerce").to_numpy("datetime64[D]")
    out = d.astype(np.int64)
    out[np.isnat(d)] = NO_DAY
    return out


def iso(day: int) -> str:
    return str(np.datetime64(int(day), "D"))


class GraphFrames:
    """Columns of one graph. Build with :func:`graph_frames`; treat as read-only."""

    def __init__(self, keys: np.ndarray, labels: pd.Categorical, entity: np.ndarray, entities: np.ndarray,
                 entity_node: np.ndarray, data: list[dict], edges: pd.DataFrame, edge_data: list[dict]) -> None:
        self.keys = keys                # node key by position
        self.labels = labels            # node label by position (categorical)
        self.entity = entity            # entity index by position
        self.entities = entities        # entity key by entity index
        self.entity_node = entity_node  # node position of each entity, -1 where it is not a node
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
        data, out = self._data, np.empty(len(positions), dtype=object)
        out[:] = [data[i].get(name) for i in np.asarray(positions).tolist()]
        return out

    def edges_of(self, *types: str) -> pd.DataFrame:
        """Edge rows of the given types (``u``, ``v`` and ``row``, the edge's index in :attr:`edges`)."""
        e = self.edges
        return e[e["type"].isin(types)]

    def edge_prop(self, name: str, rows: np.ndarray) -> np.ndarray:
        """Edge property ``name`` of the edge rows ``rows`` (object array, ``None`` where absent)."""
        data, out = self._edge_data, np.empty(len(rows), dtype=object)
        out[:] = [data[i].get(name) for i in np.asarray(rows).tolist()]
        return out



def graph_frames(G: nx.MultiDiGraph) -> GraphFrames:
    """Read ``G`` once into columns; O(nodes + edges) Python work, the rest is NumPy."""
    keys = np.empty(G.number_of_nodes(), dtype=object)
    keys[:] = list(G)
    data = [d for _, d in G.nodes(data=True)]
    label = [d.get("label") for d in data]
    resolved = [d.get("resolved") or n for n, d in zip(keys, data)]
    index = dict(zip(keys, range(len(keys))))
    get = index.__getitem__
    sources: list[int] = []
    fanout: list[int] = []
    v_pos: list[int] = []
    edge_data: list[dict] = []
    multi = G.is_multigraph()
    for u, nbrs in G.adjacency():  # C-level map/chain per node: ~0.3 µs an edge
        if not nbrs:
            continue
        if multi:
            counts = list(map(len, nbrs.values()))
            edge_data.extend(chain.from_iterable(map(dict.values, nbrs.values())))
            n = sum(counts)
            v_pos.extend(map(get, nbrs) if n == len(counts) else chain.from_iterable(map(repeat, map(get, nbrs), counts)))
        else:
            edge_data.extend(nbrs.values())
            n = len(nbrs)
            v_pos.extend(map(get, nbrs))
        sources.append(get(u))
        fanout.append(n)
    u_pos = np.repeat(np.asarray(sources, dtype=np.int64), fanout)
    types = [d.get("type") for d in edge_data]
    entity_codes, entities = pd.factorize(pd.Series(resolved, dtype=object))
    edges = pd.DataFrame({"u": np.asarray(u_pos, dtype=np.int64), "v": np.asarray(v_pos, dtype=np.int64),
                          "type": pd.Categorical(types)})
    edges["row"] = np.arange(len(edges), dtype=np.int64)
    entity_node = np.fromiter((index.get(e, -1) for e in entities), dtype=np.int64, count=len(entities))
    return GraphFrames(keys, pd.Categorical(label), entity_codes.astype(np.int64), np.asarray(entities, dtype=object),
                       entity_node, data, edges, edge_data)
