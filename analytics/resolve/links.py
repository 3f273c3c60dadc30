"""A scored pair of Person records and the evidence behind it, as person resolution keeps it."""

from __future__ import annotations

import json

__all__ = ["Link"]


class Link:
    """A scored pair of Person records and the evidence behind it (:func:`~.pairs.evidence`).

    :meth:`packed` keeps the evidence as the JSON text the store keeps instead of a dict: a
    city's accepted links are held until they are written, and at 1M firms that is ~1.2M of
    them (a dict of evidence takes ~1.4 KB, its text ~0.55). ``evidence`` reads it back."""
    __slots__ = ("a", "b", "score", "method", "_evidence")

    def __init__(self, a: str, b: str, score: float, evidence: dict, method: str = "model") -> None:
        self.a, self.b, self.score, self.method = a, b, score, method   # method: model | reviewer
        self._evidence: dict | str = evidence

    @property
    def evidence(self) -> dict:
        ev = self._evidence
        return json.loads(ev) if isinstance(ev, str) else ev

    @property
    def evidence_json(self) -> str:
        """The evidence as stored on the SAME_AS edge (keys sorted, characters as written)."""
        ev = self._evidence
        return ev if isinstance(ev, str) else json.dumps(ev, ensure_ascii=False, sort_keys=True)

    def packed(self) -> "Link":
        """This link, its evidence now held as JSON text."""
        self._evidence = self.evidence_json
        return self

    def _key(self) -> tuple:
        return self.a, self.b, self.score, self.method, self.evidence_json

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Link) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.a, self.b, self.score, self.method))

    def __repr__(self) -> str:
        return f"Link({self.a!r}, {self.b!r}, {self.score!r}, {self.evidence!r}, {self.method!r})"
