"""One cell's value to properties: the transform, ID masking and the schema's type.

Each step is a pure function of the cell's value (and the spec, label or relationship type it
is read for), so its outcome — the properties, or the :class:`~.specs.RowError` that
quarantines the row — can be computed once per distinct value. :class:`Cells` computes it as
each row comes (the row engine); :class:`CellMemo` keeps each outcome, and the columnar engine
fills it a column at a time (``fill``) from the distinct values of a chunk of rows before the
rows are assembled, so a firm's USCC, a date or an amount met on 30 rows is parsed once.
Both give the same properties and the same reasons, by construction: the memo stores what
the direct functions return or raise.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from creditgraph import normalize as nz
from creditgraph.graph.schema import schema
from creditgraph.loaders.keys import node_key
from creditgraph.loaders.mapping.idvec import full_ids, valid_usccs
from creditgraph.loaders.mapping.specs import PropSpec, RowError
from creditgraph.loaders.transforms import MULTI, get_transform, scrub_ids

__all__ = ["Cells", "CellMemo"]

_NAME_KEYS = 1 << 21  # name keys kept across chunks and files (about 300 MB at most)


class Cells:
    """Each cell's outcome computed as it comes (what the row engine does)."""

    def node_items(self, spec: PropSpec, value: Any, label: str, where: str,
                   hash_key: str) -> tuple[tuple[str, Any], ...]:
        """The ``(property, value)`` pairs a ``label`` node takes from ``value``, or ``RowError``."""
        return _node_items(spec, value, label, where, hash_key)

    def edge_value(self, spec: PropSpec, value: Any, rel_type: str) -> Any:
        """The relationship property ``spec.name`` of ``rel_type`` from ``value``, or ``RowError``."""
        return _edge_value(spec, value, rel_type)

    def split_values(self, spec: PropSpec, value: Any, rel_type: str) -> list[Any]:
        """The values of a ``split`` cell, each transformed and masked (not coerced)."""
        parts = [p.strip() for p in str(value).split(spec.split) if p.strip()]
        return [_masked(_convert(spec, p, "", f"{rel_type}.{spec.name}")) for p in parts]

    def seen(self, spec: PropSpec, value: Any) -> dt.date:
        """The row's ``seen`` date from ``value``, or ``RowError``."""
        return _seen(spec, value)

    def name_key(self, name: str) -> str:
        return nz.name_key(name)

    def node_key(self, label: str, props: dict[str, Any], source: str, context: list[str]) -> str:
        """``loaders.keys.node_key`` (``ValueError`` where it has none)."""
        return node_key(label, props, source=source, context=context)


class _Failed:
    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


class _Fresh:
    """An outcome holding a list: computed again for each row, so no two rows share one list."""


def _outcome_of(fn, error: type[Exception], *args, **kwargs) -> Any:
    try:
        return fn(*args, **kwargs)
    except error as e:
        return _Failed(str(e))


def _outcome(fn, *args) -> Any:
    try:
        got = fn(*args)
    except RowError as e:
        return _Failed(str(e))
    if type(got) is list or (type(got) is tuple and any(type(v) is list for _, v in got)):
        return _Fresh
    return got


class CellMemo(Cells):
    """Each distinct text value's outcome kept (per spec and label or type), for a chunk of rows.

    Only ``str`` values are kept (a JSON line's ``1`` and ``True`` compare equal); ``clear``
    between chunks bounds the memory to one chunk's distinct values. ``fill`` computes the
    outcomes of a column's distinct values in one pass before the rows ask for them.
    """

    def __init__(self) -> None:
        self._nodes: dict[tuple[int, str], dict[str, Any]] = {}
        self._edges: dict[tuple[int, str], dict[str, Any]] = {}
        self._seen: dict[int, dict[str, Any]] = {}
        self._name_keys: dict[str, str] = {}
        self._company_keys: dict[tuple, Any] = {}

    def clear(self) -> None:
        """Forget the chunk's values; name keys (names repeat across a city) are kept up to a bound."""
        for d in (self._nodes, self._edges, self._seen, self._company_keys):
            d.clear()
        if len(self._name_keys) > _NAME_KEYS:
            self._name_keys.clear()

    def fill_node(self, spec: PropSpec, values: Iterable[str], label: str, where: str, hash_key: str) -> None:
        table = self._nodes.setdefault((id(spec), label), {})
        values = [v for v in values if v not in table]
        if spec.transform == "id_number" and hash_key:
            for v, props in full_ids(values, hash_key).items():
                table[v] = _outcome(_typed_items, spec, props, label, where)
        elif spec.transform == "uscc":
            for v in valid_usccs(values):
                table[v] = _outcome(_typed_items, spec, v, label, where)
        for v in values:
            if v not in table:
                table[v] = _outcome(_node_items, spec, v, label, where, hash_key)

    def fill_edge(self, spec: PropSpec, values: Iterable[str], rel_type: str) -> None:
        table = self._edges.setdefault((id(spec), rel_type), {})
        for v in values:
            if v not in table:
                table[v] = _outcome(_edge_value, spec, v, rel_type)

    def fill_seen(self, spec: PropSpec, values: Iterable[str]) -> None:
        table = self._seen.setdefault(id(spec), {})
        for v in values:
            if v not in table:
                table[v] = _outcome(_seen, spec, v)

    def node_items(self, spec, value, label, where, hash_key):
        if type(value) is not str:
            return _node_items(spec, value, label, where, hash_key)
        table = self._nodes.get((id(spec), label))
        if table is None:
            table = self._nodes[(id(spec), label)] = {}
        got = table.get(value)
        if got is None:
            got = table[value] = _outcome(_node_items, spec, value, label, where, hash_key)
        if type(got) is _Failed:
            raise RowError(got.reason)
        return _node_items(spec, value, label, where, hash_key) if got is _Fresh else got

    def edge_value(self, spec, value, rel_type):
        if type(value) is not str:
            return _edge_value(spec, value, rel_type)
        table = self._edges.get((id(spec), rel_type))
        if table is None:
            table = self._edges[(id(spec), rel_type)] = {}
        got = table.get(value, _Failed)
        if got is _Failed:
            got = table[value] = _outcome(_edge_value, spec, value, rel_type)
        if type(got) is _Failed:
            raise RowError(got.reason)
        return _edge_value(spec, value, rel_type) if got is _Fresh else got

    def seen(self, spec, value):
        if type(value) is not str:
            return _seen(spec, value)
        table = self._seen.get(id(spec))
        if table is None:
            table = self._seen[id(spec)] = {}
        got = table.get(value)
        if got is None:
            got = table[value] = _outcome(_seen, spec, value)
        if type(got) is _Failed:
            raise RowError(got.reason)
        return got

    def name_key(self, name):
        got = self._name_keys.get(name)
        if got is None:
            got = self._name_keys[name] = nz.name_key(name)
        return got

    def node_key(self, label, props, source, context):
        if label != "Company":  # a person's key hangs on the row's context: seldom met twice
            return node_key(label, props, source=source, context=context)
        # a Company's key reads only these three (keys.node_key); a firm recurs on every row about it
        memo = (props.get("uscc"), props.get("stock_code"), props.get("name"))
        got = self._company_keys.get(memo)
        if got is None:
            got = self._company_keys[memo] = _outcome_of(node_key, ValueError, label, props, source=source,
                                                         context=context)
        if type(got) is _Failed:
            raise ValueError(got.reason)
        return got


def _convert(spec: PropSpec, value: Any, hash_key: str, where: str) -> Any:
    if not spec.transform:
        return value
    fn = get_transform(spec.transform)
    try:
        if spec.transform in MULTI:
            return fn(value, hash_key=hash_key)
        out = fn(value, **spec.options)
        if spec.multiply is not None:
            if isinstance(out, bool) or not isinstance(out, (int, float)):
                raise ValueError(f"multiply needs a number, the {spec.transform} transform gave {out!r}")
            out = out * spec.multiply
        return out
    except ValueError as e:
        shown = value if len(str(value)) <= 60 else str(value)[:57] + "..."
        if spec.transform in MULTI:
            shown = "<withheld>"  # may be an ID number
        raise RowError(f"{where} ({spec.column}={shown!r}): {e}") from None


def _masked(value: Any) -> Any:
    """Text with every full ID number masked: an ID in a name, address or free-text column
    must not reach the store (only the ``id_number`` transform may read one, into a hash)."""
    return scrub_ids(value) if isinstance(value, str) else value


def _node_items(spec: PropSpec, value: Any, label: str, where: str, hash_key: str) -> tuple[tuple[str, Any], ...]:
    return _typed_items(spec, _convert(spec, value, hash_key, f"{where}.{spec.name}"), label, where)


def _typed_items(spec: PropSpec, value: Any, label: str, where: str) -> tuple[tuple[str, Any], ...]:
    """A transformed value as the label's typed properties (masked where it is text)."""
    declared = schema().node(label).properties
    items = value.items() if isinstance(value, dict) else [(spec.name, _masked(value))]
    out = []
    for name, v in items:
        if name not in declared or v is None:
            continue  # a multi-value transform may reveal more than this label holds
        try:
            out.append((name, declared[name].coerce(v)))
        except (TypeError, ValueError) as e:
            raise RowError(f"{where}.{name}: {e}") from None
    return tuple(out)


def _edge_value(spec: PropSpec, value: Any, rel_type: str) -> Any:
    v = _masked(_convert(spec, value, "", f"{rel_type}.{spec.name}"))
    try:
        return schema().rel(rel_type).properties[spec.name].coerce(v)
    except (TypeError, ValueError) as e:
        raise RowError(f"{rel_type}.{spec.name}: {e}") from None


def _seen(spec: PropSpec, value: Any) -> dt.date:
    try:
        return nz.parse_date(value)
    except ValueError as e:
        raise RowError(f"seen date ({spec.column}={value!r}): {e}") from None
