"""The record lifecycle as data: ``creditgraph/lifecycle.yaml`` read, checked, and applied to one record.

:func:`load_rules` refuses a table that names an unknown label or field, a rule without a
source, or a condition it cannot evaluate — the message names the rule. :func:`exit_of` is a
pure function of a record's properties and the day: which rule takes it off, and from when.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Mapping

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from creditgraph.errors import SchemaError
from creditgraph.graph.governance import RECORD_LABELS
from creditgraph.graph.schema import PROVENANCE, schema

__all__ = ["Rules", "Rule", "Exit", "load_rules", "rules", "exit_of", "DEFAULT_PATH", "EXITS"]

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "lifecycle.yaml"
#: Why a record left the lists.
EXITS = ("period_ended", "performed", "removed", "revoked", "withdrawn", "repaired")
_OPS = ("equals", "in", "contains", "lt", "le", "gt", "ge", "missing")


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    field: str
    equals: Any = None
    in_: list[Any] | None = Field(None, alias="in")
    contains: str | None = None
    lt: float | None = None
    le: float | None = None
    gt: float | None = None
    ge: float | None = None
    missing: bool | None = None

    @model_validator(mode="after")
    def _one_test(self) -> "Condition":
        given = [op for op in _OPS if getattr(self, "in_" if op == "in" else op) is not None]
        if len(given) != 1:
            raise ValueError(f"a condition on {self.field!r} needs exactly one of {list(_OPS)}, got {given}")
        return self

    def holds(self, props: Mapping[str, Any]) -> bool:
        v = props.get(self.field)
        if self.missing is not None:
            return (v is None or v == "") == self.missing
        if v is None or v == "":
            return False
        if self.equals is not None:
            return str(v) == str(self.equals)
        if self.in_ is not None:
            return str(v) in {str(x) for x in self.in_}
        if self.contains is not None:
            return self.contains in str(v)
        try:
            x = float(v)
        except (TypeError, ValueError):
            return False
        return ((self.lt is None or x < self.lt) and (self.le is None or x <= self.le)
                and (self.gt is None or x > self.gt) and (self.ge is None or x >= self.ge))


class Period(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    years: int = 0
    months: int = 0
    days: int = 0
    from_: list[str] = Field(alias="from", min_length=1)

    def end(self, start: dt.date) -> dt.date:
        """The first day after the period that began on ``start``."""
        months = start.month - 1 + self.months + 12 * self.years
        year, month = start.year + months // 12, months % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return dt.date(year, month, day) + dt.timedelta(days=self.days)


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    exit: Literal["period_ended", "performed", "removed", "revoked"]
    period: Period | None = None
    date_field: str | None = None
    when: list[Condition] = []
    unless: list[Condition] = []
    source: str = Field(min_length=5)
    checked: str = Field(min_length=5)


class LabelRules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    rules: list[Rule] = []
    source: str | None = None
    checked: str | None = None


class Lists(BaseModel):
    model_config = ConfigDict(extra="allow")
    pdf_rows: int = 500


class Rules(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int
    labels: dict[str, LabelRules]
    objections: dict[str, str] = {"blacklist_while_open": "exclude"}
    repair: dict[str, str] = {"exit": "repaired"}
    lists: dict[str, Any] = {}

    @property
    def blacklist_excludes_objections(self) -> bool:
        return self.objections.get("blacklist_while_open", "exclude") == "exclude"

    def fields(self, label: str) -> list[str]:
        """The record fields the rules of ``label`` read (what the store must hand over)."""
        out: dict[str, None] = {}
        for r in self.labels.get(label, LabelRules(name=label)).rules:
            for c in [*r.when, *r.unless]:
                out[c.field] = None
            if r.date_field:
                out[r.date_field] = None
            for f in (r.period.from_ if r.period else []):
                out[f] = None
        return [f for f in out if f not in PROVENANCE]


def load_rules(path: Path | None = None) -> Rules:
    """Read and check a lifecycle table (default: the packaged ``creditgraph/lifecycle.yaml``)."""
    path = Path(path or DEFAULT_PATH)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        out = Rules.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as e:
        raise SchemaError(f"{path}: not a usable lifecycle table: {e}") from e
    sch = schema()
    for label, spec in out.labels.items():
        if label not in RECORD_LABELS:
            raise SchemaError(f"{path}: {label!r} is not a record label with a status ({list(RECORD_LABELS)})")
        declared = sch.node(label).properties
        for r in spec.rules:
            fields = [c.field for c in [*r.when, *r.unless]] + ([r.date_field] if r.date_field else []) \
                + (r.period.from_ if r.period else [])
            for f in fields:
                if f not in declared and f not in PROVENANCE:
                    raise SchemaError(f"{path}: rule {r.id} reads {label}.{f}, which the schema does not declare")
            if not (r.period or r.date_field or r.when):
                raise SchemaError(f"{path}: rule {r.id} has no period, no date_field and no condition: it would "
                                  "take every record off")
    return out


@lru_cache(maxsize=1)
def rules() -> Rules:
    """The packaged table, read once per process."""
    return load_rules()


def _date(v: Any) -> dt.date | None:
    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if hasattr(v, "to_native"):  # neo4j.time.Date
        return v.to_native()
    try:
        return dt.date.fromisoformat(str(v)[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class Exit:
    """A rule that takes a record off the lists, and the day it does."""

    rule: str
    reason: str
    since: dt.date


def exit_of(label: str, props: Mapping[str, Any], as_of: dt.date, table: Rules | None = None) -> Exit | None:
    """The first rule of ``label`` that takes this record off by ``as_of``, else ``None``.

    A condition rule (no date of its own) takes effect on ``as_of``. O(rules)."""
    table = table or rules()
    spec = table.labels.get(label)
    for r in spec.rules if spec else ():
        if not all(c.holds(props) for c in r.when) or any(c.holds(props) for c in r.unless):
            continue
        since = as_of
        if r.date_field:
            since = _date(props.get(r.date_field))
            if since is None:
                continue
        if r.period:
            start = next((d for d in map(_date, (props.get(f) for f in r.period.from_)) if d), None)
            if start is None:
                continue
            since = max(since, r.period.end(start)) if r.date_field else r.period.end(start)
        if since <= as_of:
            return Exit(r.id, r.exit, since)
    return None
