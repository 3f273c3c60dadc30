"""Model files: the JSON a training run writes and scoring reads (``person_model.json``,
``shell_model.json``).

One layout for every model: ``{"features": [...], <the model's fields>}``, UTF-8, one-space
indent, a final newline. A file trained on other features than the code computes is refused
with the command that retrains it (``python -m creditgraph.training <model>``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

__all__ = ["save_model", "load_model"]


def save_model(path: Path, features: Sequence[str], fields: dict[str, Any]) -> None:
    """Write ``features`` and then ``fields``, in their order, to ``path``."""
    Path(path).write_text(json.dumps({"features": features, **fields}, ensure_ascii=False, indent=1) + "\n",
                          encoding="utf-8")


def load_model(path: Path, features: Sequence[str], *, retrain: str, what: str = "features",
               required: Sequence[str] = ()) -> dict[str, Any]:
    """The fields of the model file at ``path``; ValueError when it was trained on other
    ``features`` (``what`` names them in the message) or lacks a ``required`` field."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    if tuple(raw["features"]) != tuple(features) or any(k not in raw for k in required):
        raise ValueError(f"{path} was trained on other {what}; retrain with python -m creditgraph.training {retrain}")
    return raw
