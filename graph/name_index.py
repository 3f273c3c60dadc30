"""Substring search over names, in memory: what a search box needs and a graph index lacks.

Chinese firm names start with their region (福州…), so people type the trade name in the
middle (泰富) and a prefix index finds nothing; a ``CONTAINS`` scan in the store reads every
node (about 0.5 s per 100k firms on the embedded store). This index holds every firm's and
person's (key, name) in two NumPy arrays and scans them in C: a few tens of milliseconds at
city scale. It is a cache — build it again (the explorer does, every few minutes) to see
new loads.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from creditgraph.graph.port import GraphStore

__all__ = ["NameIndex"]


class NameIndex:
    def __init__(self, rows: list[tuple[str, str]]) -> None:
        order = sorted(range(len(rows)), key=lambda i: (len(rows[i][1]), rows[i][1], rows[i][0]))
        self._keys = np.array([rows[i][0] for i in order], dtype=object)
        self._names = pd.Series([rows[i][1] for i in order], dtype=object)
        self.built_at = time.time()

    @classmethod
    def build(cls, store: GraphStore, labels: tuple[str, ...] = ("Company", "Person")) -> "NameIndex":
        return cls([row for label in labels for row in store.names(label)])

    def __len__(self) -> int:
        return len(self._keys)

    def search(self, text: str, *, limit: int = 30) -> list[str]:
        """Keys whose name contains ``text``, shortest names first (the closest matches)."""
        text = (text or "").strip()
        if not text or not len(self._keys):
            return []
        hits = np.flatnonzero(self._names.str.contains(text, regex=False).to_numpy())
        return list(self._keys[hits[:limit]])
