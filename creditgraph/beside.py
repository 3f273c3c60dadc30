"""Run a piece of work in a forked child process beside this one, and take its result later.

Scoring's stages read the same columns and write nothing but their results, so on a machine
with two cores the graph stages (spread, clusters) can run in a child while the firm stages
run here: the child is forked, so it reads the parent's columns without copying or pickling
them (pages are shared until written), and sends back only its result, pickled through a pipe.

Where fork is not there, where a JVM runs in this process (the embedded store's, through
JPype), or where one process is asked for, the work runs in this process, at once. A fork
copies the JVM's memory but none of its threads: locks they held stay held in the child, which
then hangs in the first call that needs one (seen: ``dlopen`` of igraph's extension, JPype's
import hook, its SIGTERM handler).
"""

from __future__ import annotations

import ctypes
import gc
import logging
import multiprocessing as mp
import os
import signal
import sys
import traceback
from typing import Any, Callable, Generic, TypeVar

from creditgraph.errors import CreditGraphError

__all__ = ["Beside", "can_fork"]

log = logging.getLogger(__name__)

T = TypeVar("T")


def can_fork() -> bool:
    """Forking is how :class:`Beside` shares memory: Linux only (macOS forks badly with threads),
    and never beside a running JVM, whose threads a child would not have."""
    return hasattr(os, "fork") and os.uname().sysname == "Linux" and not _jvm_running()


def _jvm_running() -> bool:
    jpype = sys.modules.get("jpype")
    return jpype is not None and bool(jpype.isJVMStarted())


class Beside(Generic[T]):
    """``work()`` in a forked child (``parallel``) or right here; :meth:`result` returns what it
    returned, or raises what it raised. ``what`` names the work in errors."""

    def __init__(self, what: str, work: Callable[[], T], *, parallel: bool = True) -> None:
        self.what = what
        self._proc = None
        if not (parallel and can_fork()):
            self._value: Any = _run(work)
            return
        ctx = mp.get_context("fork")
        self._recv, send = ctx.Pipe(duplex=False)
        # Objects alive now are the parent's: freezing them keeps the child's garbage
        # collector from touching (and so copying) every page that holds one.
        gc.freeze()
        try:
            self._proc = ctx.Process(target=_child, args=(work, send), name=what, daemon=True)
            self._proc.start()
        finally:
            gc.unfreeze()
        send.close()

    def result(self) -> T:
        if self._proc is not None:
            try:
                self._value = self._recv.recv()
            except EOFError:
                self._proc.join()
                raise CreditGraphError(f"{self.what}: its worker process died (exit code {self._proc.exitcode}) "
                                       "before sending a result; out of memory?") from None
            finally:
                self._recv.close()
            self._proc.join()
            self._proc = None
        ok, value = self._value
        if ok:
            return value
        error, trace = value
        log.error("%s failed in its worker process:\n%s", self.what, trace)
        if isinstance(error, BaseException):
            raise error
        raise CreditGraphError(f"{self.what} failed in its worker process: {error}")


def _run(work: Callable[[], Any]) -> tuple[bool, Any]:
    try:
        return True, work()
    except Exception as e:  # handed to result(), which raises it
        return False, (e, traceback.format_exc())


def _child(work: Callable[[], Any], send) -> None:
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: die with the parent
    ok, value = _run(work)
    try:
        send.send((ok, value))
    except Exception as e:  # an unpicklable result or exception: send what can be said of it
        send.send((False, (f"{type(e).__name__}: {e} (sending {type(value).__name__})", traceback.format_exc())))
    send.close()
