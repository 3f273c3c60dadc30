"""``creditgraph pipeline``: files to a scored store in one command, carrying on after a stop."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from creditgraph.cli.pipeline import inputs_digest
from creditgraph.synth.generate import generate


def _run(args, data_dir, command="pipeline"):
    env = {**os.environ, "CREDITGRAPH_DATA_DIR": str(data_dir), "CREDITGRAPH_USER": "tester"}
    env.pop("CREDITGRAPH_NEO4J_URI", None)
    return subprocess.run([sys.executable, "-m", "creditgraph.cli", command, *args], env=env, capture_output=True,
                          text=True, timeout=600)


def _stages(stdout: str) -> dict[str, str]:
    rows = [line.split() for line in stdout.splitlines()[1:] if line.split()[:1] in (["load"], ["resolve"], ["score"])]
    assert len(rows) == len({r[0] for r in rows}), stdout  # one row per stage
    return {r[0]: " ".join(r[1:3]) if r[1] == "done" else r[1] for r in rows}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("pipeline-city")
    generate(200, seed=5, out=out, progress=False)
    return out / "data"


def test_one_command_then_only_what_did_not_finish(small, tmp_path):
    first = _run([str(small), "--bulk"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert _stages(first.stdout) == {"load": "ran", "resolve": "ran", "score": "ran"}
    ran = {line.split()[0]: line.split()[2:] for line in first.stdout.splitlines() if " ran " in line}
    assert len(ran["load"]) == len(ran["score"]) == 3 and len(ran["resolve"]) == 2  # governance after load, score
    state_file = tmp_path / "runs" / "pipeline.json"
    state = json.loads(state_file.read_text(encoding="utf-8"))
    assert set(state["done"]) == {"load", "resolve", "score"} and state["inputs"] == inputs_digest([small])

    again = _run([str(small)], tmp_path)  # nothing changed: nothing to do
    assert _stages(again.stdout) == {"load": "done earlier", "resolve": "done earlier", "score": "done earlier"}

    del state["done"]["score"]  # as if the run had stopped while scoring
    state_file.write_text(json.dumps(state), encoding="utf-8")
    resumed = _run([str(small)], tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert _stages(resumed.stdout) == {"load": "done earlier", "resolve": "done earlier", "score": "ran"}

    # the store the pipeline made, evaluated against the city's truth (one export for persons and scores)
    ev = _run(["--truth", str(small.parent), "--json", "--report-dir", str(tmp_path / "ev")], tmp_path, "evaluate")
    assert ev.returncode == 0, ev.stderr
    figures = json.loads(ev.stdout)
    assert figures["person_link.precision"] >= 0.95 and "shell.f1" in figures, figures
    report = json.loads((tmp_path / "ev" / "evaluation.json").read_text(encoding="utf-8"))
    assert len(report["person_link"]["pr_curve"]) == 7


def test_changed_inputs_start_from_the_load(small, tmp_path):
    before = inputs_digest([small])
    extra = small / "zz_extra.csv"
    extra.write_text("a,b\n1,2\n", encoding="utf-8")
    try:
        assert inputs_digest([small]) != before
    finally:
        extra.unlink()
    assert inputs_digest([small]) == before


def test_each_stage_in_a_process_of_its_own_or_all_in_one_give_the_same_store(small, tmp_path):
    summaries = []
    for flags, where in (([], tmp_path / "own"), (["--one-process"], tmp_path / "one")):
        run = _run([str(small), "--bulk", *flags], where)
        assert run.returncode == 0, run.stderr
        assert ("in a process of its own" in run.stderr) is not bool(flags)
        state = json.loads((where / "runs" / "pipeline.json").read_text(encoding="utf-8"))
        summaries.append({name: {k: v for k, v in done["summary"].items() if k != "seconds"}
                          if isinstance(done["summary"], dict) else done["summary"]
                          for name, done in state["done"].items()})
    assert summaries[0] == summaries[1] and set(summaries[0]) == {"load", "resolve", "score"}


def test_a_stage_process_that_dies_is_an_error_that_says_so():
    from creditgraph.cli.pipeline import _in_own_process
    from creditgraph.errors import CreditGraphError

    assert _in_own_process(os.getpid) != os.getpid()
    with pytest.raises(CreditGraphError, match="died before it finished"):
        _in_own_process(os._exit, 9)
