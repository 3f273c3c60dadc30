"""Work run beside the main process gives what it gives in the process, raises what it raises,
and a worker that dies is an error, not a hang."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from creditgraph.beside import Beside, can_fork
from creditgraph.errors import CreditGraphError

forks = pytest.mark.skipif(not can_fork(), reason="Beside forks on Linux only")


@forks
def test_the_child_reads_the_parents_memory_and_sends_its_result():
    big = np.arange(1_000_000)
    got = Beside("sum", lambda: (os.getpid(), int(big.sum()), pd.Series([1.5], index=[7])))
    pid, total, series = got.result()
    assert pid != os.getpid() and total == int(big.sum())
    pd.testing.assert_series_equal(series, pd.Series([1.5], index=[7]))


@pytest.mark.parametrize("parallel", [pytest.param(True, marks=forks), False])
def test_an_error_in_the_work_is_raised_by_result(parallel):
    def work():
        raise KeyError("no such firm")

    job = Beside("failing work", work, parallel=parallel)
    with pytest.raises(KeyError, match="no such firm"):
        job.result()


def test_without_parallel_the_work_runs_here_at_once():
    seen = []
    job = Beside("here", lambda: seen.append(os.getpid()) or "done", parallel=False)
    assert seen == [os.getpid()] and job.result() == "done"


@forks
def test_a_worker_that_dies_is_a_clear_error():
    job = Beside("dying work", lambda: os._exit(9))
    with pytest.raises(CreditGraphError, match=r"dying work: its worker process died \(exit code 9\)"):
        job.result()


@forks
def test_graph_stages_beside_equal_graph_stages_here(city):
    from creditgraph.analytics.frames import graph_frames
    from creditgraph.analytics.train_scores import resolved_city_graph
    from creditgraph.scoring import graph_stages

    fr = graph_frames(resolved_city_graph(city))
    spread, clusters, seconds = Beside("graph stages", lambda: graph_stages(fr)).result()
    here = graph_stages(fr)
    pd.testing.assert_series_equal(spread, here[0])
    pd.testing.assert_frame_equal(clusters, here[1])
    assert set(seconds) == {"spread", "clusters"} and len(spread) and len(clusters)


def _copies_of_this_process() -> set[int]:
    """Processes running this process's command line (a stray fork of it would be one)."""
    me = open("/proc/self/cmdline", "rb").read()
    out = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if open(f"/proc/{pid}/cmdline", "rb").read() == me:
                out.add(int(pid))
        except OSError:
            pass
    return out


@forks
def test_a_child_beside_the_embedded_jvm_never_calls_into_it(arcadedb_server):
    """The embedded store's JVM lives in this process; JPype's import hook asks it about every
    unknown module. In a forked child that call hung, or left a stray copy of the process behind
    (seen with igraph probing for cairo): the child must import without it."""
    import importlib.util
    import time

    import jpype

    assert jpype.isJVMStarted()
    before = _copies_of_this_process()
    got = Beside("probe", lambda: (importlib.util.find_spec("no_such_module_anywhere"),
                                    [type(f).__module__ for f in __import__("sys").meta_path]))
    spec, finders = got.result()
    assert spec is None and not any(m.startswith(("jpype", "_jpype")) for m in finders)
    time.sleep(1)
    assert _copies_of_this_process() <= before


@forks
def test_a_child_beside_the_embedded_jvm_ends_on_sigterm(arcadedb_server):
    """The JVM takes SIGTERM over in this process; in the child its handler would wait for JVM
    threads that are not there. The child gets the default back, so a terminate ends it."""
    import signal
    import time

    job = Beside("sleeper", lambda: time.sleep(60))
    time.sleep(0.5)
    os.kill(job._proc.pid, signal.SIGTERM)
    t0 = time.monotonic()
    with pytest.raises(CreditGraphError, match=r"exit code -15"):
        job.result()
    assert time.monotonic() - t0 < 10
