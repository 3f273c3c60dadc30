"""Work run beside the main process gives what it gives in the process, raises what it raises,
and a worker that dies is an error, not a hang."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from creditgraph.beside import Beside, can_fork
from creditgraph.errors import CreditGraphError


@pytest.fixture(autouse=True)
def _no_jvm_yet(request):
    """A fork test that finds a JVM here fails rather than skips: the fork path is never untested."""
    if request.node.get_closest_marker("fork"):
        assert can_fork(), "a JVM runs in this process: fork tests must run before the embedded store starts"


# Tests of the fork path run first in the session (see conftest): after that a test may have
# started the embedded store's JVM in this process, and then Beside no longer forks.
FORK_MARKS = [pytest.mark.skipif(os.uname().sysname != "Linux", reason="Beside forks on Linux only"),
              pytest.mark.fork]


def forks(test):
    for mark in FORK_MARKS:
        test = mark(test)
    return test


@forks
def test_the_child_reads_the_parents_memory_and_sends_its_result():
    big = np.arange(1_000_000)
    got = Beside("sum", lambda: (os.getpid(), int(big.sum()), pd.Series([1.5], index=[7])))
    pid, total, series = got.result()
    assert pid != os.getpid() and total == int(big.sum())
    pd.testing.assert_series_equal(series, pd.Series([1.5], index=[7]))


@pytest.mark.parametrize("parallel", [pytest.param(True, marks=FORK_MARKS), False])
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
    from creditgraph.training.cities import resolved_city_graph
    from creditgraph.scoring import graph_stages

    fr = graph_frames(resolved_city_graph(city))
    spread, clusters, seconds = Beside("graph stages", lambda: graph_stages(fr)).result()
    here = graph_stages(fr)
    pd.testing.assert_series_equal(spread, here[0])
    pd.testing.assert_frame_equal(clusters, here[1])
    assert set(seconds) == {"spread", "clusters"} and len(spread) and len(clusters)


def test_beside_the_embedded_jvm_the_work_runs_here(arcadedb_server):
    """The embedded store's JVM lives in this process; a forked child lacks its threads and hung
    in dlopen (importing igraph) while scoring. Beside a JVM the work runs in this process."""
    import jpype

    assert jpype.isJVMStarted() and not can_fork()
    assert Beside("here", os.getpid).result() == os.getpid()
