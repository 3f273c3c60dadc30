"""The explorer under test: a scored seeded city in each store, and the app pointed at it.

AppTest runs the pages in this process, so the app's ``state.store`` / ``state.settings``
are swapped for the test's store and settings (the pages only ever reach the store through
them); the cached reads are cleared whenever the store changes.
"""

from __future__ import annotations

import pytest

from creditgraph.loaders.pipeline import load_paths
from creditgraph.resolution import run_resolution
from creditgraph.scoring import run_scoring
from creditgraph.settings import Settings

HASH_KEY = "app-test-key"


@pytest.fixture(scope="module", params=["arcadedb", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def scored_store(request, city, tmp_path_factory):
    """A store of each backend holding the seeded city, resolved and scored (once per module)."""
    s = request.getfixturevalue(f"{request.param}_store")
    s.wipe()
    load_paths(s, [city / "data"], hash_key=HASH_KEY, report_dir=tmp_path_factory.mktemp("report"), progress=False)
    run_resolution(s)
    run_scoring(s)
    return s


@pytest.fixture
def app_env(scored_store, tmp_path, monkeypatch):
    """The app's state wired to the scored store, a test user and a fresh query register."""
    import streamlit as st

    from creditgraph.app import state

    settings = Settings(data_dir=tmp_path, user="inspector-7", id_hash_key=HASH_KEY, _env_file=None)
    monkeypatch.setattr(state, "store", lambda: scored_store)
    monkeypatch.setattr(state, "settings", lambda: settings)
    st.cache_data.clear()
    state.name_index.clear()
    yield scored_store, settings
    st.cache_data.clear()
    state.name_index.clear()
