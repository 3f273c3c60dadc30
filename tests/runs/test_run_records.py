"""Run records without a database: a fake store that keeps what graph/runs.py writes shows the
exact queries and parameters — start before the work, finish (or failure) after it, repairs
marked, refusals before anything is written — and how a record reads back to a person."""

from __future__ import annotations

import json
import logging
import os
import socket

import pytest

from creditgraph.errors import CreditGraphError
from creditgraph.graph import runs
from creditgraph.graph.runs import _process_start, _q


class FakeRunStore:
    """Keeps Run records in a dict, answering the queries of graph/runs.py by their text."""

    def __init__(self, records=()):
        self.records = {r["key"]: dict(r) for r in records}
        self.calls: list[tuple[str, dict]] = []

    def read_rows(self, what, query, **params):
        self.calls.append((query, params))
        if query == _q()["unfinished"]:
            return [{"props": dict(r)} for r in self.records.values()
                    if r.get("finished") is None and r.get("repaired_by") is None]
        if query == _q()["recent"]:
            ordered = sorted(self.records.values(), key=lambda r: (r["started"], r["key"]), reverse=True)
            return [{"props": dict(r)} for r in ordered[: params["limit"]]]
        raise AssertionError(f"unexpected read {query}")

    def write_rows(self, what, query, **params):
        self.calls.append((query, params))
        q = _q()
        if query == q["constraint"]:
            return []
        if query == q["start"]:
            self.records[params["key"]] = {"key": params["key"], **params["props"]}
        elif query == q["stage"]:
            self.records[params["key"]]["stage"] = params["stage"]
        elif query == q["finish"]:
            r = self.records[params["key"]]
            r.update(finished=params["at"], counts=params["counts"], repairs=params["repairs"])
            r.pop("stage", None)
        elif query in (q["fail"], q["abort"]):
            r = self.records[params["key"]]
            r.update(failed=params["at"], error=params["error"])
            if query == q["abort"]:
                r["finished"] = params["at"]
        elif query == q["repaired"]:
            for k in params["keys"]:
                self.records[k]["repaired_by"] = params["by"]
        else:
            raise AssertionError(f"unexpected write {query}")
        return [{"n": 1}]

    def queries(self):
        return [query for query, _ in self.calls]


def _record(key, command, *, pid, started="2026-12-06T06:00:00.000Z", **more):
    return {"key": key, "command": command, "started": started, "user": "someone", "pid": pid,
            "host": socket.gethostname(), "options": "{}", **more}


def _dead_pid() -> int:
    pid = 4_000_000  # above Linux's pid_max: no such process
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    return pid


def test_a_run_is_recorded_before_its_work_and_finished_after_it():
    store = FakeRunStore()
    with runs.recorded(store, runs.RESOLVE, user="tester", options={"incremental": True}) as run:
        (key,) = store.records
        assert run.key == key and key.startswith("run:")
        assert "finished" not in store.records[key]
        assert [r.key for r in runs.unfinished_runs(store)] == [key]  # while it works, it is unfinished
        assert runs.unfinished_runs(store)[0].state == "running"
        run.stage("writing person links", writes=True)
        run.counts = {"persons": {"links": 3}}
    start = next(p for q, p in store.calls if q == _q()["start"])
    assert start["props"]["command"] == "resolve" and start["props"]["user"] == "tester"
    assert start["props"]["pid"] == os.getpid() and json.loads(start["props"]["options"]) == {"incremental": True}
    finish = next(p for q, p in store.calls if q == _q()["finish"])
    assert finish == {"key": key, "at": finish["at"], "counts": '{"persons": {"links": 3}}', "repairs": []}
    order = store.queries()
    assert order.index(_q()["start"]) < order.index(_q()["stage"]) < order.index(_q()["finish"])
    assert runs.unfinished_runs(store) == []
    (done,) = runs.recent_runs(store)
    assert done.state == "finished" and done.counts == {"persons": {"links": 3}} and done.stage is None


def test_a_stopped_run_is_reported_in_plain_words_and_repaired_by_the_next_run(caplog):
    stopped = _record("run:20261206T060000Z-aaaaaa", runs.RESOLVE, pid=_dead_pid(), stage="writing person links")
    store = FakeRunStore([stopped])
    (found,) = runs.unfinished_runs(store)
    assert found.state == "stopped" and found.unfinished
    line = found.describe()
    assert "resolve run:20261206T060000Z-aaaaaa" in line and "never finished" in line
    assert "it was writing person links" in line and "creditgraph resolve" in line
    with caplog.at_level(logging.WARNING, logger="creditgraph.graph.runs"):
        with runs.recorded(store, runs.RESOLVE) as run:
            assert [r.key for r in run.earlier] == [stopped["key"]]
    assert "this resolve redoes it" in caplog.text
    assert store.records[stopped["key"]]["repaired_by"] == run.key
    assert store.records[run.key]["repairs"] == [stopped["key"]]
    assert runs.unfinished_runs(store) == []
    assert next(r for r in runs.recent_runs(store) if r.key == stopped["key"]).state == "repaired"


def test_an_error_half_way_leaves_a_failed_run_and_one_before_any_write_does_not():
    store = FakeRunStore()
    with pytest.raises(KeyError):
        with runs.recorded(store, runs.SCORE) as run:
            run.stage("clearing old scores", writes=True)
            raise KeyError("boom")
    (failed,) = runs.unfinished_runs(store)
    assert failed.state == "failed" and "KeyError" in failed.error and "creditgraph score" in failed.describe()

    store = FakeRunStore()
    with pytest.raises(CreditGraphError):
        with runs.recorded(store, runs.SCORE) as run:
            run.stage("reading the graph")
            raise CreditGraphError("the graph is not resolved yet")
    assert runs.unfinished_runs(store) == []
    (aborted,) = runs.recent_runs(store)
    assert aborted.state == "aborted" and "before changing the store" in aborted.describe()


def test_a_command_that_is_still_running_or_a_stopped_run_it_builds_on_refuses_before_writing():
    me = _process_start(os.getpid())
    running = _record("run:20261206T060000Z-bbbbbb", runs.SCORE, pid=os.getpid(),
                      **({"pid_started": me} if me is not None else {}))
    store = FakeRunStore([running])
    with pytest.raises(CreditGraphError, match="still running"):
        with runs.recorded(store, runs.SCORE):
            pytest.fail("the block must not run")
    assert _q()["start"] not in store.queries()

    stopped_resolve = _record("run:20261206T050000Z-cccccc", runs.RESOLVE, pid=_dead_pid())
    store = FakeRunStore([stopped_resolve])
    with pytest.raises(CreditGraphError, match="refused to score: resolve run:20261206T050000Z-cccccc"):
        with runs.recorded(store, runs.SCORE, after=(runs.BULK_LOAD, runs.RESOLVE)):
            pytest.fail("the block must not run")
    assert _q()["start"] not in store.queries()


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="process start times come from /proc")
def test_a_reused_pid_is_not_taken_for_the_run_that_had_it():
    me = _process_start(os.getpid())
    reused = _record("run:20261206T060000Z-dddddd", runs.RESOLVE, pid=os.getpid(), pid_started=me - 1)
    (found,) = runs.unfinished_runs(FakeRunStore([reused]))
    assert found.state == "stopped"


def test_a_store_without_run_records_has_none_and_says_so(caplog):
    class NoRecords:
        pass

    assert runs.unfinished_runs(NoRecords()) == [] and runs.recent_runs(NoRecords()) == []
    with caplog.at_level(logging.WARNING, logger="creditgraph.graph.runs"):
        with runs.recorded(NoRecords(), runs.RESOLVE) as run:
            run.stage("anything", writes=True)
    assert "keeps no run records" in caplog.text


def test_the_schema_block_declares_what_is_written():
    declared = set(runs.run_schema().properties)
    store = FakeRunStore()
    with runs.recorded(store, runs.BULK_LOAD, user="tester") as run:
        run.stage("writing nodes and edges", writes=True)
    written = set(store.records[run.key]) - {"key"}
    assert written <= declared, written - declared
    assert runs.run_schema().label == "Run" and run.key.startswith(runs.run_schema().prefix + ":")
