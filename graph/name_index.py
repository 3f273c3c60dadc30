"""Substring search over names, in memory: what a search box needs and a graph index lacks.

Chinese firm names start with their region (福州…), so people type the trade name in the
middle (泰富) and a prefix index finds nothing; a ``CONTAINS`` scan in the store reads every
node (about 0.5 s per 100k firms on the embedded store). This index keeps every firm's and
person's name in one newline-joined string, shortest names first, and finds matches with
``str.find`` (C speed, a few megabytes at city scale), stopping at the first ``limit`` hits.
It is a cache — build it again (the explorer does, every few minutes) to see new loads.

Names are stored as published (茂生農經 stays Traditional), so the index also keeps each name's
match key (``normalize.name_key``: Simplified, half-width, no punctuation or spaces) and a
query is looked up both ways: 莊永順 and 庄永顺 find the same people.
"""

from __future__ import annotations

import time

import numpy as np

from creditgraph.graph.port import GraphStore
from creditgraph.normalize import name_key

__all__ = ["NameIndex", "fold"]


def fold(text: str) -> str:
    """The match key of a name or query (``name_key``); ``""`` where nothing is left."""
    try:
        return name_key(text)
    except ValueError:
        return ""


class _Text:
    """Names joined by newlines, shortest first, and where each starts."""

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        rows = sorted(rows, key=lambda r: (len(r[1]), r[1], r[0]))
        self.keys = [k for k, _ in rows]
        self.text = "\n".join(n for _, n in rows)
        lengths = np.fromiter((len(n) + 1 for _, n in rows), dtype=np.int64, count=len(rows))
        self.starts = np.concatenate(([0], np.cumsum(lengths)[:-1])) if len(rows) else lengths

    def search(self, text: str, limit: int, out: dict[str, None]) -> None:
        if not text or not self.keys:
            return
        pos = self.text.find(text)
        while pos != -1 and len(out) < limit:
            row = int(np.searchsorted(self.starts, pos, side="right")) - 1
            out.setdefault(self.keys[row])
            nxt = row + 1
            if nxt == len(self.keys):
                break
            pos = self.text.find(text, int(self.starts[nxt]))


class NameIndex:
    def __init__(self, rows: list[tuple[str, str]]) -> None:
        rows = [(k, " ".join(n.split())) for k, n in rows]
        self._names = _Text(rows)
        self._folded = _Text([(k, f) for k, n in rows if (f := fold(n)) and f != n])
        self._keys = self._names.keys
        self.built_at = time.time()

    @classmethod
    def build(cls, store: GraphStore, labels: tuple[str, ...] = ("Company", "Person")) -> "NameIndex":
        return cls([row for label in labels for row in store.names(label)])

    def __len__(self) -> int:
        return len(self._keys)

    def search(self, text: str, *, limit: int = 30) -> list[str]:
        """Keys whose name contains ``text`` (as typed, then as a match key), shortest names first."""
        text = " ".join((text or "").split())
        out: dict[str, None] = {}
        self._names.search(text, limit, out)
        key = fold(text)
        if len(out) < limit and key:
            if key != text:  # a name that is its own key is in the first text only
                self._names.search(key, limit, out)
            self._folded.search(key, limit, out)
        return list(out)[:limit]
