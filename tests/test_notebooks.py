"""Every analyst notebook runs top to bottom (as a script), so none can rot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.py"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(notebook, tmp_path):
    env = {**os.environ, "CREDITGRAPH_NOTEBOOK_COMPANIES": "300", "CREDITGRAPH_NOTEBOOK_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, str(notebook)], env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "evaluation:" in out.stdout and "via" in out.stdout


def test_there_is_a_notebook():
    assert NOTEBOOKS
