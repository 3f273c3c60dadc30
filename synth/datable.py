"""Whether a written city can date each planted asset move: the truth's ``datable`` fact.

A planted asset-hiding case is a move (a firm founded by the boss's relative, or the boss's
stake passed to the relative) right after a judgment. A detector can only tell a move in the
judgment's window from an old tie if the published files date it, and what they date differs
by profile (blank founding dates, shareholder rows without a subscription date, the listed
layout's shareholders with no date at all). So, as person links are scored on the links the
truth says are inferable, asset hiding is also reported on the moves the data can date.

The rule reads only the files the profile wrote (never the detector), after writing:

- the judgment side is always dated: every profile writes the zxgk 失信 list, whose
  立案时间 and 发布时间 are never blanked;
- ``new_firm``: datable when the hidden firm's row publishes a founding date (成立日期, or
  ``clrq`` in the listed layout), or a shareholder row of the hidden firm naming the relative
  publishes its subscription date (认缴出资日期): the relative took the stake at founding;
- ``equity_transfer``: datable only when such a shareholder row publishes its subscription
  date — the firm's founding says nothing about when its stake changed hands.

A date counts when it parses as a calendar date (a dirty row's impossible date does not).
Linear in the rows of the two files read.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from creditgraph.synth.profiles import Profile

__all__ = ["mark_datable"]

# layout → (firms file, name column, founding column), (holders file, firm column, holder column, date column)
_FILES = {
    "registry": (("enterprise_registration.csv", "公司名", "成立日期", ","),
                 ("shareholders.csv", "公司名", "股东名称", "认缴出资日期")),
    "listed": (("company_basic_info.tsv", "gsmc", "clrq", "\t"), None),
}


def _dated(text: str | None) -> bool:
    try:
        dt.date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return False
    return True


def _rows(path: Path, delimiter: str):
    with path.open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh, delimiter=delimiter)


def mark_datable(cases: list[dict], data: Path, profile: Profile, firm_name: Mapping[str, str],
                 person_name: Mapping[int, str]) -> None:
    """Set ``facts["datable"]`` (bool) and ``facts["dated_by"]`` (the published dates that date
    the move: ``"founding"``, ``"stake"``) on each asset-hiding truth entry in ``cases``, from
    the files written under ``data``; firms and people are found by the names the files print
    (``firm_name``: USCC → name, ``person_name``: pid → name)."""
    cases = [p for p in cases if p["pattern"] == "asset_hiding"]
    if not cases:
        return
    firms_spec, holders_spec = _FILES[profile.layout]
    hidden = {firm_name[p["facts"]["hidden_firm"]]: p for p in cases}
    founded: set[str] = set()
    name_col, fd_col, delim = firms_spec[1], firms_spec[2], firms_spec[3]
    if firms_spec[0] in profile.files:
        founded = {r[name_col] for r in _rows(data / firms_spec[0], delim)
                   if r.get(name_col) in hidden and _dated(r.get(fd_col))}
    staked: set[str] = set()
    if holders_spec and holders_spec[0] in profile.files:
        file, firm_col, holder_col, date_col = holders_spec
        relative = {name: person_name[p["facts"]["associate"]] for name, p in hidden.items()}
        staked = {r[firm_col] for r in _rows(data / file, ",") if r.get(firm_col) in hidden
                  and r.get(holder_col) == relative[r[firm_col]] and _dated(r.get(date_col))}
    for name, p in hidden.items():
        f = p["facts"]
        by = ["founding"] if f["mode"] == "new_firm" and name in founded else []
        by += ["stake"] if name in staked else []
        f["datable"], f["dated_by"] = bool(by), by
