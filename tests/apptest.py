"""Running the explorer's entry script under Streamlit's AppTest, for the page tests."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

__all__ = ["APP", "run_page"]

APP = Path(__file__).resolve().parents[1] / "app" / "streamlit_app.py"


def run_page(page: str | None = None, *, timeout: float = 90, **params) -> AppTest:
    """One run of the app with ``params`` in the URL, switched to ``page`` (a path under app/);
    fails on any exception the run raised."""
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
