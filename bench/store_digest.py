"""Digests of a scored store: equal digests across routes mean the same graph and the same scores."""

from __future__ import annotations

from pathlib import Path

__all__ = ["store_digests", "RUN_PROPERTIES"]


#: Properties that name a run or a moment of it, not the data: left out of the store's digests.
RUN_PROPERTIES = ("run",)


def store_digests(data_dir: Path) -> tuple[str, str]:
    """sha256 (16 hex) of the whole scored store read back over Bolt — every node and edge with
    its properties, less run ids (``RUN_PROPERTIES``) — and of the score properties alone."""
    import hashlib

    from creditgraph.graph.bolt_store import BoltGraphStore
    from creditgraph.graph.connect import open_store
    from creditgraph.scoring import SCORE_COLUMNS
    from creditgraph.settings import Settings

    with open_store(Settings(data_dir=data_dir)) as store:
        G = BoltGraphStore.export(store)  # the reference reader, whichever route wrote the store
    nodes = sorted((k, sorted((p, repr(v)) for p, v in d.items())) for k, d in G.nodes(data=True))
    edges = sorted((u, v, k, sorted((p, repr(x)) for p, x in d.items() if p not in RUN_PROPERTIES))
                   for u, v, k, d in G.edges(keys=True, data=True))
    scores = [(k, [(p, v) for p, v in props if p in SCORE_COLUMNS]) for k, props in nodes]
    graph = hashlib.sha256(repr((nodes, edges)).encode()).hexdigest()[:16]
    return graph, hashlib.sha256(repr(scores).encode()).hexdigest()[:16]
