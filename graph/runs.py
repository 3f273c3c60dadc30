"""Run records: a command that rewrites the store says so in the store, before and after.

``load --bulk``, ``resolve`` and ``score`` each write one ``Run`` node when they start (command,
start time, user, process, options) and mark it finished, with their counts, when they end. A run
killed half-way (``kill -9``, out of memory, the owner of the embedded store gone) leaves its
record without ``finished``: :func:`unfinished_runs` finds it, ``stats``, the explorer's banner and
the next command report it, and the next run of the same command redoes the work and marks the
record ``repaired_by`` itself. Without the record a half-written resolution looked finished (61
of 4,812 links, every node keeping its old ``resolved``) and ``resolve --incremental`` saw nothing
to do.

The label, key prefix and properties are declared in ``schema.yaml`` (its ``runs:`` block, outside
``nodes:`` so exports, counts and the bulk loader's empty-store check never see run records); every
query on them is here, run through ``BoltGraphStore.read_rows`` / ``write_rows``. Each start,
stage and finish is one small write: O(1) round trips per run, O(runs) to list them.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import logging
import os
import re
import secrets
import socket
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Mapping, Protocol, Sequence, runtime_checkable

import yaml

from creditgraph.errors import CreditGraphError, SchemaError

__all__ = ["RunSchema", "run_schema", "Run", "RunRecord", "RunStore", "recorded", "unfinished_runs",
           "report_unfinished", "recent_runs", "REPAIR", "BULK_LOAD", "RESOLVE", "SCORE"]

log = logging.getLogger(__name__)

#: The commands that keep run records (the ``command`` of a Run).
BULK_LOAD, RESOLVE, SCORE = "load --bulk", "resolve", "score"

#: What repairs each command's unfinished run, in the words a user can act on.
REPAIR = {
    BULK_LOAD: "run `creditgraph load --bulk` again (it starts over on the records the stopped load left) "
               "or `creditgraph wipe --yes` and load",
    RESOLVE: "run `creditgraph resolve` (or `resolve --incremental`: it redoes the whole resolution)",
    SCORE: "run `creditgraph score`",
}


# -- the schema block ----------------------------------------------------------------------

@dataclass(frozen=True)
class RunSchema:
    label: str
    prefix: str
    properties: Mapping[str, Mapping[str, Any]]


@lru_cache(maxsize=1)
def run_schema() -> RunSchema:
    """The ``runs:`` block of the packaged ``schema.yaml``, checked (the label goes into query text)."""
    raw = yaml.safe_load(Path(__file__).with_name("schema.yaml").read_text(encoding="utf-8")).get("runs")
    if not isinstance(raw, dict):
        raise SchemaError("schema.yaml has no `runs:` block (the Run record's label and properties)")
    label, prefix = str(raw.get("label", "")), str(raw.get("prefix", ""))
    if not re.fullmatch(r"[A-Z][A-Za-z]{0,40}", label) or not re.fullmatch(r"[a-z]{1,10}", prefix):
        raise SchemaError(f"schema.yaml runs: label {label!r} / prefix {prefix!r} are not plain names")
    return RunSchema(label, prefix, dict(raw.get("properties") or {}))


# -- query text (values always as parameters; the label checked above) ------------------------

@lru_cache(maxsize=1)
def _q() -> dict[str, str]:
    lab = run_schema().label
    return {
        "constraint": f"CREATE CONSTRAINT {lab.lower()}_key IF NOT EXISTS FOR (n:{lab}) REQUIRE n.key IS UNIQUE",
        "start": f"MERGE (r:{lab} {{key: $key}}) SET r += $props RETURN r.key AS key",
        "stage": f"MATCH (r:{lab} {{key: $key}}) SET r.stage = $stage RETURN count(r) AS n",
        "finish": (f"MATCH (r:{lab} {{key: $key}}) SET r.finished = $at, r.counts = $counts, r.repairs = $repairs "
                   "REMOVE r.stage RETURN count(r) AS n"),
        "fail": f"MATCH (r:{lab} {{key: $key}}) SET r.failed = $at, r.error = $error RETURN count(r) AS n",
        "abort": (f"MATCH (r:{lab} {{key: $key}}) SET r.failed = $at, r.finished = $at, r.error = $error "
                  "RETURN count(r) AS n"),
        "repaired": f"MATCH (r:{lab}) WHERE r.key IN $keys SET r.repaired_by = $by RETURN count(r) AS n",
        "unfinished": (f"MATCH (r:{lab}) WHERE r.finished IS NULL AND r.repaired_by IS NULL "
                       "RETURN properties(r) AS props"),
        "recent": f"MATCH (r:{lab}) RETURN properties(r) AS props ORDER BY r.started DESC, r.key DESC LIMIT $limit",
    }


@runtime_checkable
class RunStore(Protocol):
    """What run records need of a store (``BoltGraphStore`` has it, for Neo4j and the embedded store)."""

    def read_rows(self, what: str, query: str, **params: Any) -> list[dict[str, Any]]: ...

    def write_rows(self, what: str, query: str, **params: Any) -> list[dict[str, Any]]: ...


# -- what a record says ------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    """One run record as read back. ``state``: finished, aborted (an error ended it before it changed
    the store), repaired (a later run redid it), failed (an error ended it half-way),
    running (its process is alive on this host), stopped (its process is gone: killed or crashed),
    elsewhere (started on another host, not finished; running there or stopped)."""

    key: str
    command: str
    started: str
    state: str
    user: str | None = None
    pid: int | None = None
    host: str | None = None
    stage: str | None = None
    finished: str | None = None
    error: str | None = None
    repaired_by: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    counts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def unfinished(self) -> bool:
        return self.state not in ("finished", "aborted", "repaired")

    def describe(self) -> str:
        """One line for a person: what ran, when, who, how far it got and what to do."""
        who = f" by {self.user}" if self.user else ""
        where = f" (pid {self.pid}{'' if self.host in (None, socket.gethostname()) else ' on ' + self.host})"
        at = f"; it was {self.stage}" if self.stage else ""
        what = f"{self.command} {self.key} started {self.started}{who}{where}"
        if self.state == "running":
            return f"{what} is still running{at}"
        if self.state == "failed":
            return f"{what} failed{at}: {self.error}; its results are incomplete: {REPAIR.get(self.command, '')}"
        if self.state in ("stopped", "elsewhere"):
            how = "never finished (its process is gone)" if self.state == "stopped" else "has not finished"
            return f"{what} {how}{at}; its results are incomplete: {REPAIR.get(self.command, '')}"
        if self.state == "aborted":
            return f"{what} stopped before changing the store: {self.error}"
        if self.state == "repaired":
            return f"{what} did not finish; {self.repaired_by} redid it"
        return f"{what} finished {self.finished}"

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "command": self.command, "started": self.started, "state": self.state,
                "user": self.user, "pid": self.pid, "host": self.host, "stage": self.stage, "finished": self.finished,
                "error": self.error, "repaired_by": self.repaired_by, "options": dict(self.options),
                "counts": dict(self.counts), "message": self.describe()}


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _process_start(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (Linux), so a reused pid is not taken
    for the run's process; ``None`` where /proc is not there."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()
    return int(fields[19]) if len(fields) > 19 and fields[0] != "Z" else None


def _alive(pid: int, started: int | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        pass
    if Path("/proc").is_dir():
        now = _process_start(pid)
        return now is not None and (started is None or now == started)  # a zombie or a reused pid is not the run
    return True


def _state(p: Mapping[str, Any]) -> str:
    if p.get("finished"):
        return "aborted" if p.get("failed") else "finished"
    if p.get("repaired_by"):
        return "repaired"
    if p.get("failed"):
        return "failed"
    if p.get("host") != socket.gethostname() or p.get("pid") is None:
        return "elsewhere"
    return "running" if _alive(int(p["pid"]), p.get("pid_started")) else "stopped"


def _json(text: Any) -> dict[str, Any]:
    if not text:
        return {}
    try:
        out = json.loads(text)
    except ValueError:
        return {"unreadable": str(text)[:200]}
    return out if isinstance(out, dict) else {"value": out}


def _run(p: Mapping[str, Any]) -> Run:
    return Run(key=p["key"], command=p.get("command") or "?", started=p.get("started") or "?", state=_state(p),
               user=p.get("user"), pid=p.get("pid"), host=p.get("host"), stage=p.get("stage"),
               finished=p.get("finished"), error=p.get("error"), repaired_by=p.get("repaired_by"),
               options=_json(p.get("options")), counts=_json(p.get("counts")))


# -- reads ---------------------------------------------------------------------------------------

def unfinished_runs(store: Any) -> list[Run]:
    """Every run that started and neither finished nor was repaired, oldest first (running ones
    included: ``state`` tells them apart). A store that keeps no run records has none.

    This is what ``stats``, the next command and the explorer's banner show: one line each,
    :meth:`Run.describe`."""
    if not isinstance(store, RunStore):
        return []
    rows = store.read_rows("reading unfinished runs", _q()["unfinished"])
    return sorted((_run(r["props"]) for r in rows), key=lambda r: (r.started, r.key))


def report_unfinished(store: Any) -> list[Run]:
    """:func:`unfinished_runs`, each logged as a warning in plain words: what a command that reads
    the store calls first, so nobody takes a half-written store for a finished one."""
    found = unfinished_runs(store)
    for r in found:
        log.warning("%s", r.describe())
    return found


def recent_runs(store: Any, limit: int = 20) -> list[Run]:
    """The last ``limit`` runs, newest first, whatever their state."""
    if not isinstance(store, RunStore):
        return []
    return [_run(r["props"]) for r in store.read_rows("reading recent runs", _q()["recent"], limit=int(limit))]


# -- writes --------------------------------------------------------------------------------------

class RunRecord:
    """The record of the run in progress. ``earlier``: the unfinished runs of the same command found
    at the start (stopped, failed or elsewhere), which this run repairs by finishing; ``counts``: set
    it to what the run read and wrote, stored when it finishes; :meth:`stage` says what it is doing."""

    def __init__(self, store: RunStore | None, key: str, command: str, earlier: Sequence[Run]) -> None:
        self._store = store
        self.key = key
        self.command = command
        self.earlier = list(earlier)
        self.counts: dict[str, Any] = {}
        self.writes = False  # whether it has begun to change the store (an error before that leaves it whole)

    @property
    def repairs(self) -> list[str]:
        return [r.key for r in self.earlier]

    def stage(self, what: str, *, writes: bool = False) -> None:
        """Record what the run does now ("writing Person links"): a stopped run's record keeps it.
        ``writes``: from this stage on the run changes the store."""
        log.debug("%s: %s", self.key, what)
        self.writes = self.writes or writes
        if self._store is not None:
            self._store.write_rows(f"recording the stage of {self.key}", _q()["stage"], key=self.key, stage=what)


@contextmanager
def recorded(store: Any, command: str, *, user: str | None = None, options: Mapping[str, Any] | None = None,
             after: Sequence[str] = ()) -> Iterator[RunRecord]:
    """Record a run of ``command`` around the block: started before it, finished after it (with
    :attr:`RunRecord.counts`); an exception out of the block records the failure and goes on.

    Refused (:class:`CreditGraphError`, before anything is written) when a run of the same command
    is still running, or when a run of a command in ``after`` is unfinished (a score over a
    half-written resolution would look right and be wrong). Unfinished runs of the same command
    are ``earlier``: the block must redo their work, and finishing marks them repaired by this run.
    """
    if not isinstance(store, RunStore):
        # a store in memory loses everything with its process, a half-written run included: nothing to see
        level = logging.INFO if getattr(store, "backend", None) == "memory" else logging.WARNING
        log.log(level, "this store (%s) keeps no run records: a %s stopped half-way will not be seen",
                type(store).__name__, command)
        yield RunRecord(None, "", command, [])
        return
    store.write_rows("creating the run records' key constraint", _q()["constraint"])
    pending = unfinished_runs(store)
    for r in pending:
        if r.command == command and r.state == "running":
            raise CreditGraphError(f"refused: {r.describe()}; wait for it to end (or stop process {r.pid})")
    for r in pending:
        if r.command in after:
            raise CreditGraphError(f"refused to {command}: {r.describe()}")
    earlier = [r for r in pending if r.command == command]
    for r in pending:
        log.warning("%s", f"{r.describe()}; this {command} redoes it" if r in earlier else r.describe())
    key = f"{run_schema().prefix}:{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
    props = {"command": command, "started": _now(), "user": user or getpass.getuser(), "pid": os.getpid(),
             "host": socket.gethostname(), "options": json.dumps(dict(options or {}), sort_keys=True)}
    started = _process_start(os.getpid())
    if started is not None:
        props["pid_started"] = started
    store.write_rows(f"recording the start of {command} run {key}", _q()["start"], key=key, props=props)
    log.info("%s run %s started", command, key)
    record = RunRecord(store, key, command, earlier)
    try:
        yield record
    except BaseException as e:
        error = f"{type(e).__name__}: {e}".splitlines()[0][:500]
        try:  # an error before the first write left the store as it was: that run is over, not unfinished
            store.write_rows(f"recording the failure of {key}", _q()["fail" if record.writes else "abort"],
                             key=key, at=_now(), error=error)
        except CreditGraphError as also:  # the store itself may be what failed; the first error is the one raised
            log.warning("could not record the failure of %s in the store: %s", key, also)
        raise
    if record.repairs:
        store.write_rows(f"marking runs repaired by {key}", _q()["repaired"], keys=record.repairs, by=key)
    store.write_rows(f"recording the end of {key}", _q()["finish"], key=key, at=_now(),
                     counts=json.dumps(record.counts, sort_keys=True, default=str, ensure_ascii=False),
                     repairs=record.repairs)
    log.info("%s run %s finished%s", command, key,
             f"; it repaired {', '.join(record.repairs)}" if record.repairs else "")
