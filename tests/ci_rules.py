"""CI's no-skip rule, importable from any test folder (``from ci_rules import skip_or_fail``).

Several folders have a ``conftest.py``, so ``from conftest import`` finds whichever was
imported last; this module has one name.
"""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str) -> None:
    """Skip locally; fail under CI, where every test must run."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this must not skip)")
    pytest.skip(reason)
