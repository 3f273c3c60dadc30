"""Progress bars on a terminal, silence in CI logs and pipes."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Iterator

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

__all__ = ["progress_enabled", "progress_bar"]


def progress_enabled() -> bool:
    return sys.stderr.isatty() and os.environ.get("CI", "").lower() != "true"


class _Quiet:
    def add_task(self, *a, **k) -> int:
        return 0

    def update(self, *a, **k) -> None:
        pass

    def advance(self, *a, **k) -> None:
        pass


@contextmanager
def progress_bar(enabled: bool | None = None) -> Iterator[Progress | _Quiet]:
    """A rich ``Progress`` when enabled (default: on a terminal outside CI), else a no-op."""
    if not (progress_enabled() if enabled is None else enabled):
        yield _Quiet()
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), transient=True) as bar:
        yield bar
