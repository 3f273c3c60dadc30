"""The parts of a source mapping as values: a property's column and transform (:class:`PropSpec`),
a ``when`` test (:class:`Condition`), derived columns (:class:`Derive`), the entities and
relationships a row makes (:class:`EntitySpec`, :class:`RelSpec`), and :class:`RowError`, the
reason a row is quarantined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from creditgraph import normalize as nz
from creditgraph.graph.schema import schema

__all__ = ["RowError", "Condition", "Derive", "PropSpec", "EntitySpec", "RelSpec", "DEFAULT_NULLS", "NAME_ONLY",
           "NAME_ONLY_RISK"]

DEFAULT_NULLS = frozenset({"", "null", "NULL", "None", "nan", "NaN", "-", "--", "—", "暂无", "无"})
#: ``identity: name_only`` — a Person keyed by its name alone in this source (namesakes merge
#: at load); allowed only when declared, and counted as a risk in the load report.
NAME_ONLY = "name_only"
NAME_ONLY_RISK = "persons keyed by name alone (identity: name_only)"
_COMPARE = {"gt": float.__gt__, "ge": float.__ge__, "lt": float.__lt__, "le": float.__le__}


class RowError(ValueError):
    """This row cannot be loaded; the message is the quarantine reason."""


@dataclass(frozen=True)
class Condition:
    """``when``: a test on one column (``equals in contains present gt ge lt le``) or ``not``.

    A cell in the mapping's ``null_values`` counts as absent, for ``present`` as for the rest;
    any test but ``present`` is false on an absent cell. Numeric tests read the cell as a
    number (``1,234``, ``12.5万``); a cell that is not one makes them false.
    """

    column: str | None
    op: str
    value: Any = None
    nulls: frozenset[str] = frozenset()
    negated: "Condition | None" = None

    def holds(self, row: Mapping[str, Any]) -> bool:
        if self.op == "not":
            return not self._operand().holds(row)
        v = row.get(self._column())
        if v is not None and str(v) in self.nulls:
            v = None
        if self.op == "present":
            return (v is not None) == bool(self.value)
        if v is None:
            return False
        if self.op == "equals":
            return v == self.value or str(v) == str(self.value)
        if self.op == "in":
            return v in self.value or str(v) in map(str, self.value)
        if self.op == "contains":
            return str(self.value) in str(v)
        if self.op in _COMPARE:
            try:
                number = nz.parse_amount(v)
            except ValueError:
                return False
            return _COMPARE[self.op](float(number), float(self.value))
        raise AssertionError(self.op)

    def columns(self) -> set[str]:
        return self._operand().columns() if self.op == "not" else {self._column()}

    def _operand(self) -> Condition:
        assert self.negated is not None, "a 'not' condition is built with its operand"
        return self.negated

    def _column(self) -> str:
        assert self.column is not None, "a test other than 'not' is built with its column"
        return self.column


@dataclass(frozen=True)
class Derive:
    """``derive``: new columns from a named-group regex over one column (absent where it does not match).

    ``{column: 姓名, pattern: '^(?P<seat_org>.+?)-(?P<seat_rep>.+)$'}`` splits an
    organisation-held seat ``翹麗投資(股)-林玉萍`` into ``seat_org`` and ``seat_rep``.
    """

    column: str
    pattern: re.Pattern

    def apply(self, row: Mapping[str, Any]) -> dict[str, Any]:
        v = row.get(self.column)
        m = self.pattern.search(v) if isinstance(v, str) else None
        return {g: (nz.clean_text(m.group(g)) if m and m.group(g) else None) for g in self.pattern.groupindex}


@dataclass(frozen=True)
class PropSpec:
    name: str
    column: str | None = None
    const: Any = None
    transform: str | None = None
    nulls: frozenset[str] = frozenset()
    split: str | None = None
    lookup: tuple[str, str, str] | None = None  # (table, row column to join on, table field)
    options: Mapping[str, Any] = field(default_factory=dict)  # transform options (stock_code's market)
    multiply: float | None = None  # unit: the transformed number times this (lots of 1,000 shares)

    def raw(self, row: Mapping[str, Any], lookups: Mapping[str, Mapping[str, Mapping[str, str]]]) -> Any:
        if self.const is not None:
            return self.const
        if self.lookup:
            table, on, fld = self.lookup
            hit = lookups[table].get(row.get(on) or "")
            v = nz.clean_text(hit.get(fld)) if hit else None
        else:  # a row's keys are column names: no column (a ``value: null`` spec) reads as absent
            v = row.get(self.column) if self.column is not None else None
        if isinstance(v, (dict, list)):  # JSON lines: an object or array where a value belongs
            raise RowError(f"{self.name} ({self.column}): expected one value, got a JSON "
                           f"{'object' if isinstance(v, dict) else 'array'}")
        return None if v is None or v in self.nulls else v


@dataclass(frozen=True)
class EntitySpec:
    name: str
    label: str | None
    choose: tuple[str, str, Mapping[str, str]] | None  # (how, column, map)
    props: tuple[PropSpec, ...]
    identity: tuple[str, ...] = ()
    optional: bool = False
    when: Condition | None = None
    name_only: bool = False  # ``identity: name_only``: declared, and reported as a risk

    def label_for(self, row: Mapping[str, Any]) -> str | None:
        if self.label:
            return self.label
        assert self.choose is not None, "an entity without a fixed label is built with its choice"
        how, column, choices = self.choose
        v = row.get(column)
        if how == "by_name":
            return None if v is None else ("Person" if nz.is_person_name(v) else "Company")
        if how == "by_prefix":
            return None if v is None else choices.get(v[:1])
        if how == "if_present":
            return choices["then"] if v is not None else choices["else"]
        if how == "column":
            if v is not None and v not in schema().nodes:
                raise RowError(f"{self.name}: {column}={v!r} is not a node label")
            return v
        raise AssertionError(how)


@dataclass(frozen=True)
class RelSpec:
    type: str
    start: str
    end: str
    props: tuple[PropSpec, ...] = ()
    when: Condition | None = None
