"""bench.city --stages all: a stage's sub-steps are cut where its run record says, and the command's
functions come back unwrapped. No store, no JVM: fakes stand for the command and the run record."""

from __future__ import annotations

import time
import types

import pytest

from bench._measure import StepTable
from bench.city import _Wrapped


class _Run:
    """Stands for graph/runs.py's RunRecord: only ``stage`` matters here."""

    def stage(self, what: str, *, writes: bool = False) -> None:
        self.last = (what, writes)


@pytest.fixture
def table():
    """A step table whose RSS sampler (50 reads a second) stops with the test, not the worker."""
    t = StepTable()
    yield t
    t.rss.close()


def test_steps_split_a_stage_and_keep_its_figures(table):
    with table.stage("load", kind="city"):
        table.step("load", "first")
        time.sleep(0.2)
        table.step("load", "second")
        time.sleep(0.02)
        table.end_step()
    (row,) = table.rows
    assert [s["step"] for s in table.steps] == ["first", "second"]
    first, second = table.steps
    assert first["seconds"] >= 0.2 and 0.02 <= second["seconds"] < first["seconds"]
    assert abs(first["seconds"] + second["seconds"] - row["seconds"]) < 0.05
    assert row["peak_gb"] >= max(s["peak_gb"] for s in table.steps) * 0.99  # a split does not reset the stage's peak
    assert table.rss.top() / 2**30 >= row["peak_gb"] * 0.99


def test_wrapped_stages_mark_sub_steps_count_and_undo(table):
    w = _Wrapped(table)
    run = _Run()
    original_stage = _Run.stage

    def resolve(n):
        run.stage("reading the graph")
        run.stage("writing links", writes=True)
        return {"records": n}

    module = types.SimpleNamespace(resolve=resolve)
    w.patch(module, "resolve", w.stage("resolve", lambda out: {"records": out["records"]}))
    w.patch(_Run, "stage", w.run_stage)
    assert module.resolve(7) == {"records": 7}
    assert run.last == ("writing links", True)  # the record's own stage still runs, arguments intact
    (row,) = table.rows
    assert row["stage"] == "resolve" and row["records"] == 7
    assert [(s["stage"], s["step"]) for s in table.steps] == [
        ("resolve", "(before its first recorded step)"), ("resolve", "reading the graph"), ("resolve", "writing links")]
    assert w.current == "(outside the stages)"
    w.undo()
    assert module.resolve is resolve and _Run.stage is original_stage
