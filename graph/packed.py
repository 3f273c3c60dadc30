"""A bulk fold that keeps each record's properties packed as bytes, for first loads at city scale.

:class:`~creditgraph.graph.bulk.Fold` holds a dict per node and per edge: ~940 bytes a record on
the 2k city, 15 GB for the 1M city's 5.3M nodes and 8.3M edges, beside a JVM that needs the rest
of the machine to write them. :class:`PackedFold` merges the same rows by the same rules
(``port.merge_row``) but stores each record's merged properties as one ``orjson`` text, so a
record costs its text (~190 bytes on the 2k city) and its dict slot; the few records merged from
many rows stay dicts (:data:`PACK_ROWS`). Reading ``nodes[key]`` or ``edges[ident]`` gives a
fresh dict (a shallow copy of one kept as a dict): a packed fold is written through ``upsert_*``
only (the bulk writers and ``counts`` read it; the in-memory store, which edits records, keeps ``Fold``).

Packing is exact: dates cross as day ordinals and come back as dates; a record holding anything
the text would not give back as it was (a float NaN or infinity, a tuple, a datetime, an integer
over 64 bits, a string orjson refuses) is kept as its dict. ``tests/graph/test_bulk.py`` checks
that both folds hold the same records.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, MutableMapping
from typing import Any, Hashable

import orjson

from creditgraph.graph.bulk import Fold

__all__ = ["PackedFold", "Packed", "pack", "unpack", "PACK_ROWS"]

#: A record merged from more source rows than this stays a dict: repacking its growing lists on
#: every row is quadratic (a cluster-registration address is named by thousands of firms), and
#: the 100k city's fold peaked at 8.0 GB that way. Most records come from 1-4 rows (2k city: 88 %
#: of the nodes, 99.9 % of the edges).
PACK_ROWS = 4
_DAY = "\x00day"  # the one key of a packed date's object; cleaned text never holds a NUL
_PLAIN = (str, int, bool, list)


def _date(value: Any) -> Any:
    if type(value) is dt.date:
        return {_DAY: value.toordinal()}
    raise TypeError  # a datetime or anything else: the record stays a dict


def pack(props: dict[str, Any]) -> bytes | dict[str, Any]:
    """``props`` as orjson text, or ``props`` itself when the text would not give it back exactly."""
    for v in props.values():
        if type(v) is float:
            if not math.isfinite(v):
                return props
        elif v is not None and type(v) not in _PLAIN and type(v) is not dt.date:
            return props
        elif type(v) is list and not all(type(x) is str for x in v):
            return props
    try:
        # copied to a bytes object of its own size: orjson's own keeps a 4 KB buffer (3.13: 4,097
        # bytes traced for a 74-byte text), which made the packed fold five times the plain one
        return memoryview(orjson.dumps(props, default=_date, option=orjson.OPT_PASSTHROUGH_DATETIME)).tobytes()
    except TypeError:  # orjson.JSONEncodeError: an integer over 64 bits, a lone surrogate
        return props


def unpack(packed: bytes | dict[str, Any]) -> dict[str, Any]:
    """The properties :func:`pack` was given, as a fresh dict."""
    if not isinstance(packed, bytes):
        return dict(packed)
    props = orjson.loads(packed)
    for k, v in props.items():
        if type(v) is dict:
            props[k] = dt.date.fromordinal(v[_DAY])
    return props


class Packed(MutableMapping):
    """A dict of records whose values are stored packed (:func:`pack`) and read unpacked."""

    def __init__(self) -> None:
        self._d: dict[Hashable, bytes | dict[str, Any]] = {}

    def __getitem__(self, key: Hashable) -> dict[str, Any]:
        return unpack(self._d[key])

    def get(self, key: Hashable, default: Any = None) -> Any:
        v = self._d.get(key)
        return default if v is None else unpack(v)

    def __setitem__(self, key: Hashable, props: dict[str, Any]) -> None:
        self._d[key] = pack(props) if len(props.get("source_ids") or ()) <= PACK_ROWS else props

    def __delitem__(self, key: Hashable) -> None:
        del self._d[key]

    def __contains__(self, key: object) -> bool:
        return key in self._d

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)


class PackedFold(Fold):
    """A :class:`~creditgraph.graph.bulk.Fold` whose records are stored packed (see the module)."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes = Packed()  # type: ignore[assignment]
        self.edges = Packed()  # type: ignore[assignment]
