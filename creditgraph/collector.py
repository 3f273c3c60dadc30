"""Python's cyclic garbage collector, paused while a batch builds or walks a big graph.

Each automatic collection of the oldest generation walks every tracked object, and an exported
graph is millions of them (dicts of node and edge attributes). Worse, where the embedded store's
JVM runs in this process, JPype asks Python for a full collection after every Java collection,
and a write-back of a few thousand rows makes hundreds of those: `creditgraph resolve` on a
10k-firm embedded store spent 52 s of CPU with the collector on and 23 s with it paused. The
batches here allocate no reference cycles worth waiting for (records, links, tuples, frames), so
reference counting frees them as usual; any cycle waits for the collection after the pause.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused"]


@contextmanager
def paused() -> Iterator[None]:
    """No automatic cyclic collections inside the block (nested blocks are fine); as it was after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
