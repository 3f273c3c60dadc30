"""The seconds and CPU seconds of a write's phases, logged so that a bench can split the write."""

from __future__ import annotations

import logging
import time

__all__ = ["PhaseClock"]

log = logging.getLogger(__name__)  # under creditgraph.graph, where bench.city listens


class PhaseClock:
    """Seconds and CPU seconds (this process's, an in-process JVM's included) of a write's phases,
    logged at INFO with the phases as ``extra={"write_back": ...}``, so a bench can split the write."""

    def __init__(self) -> None:
        self.phases: dict[str, tuple[float, float]] = {}
        self._t, self._c = time.perf_counter(), time.process_time()

    def mark(self, phase: str) -> None:
        t, c = time.perf_counter(), time.process_time()
        self.phases[phase] = (t - self._t, c - self._c)
        self._t, self._c = t, c

    def log(self, what: str, label: str) -> None:
        split = ", ".join(f"{p} {s:.1f} s ({c:.1f} CPU s)" for p, (s, c) in self.phases.items())
        log.info("%s: %s", what, split, extra={"write_back": {"label": label, "phases": dict(self.phases)}})
