"""Governance state under ``<data dir>/governance/``: one SQLite file, plus snapshot and edition folders.

Why SQLite and not JSON lines: objections, repair applications and alerts change state (open →
decided) and are read by state (open ones, median days to decide), from the CLI and the
explorer at once. SQLite gives atomic updates between processes (WAL, a busy timeout) and those
reads as queries, with nothing to install; the append-only trail of every step stays the query
register (``creditgraph.audit``). Run snapshots (what alerts diff) and published editions are
files, since they are written once and compared whole.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from creditgraph.errors import CreditGraphError

__all__ = ["State", "GovernanceError", "now"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objections (
  n INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE, record TEXT NOT NULL, label TEXT NOT NULL,
  subject TEXT, grounds TEXT NOT NULL, filed_by TEXT NOT NULL, filed_at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open', decision TEXT, reason TEXT, correction TEXT,
  decided_by TEXT, decided_at TEXT);
CREATE TABLE IF NOT EXISTS repairs (
  n INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE, record TEXT NOT NULL, label TEXT NOT NULL,
  applicant TEXT, evidence TEXT NOT NULL, filed_by TEXT NOT NULL, filed_at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending', reason TEXT, decided_by TEXT, decided_at TEXT);
CREATE TABLE IF NOT EXISTS watchlists (
  n INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE, owner TEXT NOT NULL, kind TEXT NOT NULL,
  target TEXT NOT NULL, note TEXT, created_at TEXT NOT NULL, UNIQUE (owner, kind, target));
CREATE TABLE IF NOT EXISTS runs (
  n INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE, at TEXT NOT NULL, what TEXT NOT NULL,
  snapshot TEXT NOT NULL, facts INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS alerts (
  n INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE, run TEXT NOT NULL, kind TEXT NOT NULL,
  watch TEXT NOT NULL, entity TEXT NOT NULL, fact TEXT NOT NULL, detail TEXT NOT NULL,
  raised_at TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open', reason TEXT, decided_by TEXT,
  decided_at TEXT, UNIQUE (run, kind, watch, fact));
CREATE TABLE IF NOT EXISTS editions (
  n INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE, as_of TEXT NOT NULL, at TEXT NOT NULL,
  folder TEXT NOT NULL, counts TEXT NOT NULL, checkpoint TEXT);
"""
_PREFIX = {"objections": "OB", "repairs": "CR", "watchlists": "WL", "runs": "RUN", "alerts": "AL",
           "editions": "ED"}


class GovernanceError(CreditGraphError):
    """A governance step cannot be taken (unknown id, wrong state, missing reason)."""


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class State:
    """The governance database at ``<folder>/governance.sqlite``; ``folder`` also holds
    ``snapshots/`` and ``editions/``. Opens a connection per call (safe across processes)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    @classmethod
    def of(cls, data_dir: Path) -> "State":
        return cls(Path(data_dir) / "governance")

    @property
    def path(self) -> Path:
        return self.folder / "governance.sqlite"

    @contextmanager
    def db(self) -> Iterator[sqlite3.Connection]:
        self.folder.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        con.row_factory = sqlite3.Row
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(_SCHEMA)
            con.execute("BEGIN IMMEDIATE")
            yield con
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        finally:
            con.close()

    def insert(self, table: str, **values: Any) -> dict[str, Any]:
        """Add a row; its id is the table's prefix and number (OB00001). Returns the row."""
        prefix = _PREFIX[_table(table)]
        cols = list(values)
        with self.db() as con:
            cur = con.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                              [_cell(values[c]) for c in cols])
            rid = f"{prefix}{cur.lastrowid:05d}"
            con.execute(f"UPDATE {table} SET id = ? WHERE n = ?", (rid, cur.lastrowid))
            return _row(con.execute(f"SELECT * FROM {table} WHERE n = ?", (cur.lastrowid,)).fetchone())

    def insert_ignore(self, table: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Add rows that break no uniqueness rule (an alert raised twice for one run is one alert)."""
        out = []
        prefix = _PREFIX[_table(table)]
        with self.db() as con:
            for values in rows:
                cols = list(values)
                cur = con.execute(f"INSERT OR IGNORE INTO {table} ({', '.join(cols)}) VALUES "
                                  f"({', '.join('?' * len(cols))})", [_cell(values[c]) for c in cols])
                if cur.rowcount:
                    rid = f"{prefix}{cur.lastrowid:05d}"
                    con.execute(f"UPDATE {table} SET id = ? WHERE n = ?", (rid, cur.lastrowid))
                    out.append(_row(con.execute(f"SELECT * FROM {table} WHERE n = ?", (cur.lastrowid,)).fetchone()))
        return out

    def get(self, table: str, rid: str) -> dict[str, Any]:
        _table(table)
        with self.db() as con:
            row = con.execute(f"SELECT * FROM {table} WHERE id = ?", (rid,)).fetchone()
        if row is None:
            raise GovernanceError(f"no {table[:-1]} {rid!r}")
        return _row(row)

    def rows(self, table: str, **where: Any) -> list[dict[str, Any]]:
        _table(table)
        cond = " AND ".join(f"{k} = ?" for k in where) or "1 = 1"
        with self.db() as con:
            return [_row(r) for r in con.execute(f"SELECT * FROM {table} WHERE {cond} ORDER BY n",
                                                 [_cell(v) for v in where.values()])]

    def update(self, table: str, rid: str, *, expect: dict[str, Any] | None = None, **values: Any) -> dict[str, Any]:
        """Change a row; with ``expect``, only while those columns hold those values (else
        :class:`GovernanceError`: somebody decided it first)."""
        _table(table)
        expect = expect or {}
        sets = ", ".join(f"{k} = ?" for k in values)
        cond = " AND ".join(["id = ?", *(f"{k} = ?" for k in expect)])
        with self.db() as con:
            cur = con.execute(f"UPDATE {table} SET {sets} WHERE {cond}",
                              [*(_cell(v) for v in values.values()), rid, *(_cell(v) for v in expect.values())])
            row = con.execute(f"SELECT * FROM {table} WHERE id = ?", (rid,)).fetchone()
        if row is None:
            raise GovernanceError(f"no {table[:-1]} {rid!r}")
        if not cur.rowcount:
            got = {k: row[k] for k in expect}
            raise GovernanceError(f"{rid} is {got}, not {expect}: nothing changed")
        return _row(row)

    def delete(self, table: str, rid: str) -> bool:
        _table(table)
        with self.db() as con:
            return bool(con.execute(f"DELETE FROM {table} WHERE id = ?", (rid,)).rowcount)


def _table(name: str) -> str:
    if name not in _PREFIX:
        raise GovernanceError(f"no governance table {name!r}")
    return name


def _cell(v: Any) -> Any:
    return json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, (dict, list)) else v


def _row(r: sqlite3.Row) -> dict[str, Any]:
    out = dict(r)
    out.pop("n", None)
    for k in ("correction", "evidence", "detail", "counts", "checkpoint"):
        if isinstance(out.get(k), str) and out[k][:1] in "[{":
            out[k] = json.loads(out[k])
    return out
