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

__all__ = ["PeakRSS", "Table", "machine"]

log = logging.getLogger(__name__)

_PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE


class PeakRSS:
    """Peak resident set size between :meth:`reset` and :meth:`peak`, sampled by a daemon thread."""

    def __init__(self, every: float = 0.02) -> None:
        self._every, self._peak, self._stop = every, _rss(), threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            self._peak = max(self._peak, _rss())

    def reset(self) -> None:
        self._peak = _rss()

    def peak(self) -> int:
        return max(self._peak, _rss())


class Table:
    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.rss = PeakRSS()

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
