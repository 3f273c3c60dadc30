"""The seeded city loaded, resolved and scored once per store for the whole session.

The app, access and ranking tests only read a scored city, so they share one per backend
(``scored_store`` in ``tests/conftest.py``) instead of loading their own. The session's
``arcadedb_store`` and ``neo4j_store`` are also used by tests that wipe them, so before each
module the store is checked against a fingerprint taken right after scoring and loaded again
if anything changed it; pytest groups the tests of one session-scoped parameter together, so
that happens rarely.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from creditgraph.graph.port import GraphStore

#: The ID-hash key the scored city is loaded with; settings that search it by ID number use it.
SCORED_HASH_KEY = "scored-city-test-key"


def fingerprint(store: GraphStore) -> tuple[Any, ...]:
    """What a wipe, a reload or a rescore would change: the counts and how many firms and people
    carry each flag (tallies, not a top-n: tied scores come back in any order)."""
    c = store.counts()
    flags = tuple(tuple(sorted(store.facet(label, flag), key=repr))
                  for label, flag in (("Company", "shell_flag"), ("Company", "repeat_flag"), ("Person", "repeat_flag")))
    return tuple(sorted(c.nodes.items())), tuple(sorted(c.relationships.items())), flags


def load_scored(store: GraphStore, city: Path, report_dir: Path) -> tuple[Any, ...]:
    """Wipe ``store``, load the city, resolve and score it; the fingerprint of the result."""
    from creditgraph.loaders.pipeline import load_paths
    from creditgraph.resolution import run_resolution
    from creditgraph.scoring import run_scoring

    store.wipe()
    load_paths(store, [city / "data"], hash_key=SCORED_HASH_KEY, report_dir=report_dir, progress=False)
    run_resolution(store)
    run_scoring(store)
    return fingerprint(store)
