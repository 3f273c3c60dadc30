"""The synthetic city's records: people, firms, enforcement cases and the list entries and
penalties against them — plain dataclasses the writers turn into source files — and the dates
and company types they are drawn around.

:class:`~creditgraph.synth.world.World` makes them; ``synth/write.py`` and
``synth/write_listed.py`` write them out; ``synth/truth.py`` records which are which.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

__all__ = ["Person", "Firm", "Case", "Dishonest", "Restriction", "Abnormal", "Penalty", "AS_OF", "SMALL_TYPES",
           "CORPORATE_TYPE", "JOINT_STOCK_TYPE"]

#: The snapshot date of the city's registry export.
AS_OF = dt.date(2024, 6, 30)
SMALL_TYPES = ["有限责任公司(自然人独资)", "有限责任公司(自然人投资或控股)"]
CORPORATE_TYPE = "有限责任公司(非自然人投资或控股的法人独资)"
JOINT_STOCK_TYPE = "股份有限公司(非上市、自然人投资或控股)"


@dataclass(slots=True)
class Person:
    pid: int
    name: str
    idn: str
    sex: str
    birth: dt.date
    mobile: str = ""


@dataclass(slots=True)
class Firm:
    fid: int
    uscc: str
    name: str
    region: str
    industry: str
    org_type: str
    capital: float          # 万元
    paid_in: float          # 万元
    founded: dt.date
    status: str
    dissolved: dt.date | None
    address: str
    phone: str
    legal_rep: int = -1     # pid, or -1 until set
    posts: list[tuple[int, str]] = field(default_factory=list)
    # (kind "P"/"C", pid or fid, ratio 0..1, subscribed 万元, subscription date)
    holders: list[tuple[str, int, float, float, dt.date]] = field(default_factory=list)


@dataclass(slots=True)
class Case:
    """An enforcement case (执) and the civil judgment (民初) it enforces."""
    case_no: str
    court: str
    filed: dt.date
    basis_no: str
    judged: dt.date
    cause: str
    creditor: str
    debtors: list[tuple[str, int]]   # ("P", pid) / ("C", fid)
    amount: float                    # 元


@dataclass(slots=True)
class Dishonest:
    case: int
    subject: tuple[str, int]
    published: dt.date
    performance: str
    behaviour: str
    performed: float


@dataclass(slots=True)
class Restriction:
    case: int
    subject: tuple[str, int]
    person: int                      # the person restricted (the firm's legal rep, or the debtor)
    issued: dt.date
    published: dt.date


@dataclass(slots=True)
class Abnormal:
    fid: int
    reason: str
    listed: dt.date
    removed: dt.date | None


@dataclass(slots=True)
class Penalty:
    decision_no: str
    fid: int
    authority: str
    violation: str
    content: str
    fine: float                      # 万元
    decided: dt.date
