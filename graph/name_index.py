"""Substring search over names, in memory: what a search box needs and a graph index lacks.

Chinese firm names start with their region (福州…), so people type the trade name in the
middle (泰富) and a prefix index finds nothing; a ``CONTAINS`` scan in the store reads every
node (about 0.5 s per 100k firms on the embedded store). This index keeps every firm's and
person's name in one newline-joined string, shortest names first, and finds matches with
``str.find`` (C speed, a few megabytes at city scale), stopping at the first ``limit`` hits.
It is a cache — build it again (the explorer does, every few minutes) to see new loads.
"""

from __future__ import annotations

import time

import numpy as np

from creditgraph.graph.port import GraphStore

__all__ = ["NameIndex"]


class NameIndex:
    def __init__(self, rows: list[tuple[str, str]]) -> None:
        rows = sorted(((k, " ".join(n.split())) for k, n in rows), key=lambda r: (len(r[1]), r[1], r[0]))
        self._keys = [k for k, _ in rows]
        self._text = "\n".join(n for _, n in rows)
        lengths = np.fromiter((len(n) + 1 for _, n in rows), dtype=np.int64, count=len(rows))
        self._starts = np.concatenate(([0], np.cumsum(lengths)[:-1])) if len(rows) else lengths
        self.built_at = time.time()

    @classmethod
    def build(cls, store: GraphStore, labels: tuple[str, ...] = ("Company", "Person")) -> "NameIndex":
        return cls([row for label in labels for row in store.names(label)])

    def __len__(self) -> int:
        return len(self._keys)

    def search(self, text: str, *, limit: int = 30) -> list[str]:
        """Keys whose name contains ``text``, shortest names first (the closest matches)."""
        text = " ".join((text or "").split())
        if not text or not self._keys:
            return []
        out: list[str] = []
        pos = self._text.find(text)
        while pos != -1 and len(out) < limit:
            row = int(np.searchsorted(self._starts, pos, side="right")) - 1
            out.append(self._keys[row])
            nxt = row + 1
            if nxt == len(self._keys):
                break
            pos = self._text.find(text, int(self._starts[nxt]))
        return out
