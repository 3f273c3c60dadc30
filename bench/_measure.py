"""What every benchmark measures with: seconds, CPU seconds and peak RSS per stage, and the machine."""

from __future__ import annotations

import gc
import logging
import os
import platform
import threading
import time
from contextlib import contextmanager

import networkx as nx

__all__ = ["PeakRSS", "SplitRSS", "StepTable", "Table", "machine"]

log = logging.getLogger(__name__)

_PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss() -> int:
    """Resident bytes of this process."""
    return _statm("self")


def _statm(pid: str) -> int:
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * _PAGE


def _children() -> list[str]:
    pids = []
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/children") as f:
                pids += f.read().split()
        except OSError:  # a thread that just ended
            pass
    return pids


def _uss(pid: str) -> int:
    """Bytes resident in ``pid`` and in no other process (private pages: what a forked child adds)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return sum(int(line.split()[1]) * 1024 for line in f
                       if line.startswith(("Private_Clean:", "Private_Dirty:")))
    except OSError:  # a child that just ended
        return 0


class PeakRSS:
    """Peak resident memory between :meth:`reset` and :meth:`peak`, sampled by a daemon thread:
    this process's RSS every ``every`` seconds; with ``children``, plus the private memory (USS)
    of its child processes — scoring's stages run beside in a forked child, whose RSS would count
    every page it shares with this process again. USS is read from smaps_rollup, which costs
    ~50 ms of kernel time at these sizes, so it is refreshed every ``child_every`` seconds."""

    def __init__(self, every: float = 0.02, *, children: bool = False, child_every: float = 0.5) -> None:
        self._every, self._children, self._child_every = every, children, child_every
        self._child_bytes, self._child_at, self._stop = 0, 0.0, threading.Event()
        self._peak = self._now()
        threading.Thread(target=self._run, daemon=True).start()

    def _now(self) -> int:
        if self._children:
            pids = _children()
            if not pids:
                self._child_bytes = 0
            elif time.monotonic() - self._child_at >= self._child_every:
                self._child_bytes, self._child_at = sum(map(_uss, pids)), time.monotonic()
        return _rss() + self._child_bytes

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            self._peak = max(self._peak, self._now())

    def reset(self) -> None:
        self._peak = self._now()

    def peak(self) -> int:
        return max(self._peak, self._now())

    def close(self) -> None:
        """Stop the sampling thread (a bench lets it run until the process ends; a test may not)."""
        self._stop.set()


class Table:
    def __init__(self, *, children: bool = False) -> None:
        self.rows: list[dict] = []
        self.rss = PeakRSS(children=children)

    @contextmanager
    def stage(self, name: str, *, kind: str = "scoring", note: str = ""):
        gc.collect()
        self.rss.reset()
        row = {"stage": name, "kind": kind, "note": note}
        t0, c0 = time.perf_counter(), time.process_time()
        yield row
        row["seconds"] = time.perf_counter() - t0
        row["cpu"] = time.process_time() - c0
        row["peak_gb"] = self.rss.peak() / 2**30
        self.rows.append(row)
        log.warning("%-44s %8.1f s  %5.2f GB  %s", name, row["seconds"], row["peak_gb"], row["note"])


def machine() -> str:
    mem = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal")) / 2**20
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GB RAM, Python {platform.python_version()}, "
            f"networkx {nx.__version__}, {platform.platform()}")


class SplitRSS(PeakRSS):
    """:class:`PeakRSS` whose samples also feed a peak per split (:meth:`split`) and one over the
    whole life (:meth:`top`), so a stage can be cut into sub-steps without losing its own peak."""

    def __init__(self, every: float = 0.02, *, children: bool = False, child_every: float = 0.5) -> None:
        self._split = self._top = 0
        super().__init__(every, children=children, child_every=child_every)

    def _now(self) -> int:
        now = super()._now()
        self._split, self._top = max(self._split, now), max(self._top, now)
        return now

    def split(self) -> int:
        """The peak since the last split; starts the next one."""
        now = self._now()
        peak, self._split = max(self._split, now), now
        return peak

    def top(self) -> int:
        return max(self._top, self._now())


class StepTable(Table):
    """A :class:`Table` whose stages can be cut into sub-steps (:meth:`step`): each sub-step gets
    its seconds, CPU seconds and peak RSS in :attr:`steps`, the stage keeps its own figures."""

    def __init__(self, *, children: bool = False) -> None:  # no Table.__init__: one sampling thread, not two
        self.rows: list[dict] = []
        self.steps: list[dict] = []
        self.rss = SplitRSS(children=children)
        self._open: dict | None = None

    def step(self, stage: str, name: str) -> None:
        """End the open sub-step (if any) and open ``name`` within ``stage``."""
        self.end_step()
        self.rss.split()
        self._open = {"stage": stage, "step": name, "t0": time.perf_counter(), "c0": time.process_time()}

    def end_step(self) -> None:
        if self._open is None:
            return
        s, self._open = self._open, None
        self.steps.append({"stage": s["stage"], "step": s["step"], "seconds": time.perf_counter() - s["t0"],
                           "cpu": time.process_time() - s["c0"], "peak_gb": self.rss.split() / 2**30})
