"""The explorer under test: the app pointed at the session's scored seeded city (``scored_store``,
tests/conftest.py) in each store.

AppTest runs the pages in this process, so the app's ``state.store`` / ``state.settings``
are swapped for the test's store and settings (the pages only ever reach the store through
them); the cached reads are cleared whenever the store changes.
"""

from __future__ import annotations

import pytest
from cities import SCORED_HASH_KEY

from creditgraph.settings import Settings


@pytest.fixture(scope="session")
def city(scored_city):
    """Here the city is the one the scored stores hold (tests/conftest.py ``scored_city``), so the
    pages are held to its truth."""
    return scored_city


@pytest.fixture
def app_env(scored_store, tmp_path, monkeypatch):
    """The app's state wired to the scored store, a test user and a fresh query register."""
    import streamlit as st

    from creditgraph.app import state

    settings = Settings(data_dir=tmp_path, user="inspector-7", id_hash_key=SCORED_HASH_KEY, _env_file=None)
    monkeypatch.setattr(state, "store", lambda: scored_store)
    monkeypatch.setattr(state, "settings", lambda: settings)
    st.cache_data.clear()
    state.name_index.clear()
    yield scored_store, settings
    st.cache_data.clear()
    state.name_index.clear()
