"""A ``GraphStore`` held in Python: the whole port without a database (tests, notebooks; no JVM).

Records live in a :class:`~creditgraph.graph.bulk.Fold`, so writes merge as the bulk load and
the ``MERGE`` queries do; walks go through an undirected NetworkX ``MultiGraph`` of the same
records, rebuilt after edges change. The contract suite (``tests/graph/test_contract.py``) holds
it to the Bolt adapter's answers: both order, cap and sort with the helpers of ``graph/port.py``,
search confidences with ``analytics.confidence``, and check arguments with the query builders.
Where Bolt leaves an order to the database (``find``, ``names``) keys come in the order first
written; where Bolt cuts short before ranking (``search`` per label, ``shortest_paths``), this
store ranks every match first. One process, one writer, nothing kept on exit.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from collections import Counter, defaultdict
from typing import Any, Callable, Collection, Iterable, Iterator, Mapping, Sequence

import networkx as nx
import numpy as np
import pandas as pd

from creditgraph.analytics import confidence
from creditgraph.errors import NotFound, StoreError
from creditgraph.graph import queries as q
from creditgraph.graph.bulk import Fold
from creditgraph.graph.port import (GraphStore, best_matches, check_judgement, check_resolvable, entity,
                                    group_keys, path_order, plain, plain_props, rank_filters, score_rows,
                                    walk_neighbourhood)
from creditgraph.graph.records import Edge, EdgeRow, Entity, GraphTables, Path, Subgraph
from creditgraph.graph.schema import schema

__all__ = ["MemoryGraphStore", "NoCypher"]

Ident = tuple  # (type, start, end, discriminator values): how a Fold keys an edge


class NoCypher(StoreError, AttributeError):
    """Asked to run a query: a store error (entry points report it) that is also an AttributeError,
    so ``hasattr(store, "write_rows")`` is False and capability checks pass the store by."""


def _cmp(op: Callable[[Any, Any], Any], a: Any, b: Any) -> bool:
    """Cypher's comparison: null, or values of kinds that do not compare, match nothing."""
    try:
        return a is not None and b is not None and bool(op(a, b))
    except TypeError:
        return False


def _starts(a: Any, b: Any) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.startswith(b)


#: ``queries.RANK_FILTERS`` as Python tests of (node properties, value, ranked property, flag).
_RANK_TESTS: dict[str, Callable[[Mapping[str, Any], Any, str, str | None], bool]] = {
    "industry": lambda n, v, by, flag: n.get("industry") == v,
    "city": lambda n, v, by, flag: n.get("city") == v,
    "region": lambda n, v, by, flag: _starts(n.get("region_code"), v),
    "flagged": lambda n, v, by, flag: flag is not None and n.get(flag) is True,
    "founded_from": lambda n, v, by, flag: _cmp(operator.ge, n.get("founded"), v),
    "founded_to": lambda n, v, by, flag: _cmp(operator.le, n.get("founded"), v),
    "min": lambda n, v, by, flag: _cmp(operator.ge, n.get(by), v),
    "max": lambda n, v, by, flag: _cmp(operator.le, n.get(by), v),
}
assert set(_RANK_TESTS) == set(q.RANK_FILTERS), "a ranking filter without its Python twin"


def _stored(value: Any) -> Any:
    """A score as a database would keep it: NumPy scalars as Python values."""
    return value.item() if isinstance(value, np.generic) else value


class MemoryGraphStore(Fold, GraphStore):
    """A :class:`GraphStore` in this process's memory (``backend = "memory"``); nothing to start or close."""

    backend = "memory"

    def __init__(self) -> None:
        super().__init__()
        self._graph: nx.MultiGraph | None = None  # the undirected view; None once edges change
        self._created = itertools.count()  # tells apart links that CREATE (not MERGE) would make twice

    # -- writes -------------------------------------------------------------------

    def ensure_schema(self) -> None:
        """Nothing to create: keys are unique by construction."""

    def upsert_edges(self, rows: Sequence[EdgeRow]) -> int:
        self._graph = None
        return super().upsert_edges(rows)

    def write_scores(self, scores: Mapping[str, Mapping[str, Any]] | pd.DataFrame, *,
                     complete: Sequence[str] = ()) -> int:
        written = 0
        label_of = schema().label_of
        for key, values in score_rows(scores, complete):
            label, props = label_of(key), self.nodes.get(key)
            if props is None or self.labels[key] != label:
                continue
            for k, v in values.items():  # SET n += {k: null} removes k
                if v is None:
                    props.pop(k, None)
                else:
                    props[k] = _stored(v)
            written += 1
        return written

    def clear_scores(self, props: Sequence[str], *, keep: Collection[str] = ()) -> int:
        cleared = 0
        for label, keys in self.by_label().items():
            declared = [p for p in props if p in schema().node(label).properties]
            for key in keys:
                if key in keep:
                    continue
                held = self.nodes[key]
                if any(p in held for p in declared):
                    for p in declared:
                        held.pop(p, None)
                    cleared += 1
        return cleared

    def wipe(self) -> None:
        self.nodes.clear()
        self.labels.clear()
        self.edges.clear()
        self._graph = None

    def close(self) -> None:
        """Nothing to release; the graph stays readable."""

    def await_indexes(self, seconds: int = 600) -> None:
        """Nothing to wait for."""

    def __getattr__(self, name: str) -> Any:
        """No ``read_rows``/``write_rows``: run records (``graph/runs.py``) see a store that keeps
        none and carry on; a direct call (record governance) gets :class:`NoCypher`."""
        if name in ("read_rows", "write_rows"):
            raise NoCypher(f"the memory store does not run Cypher ({name}); use a Bolt store (Neo4j or "
                           "the embedded ArcadeDB) for record governance and run records")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # -- entity resolution --------------------------------------------------------

    def write_resolution(self, label: str, links: Sequence[Mapping[str, Any]],
                         canonical: Mapping[str, str], *, replace: bool = True) -> int:
        check_resolvable(label)
        if replace:  # a link without a method is not a machine link (Cypher: null <> 'reviewer' is null)
            for ident in [i for i in self._typed("SAME_AS", label, label)
                          if self.edges[i].get("method") not in (None, "reviewer")]:
                del self.edges[ident]
        run = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        written = 0
        for link in links:
            if self.labels.get(link["a"]) == label and self.labels.get(link["b"]) == label:
                props = {"score": link.get("score"), "evidence": link.get("evidence"), "method": link.get("method"),
                         "run": run}
                ident = ("SAME_AS", link["a"], link["b"], (next(self._created),))
                self.edges[ident] = {k: v for k, v in props.items() if v is not None}
                written += 1
        self._graph = None
        self.write_scores({k: {"resolved": c} for k, c in canonical.items()})
        return written

    def judgements(self, label: str) -> list[dict[str, Any]]:
        check_resolvable(label)
        return [{"a": i[1], "b": i[2], **{p: self.edges[i].get(p) for p in ("verdict", "by", "at", "why")}}
                for i in self._typed("JUDGED", label, label)]

    def judge(self, a: str, b: str, verdict: str, *, by: str, why: str) -> None:
        label, a, b = check_judgement(a, b, verdict)
        if self.labels.get(a) != label or self.labels.get(b) != label:
            raise NotFound(f"{a} or {b} is not in the graph")
        at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        self.edges.setdefault(("JUDGED", a, b, ()), {}).update(verdict=verdict, by=by, at=at, why=why)
        self._graph = None

    def related_listings(self, key: str) -> list[dict[str, Any]]:
        found = self.get(key)  # NotFound when absent
        check_resolvable(found.label)
        return confidence.related_listings(key, found.label, found.props.get("resolved"), _Listings(self))

    # -- reads ----------------------------------------------------------------------

    def get(self, key: str) -> Entity:
        label = schema().label_of(key)
        if self.labels.get(key) != label:
            raise NotFound(f"no {label} with key {key!r}")
        return entity(key, self.nodes[key])

    def search(self, text: str, *, labels: Iterable[str] | None = None, limit: int = 20) -> list[Entity]:
        text = (text or "").strip()
        if not text:
            return []
        wanted = {schema().node(label).label: schema().node(label).search
                  for label in (labels or schema().nodes)}
        found = [entity(k, self.nodes[k]) for k, label in self.labels.items()
                 if label in wanted and any(isinstance(v := self.nodes[k].get(p), str) and text in v
                                            for p in wanted[label])]
        return best_matches(found, text, limit)

    def neighbourhood(self, key: str, *, hops: int = 1, limit: int = 200, per_node: int = 50) -> Subgraph:
        """Breadth-first from ``key`` (``port.walk_neighbourhood``). O(edges of the nodes reached)."""
        def expand(label: str, group: list[str]) -> Iterator[dict[str, Any]]:
            G = self._view()
            for k in group:
                if self.labels.get(k) != label or k not in G:
                    continue
                edges: dict[str, list[dict[str, Any]]] = defaultdict(list)
                for _, other, ident in G.edges(k, keys=True):
                    edges[other].append({"type": ident[0], "start": ident[1], "props": self.edges[ident]})
                others = sorted(edges)
                yield {"source": k, "total": len(others),
                       "items": [{"key": o, "node": self.nodes[o], "edges": edges[o]} for o in others[:per_node]]}

        return walk_neighbourhood(self.get(key), expand, hops=hops, limit=limit)

    def shortest_paths(self, start: str, end: str, *, max_hops: int = 6, limit: int = 5) -> list[Path]:
        """Every shortest path of at most ``max_hops`` hops, parallel edges as separate paths, in
        ``port.path_order``; the first ``limit``. A breadth-first search cut at ``max_hops``."""
        self.get(start), self.get(end)
        if start == end:
            return []
        q.shortest_paths(schema().label_of(start), schema().label_of(end), max_hops)  # checks max_hops
        G = self._view()
        if start not in G or end not in G:
            return []
        pred = nx.predecessor(G, start, cutoff=max_hops)
        if end not in pred:
            return []

        def back(node: str) -> Iterator[list[str]]:
            if node == start:
                yield [start]
                return
            for p in pred[node]:
                for path in back(p):
                    yield path + [node]

        def hops_of(u: str, v: str) -> list[Edge]:
            out = [Edge(i[0], i[1], i[2], plain_props(self.edges[i])) for i in G[u][v]]
            return sorted(out, key=lambda e: (e.type, str(e.props.get("role"))))

        def paths() -> Iterator[Path]:
            for keys in sorted(back(end)):
                nodes = tuple(entity(k, self.nodes[k]) for k in keys)
                for edges in itertools.product(*(hops_of(u, v) for u, v in zip(keys, keys[1:]))):
                    yield Path(nodes, edges)

        return sorted(itertools.islice(paths(), limit), key=path_order)

    def export(self, keys: Iterable[str] | None = None) -> nx.MultiDiGraph:
        return self.to_graph(keys)

    def export_tables(self, node_props: Sequence[str], edge_props: Sequence[str]) -> GraphTables:
        return self.to_tables(node_props, edge_props)

    # -- the explorer ---------------------------------------------------------------

    def find(self, label: str, prop: str, value: str, *, prefix: bool = False, limit: int = 20) -> list[Entity]:
        q.find_nodes(label, prop, prefix=prefix)  # checks label and property
        got = (self._of(label, prop) if prop != "key" else ((k, k) for k in self._keys(label)))
        hits = [k for k, v in got if (_starts(v, value) if prefix else v == value)]
        return [entity(k, self.nodes[k]) for k in hits[:limit]]

    def ranked(self, label: str, by: str, *, filters: Mapping[str, Any] | None = None, flag: str | None = None,
               limit: int = 100, skip: int = 0, ascending: bool = False) -> list[Entity]:
        params = rank_filters(filters)
        q.ranked_nodes(label, by, sorted(params), flag=flag)  # checks by, flag and the filter names
        hits = sorted(k for k in self._keys(label) if (n := self.nodes[k]).get(by) is not None
                      and n.get("resolved") in (None, k)
                      and all(_RANK_TESTS[f](n, v, by, flag) for f, v in params.items()))
        hits.sort(key=lambda k: self.nodes[k][by], reverse=not ascending)  # stable: ties stay in key order
        return [entity(k, self.nodes[k]) for k in hits[skip:skip + limit]]

    def facet(self, label: str, prop: str, *, limit: int = 200) -> list[tuple[Any, int]]:
        q.facet_values(label, prop)  # checks label and property
        counts = Counter(_hashable(v) for _, v in self._of(label, prop) if v is not None)
        try:
            values = sorted(counts)
        except TypeError:  # values of several kinds: Cypher orders them by kind
            values = sorted(counts, key=lambda v: (type(v).__name__, repr(v)))
        values.sort(key=lambda v: counts[v], reverse=True)
        return [(plain(v), counts[v]) for v in values[:limit]]

    def clusters(self, *, limit: int = 100) -> list[dict[str, Any]]:
        groups: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
        for key in self._keys("Company"):
            if self.nodes[key].get("cluster") is not None:
                groups[self.nodes[key]["cluster"]].append(self.nodes[key])
        def top(firms: list[Mapping[str, Any]], prop: str) -> Any:
            return max((f[prop] for f in firms if f.get(prop) is not None), default=None)

        rows: list[dict[str, Any]] = [
            {"cluster": c, "size": len(firms), "dishonest": sum(f.get("repeat_flag") is True for f in firms),
             "shells": sum(f.get("shell_flag") is True for f in firms), "top_shell_score": top(firms, "shell_score"),
             "top_spread": top(firms, "spread")} for c, firms in groups.items()]
        rows.sort(key=lambda r: (-r["dishonest"], -r["shells"], -r["size"], r["cluster"]))
        return rows[:limit]

    def cluster_members(self, cluster: str, *, limit: int = 500) -> list[Entity]:
        keys = sorted(k for k in self._keys("Company") if self.nodes[k].get("cluster") == cluster)
        return [entity(k, self.nodes[k]) for k in keys[:limit]]

    def entities(self, keys: Iterable[str]) -> list[Entity]:
        keys = list(dict.fromkeys(keys))
        group_keys(keys)  # an unknown prefix is a SchemaError, as on every backend
        label_of = schema().label_of
        return [entity(k, self.nodes[k]) for k in keys if self.labels.get(k) == label_of(k)]

    def names(self, label: str) -> list[tuple[str, str]]:
        text = "text" in schema().node(label).properties
        out = []
        for key in self._keys(label):
            n = self.nodes[key]
            name = n.get("name") if n.get("name") is not None or not text else n.get("text")
            if name:
                out.append((key, name))
        return out

    # -- helpers ----------------------------------------------------------------------

    def _keys(self, label: str) -> list[str]:
        label = schema().node(label).label
        return [k for k, lab in self.labels.items() if lab == label]

    def _of(self, label: str, prop: str) -> Iterator[tuple[str, Any]]:
        return ((k, self.nodes[k].get(prop)) for k in self._keys(label))

    def _typed(self, type_: str, start_label: str, end_label: str) -> list[Ident]:
        return [i for i in self.edges
                if i[0] == type_ and self.labels[i[1]] == start_label and self.labels[i[2]] == end_label]

    def _view(self) -> nx.MultiGraph:
        """Every edge, undirected, keyed by its Fold identity (rebuilt once after edges change)."""
        if self._graph is None:
            G = nx.MultiGraph()
            G.add_edges_from((i[1], i[2], i) for i in self.edges)
            self._graph = G
        return self._graph


def _coalesce(value: Any, default: Any) -> Any:
    return default if value is None else value


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


class _Listings:
    """The reads of ``analytics.confidence.related_listings`` over the store's records."""

    def __init__(self, store: MemoryGraphStore) -> None:
        self._s = store

    def members(self, label: str, rids: Sequence[str]) -> list[dict[str, Any]]:
        by_rid: dict[str | None, list[str]] = defaultdict(list)  # None: records not resolved (never asked for)
        for key in self._s._keys(label):
            by_rid[self._s.nodes[key].get("resolved")].append(key)
        return [{"key": k, "resolved": rid, "props": plain_props(self._s.nodes[k])}
                for rid in rids for k in by_rid.get(rid, [])]

    def links(self, label: str, rids: Sequence[str]) -> list[dict[str, Any]]:
        ids, nodes = set(rids), self._s.nodes
        return [{"a": i[1], "b": i[2], **{p: self._s.edges[i].get(p) for p in ("score", "method", "evidence")}}
                for i in self._s._typed("SAME_AS", label, label) if nodes[i[1]].get("resolved") in ids]

    def roles(self, label: str, keys: Sequence[str]) -> list[dict[str, Any]]:
        s, firm_side = self._s, label == "Company"
        rows = []
        for k, o, i in self._edges(label, keys, 2 if firm_side else 1):
            if i[0] in confidence.ROLE_TYPES and s.labels[o] == ("Person" if firm_side else "Company"):
                firm, person = (k, o) if firm_side else (o, k)
                rows.append({"firm": firm, "person": person, "name": s.nodes[o].get("name"),
                             "resolved": _coalesce(s.nodes[o].get("resolved"), o), "type": i[0],
                             "role": s.edges[i].get("role"),
                             **({"ratio": s.edges[i].get("ratio")} if firm_side else {})})
        return rows

    def listings(self, label: str, keys: Sequence[str]) -> list[dict[str, Any]]:
        s = self._s
        return [{"subject": k, "key": rec, "label": s.labels[rec], "props": {"key": rec, **plain_props(s.nodes[rec])}}
                for k, rec, i in self._edges(label, keys, 1) if i[0] == "LISTED_IN"]

    def _edges(self, label: str, keys: Sequence[str], side: int) -> Iterator[tuple[str, str, Ident]]:
        """(key, other end, identity) of the edges of the ``label`` records ``keys`` whose
        ``side`` end (1: start, 2: end) is the record."""
        s, G = self._s, self._s._view()
        for k in keys:
            if s.labels.get(k) == label and k in G:
                yield from ((k, o, i) for _, o, i in G.edges(k, keys=True) if i[side] == k)
