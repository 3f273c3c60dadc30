"""The explorer's server process, outside any session: what ``streamlit run app/streamlit_app.py``
serves besides the script (the entry script names this module's hooks in its ``st.App``).

- :class:`BasePath`: Streamlit's page (``index.html``) learns the server's base path by asking
  ``<page>/_stcore/health`` and ``<page>/_stcore/host-config`` first and only then the real
  ones, so every page opened by its URL (a bookmark, a shared link, a reload) logged two 404s
  in the browser's console (streamlit/streamlit#7074). The frontend skips that guess when
  ``window.__streamlit.BACKEND_BASE_URL`` names the base; the middleware sets it in the page.
- :func:`lifespan`: imports what a first page runs and opens the store (and starts its name index)
  in the background as the server starts to listen, so no page waits for the embedded store's
  JVM; :func:`opening` says whether that is still going on (the pages show the search box and a
  status line meanwhile, and fill in once it is done). A first visitor's page is drawn before the
  JVM starts and before the modules only later pages use (pandas, networkx, the Neo4j driver) are
  imported: on two cores the JVM's start (seconds of CPU on every core) and those imports (a
  second of CPU, holding the interpreter's lock) would slow the first page to a crawl.

Where a first page's time went (``python -m bench.first_page --phases``, bench/results/first_page.txt):
the browser loading Streamlit's scripts (about 90 files) before it opens its session; then the
session's first run, 3.9 s at load 12 of which 3.3 s imports (pandas, the Neo4j driver, networkx:
none of them needed by the frame or the search box, now imported where they are used) that
waited on the warm-up importing the same modules; then Streamlit's collection of the whole heap
after every run, the status line's poll every half second included (90 ms of CPU each with those
modules loaded; 3-7 ms once their objects are frozen out of the collector's sight, :func:`_freeze`).
"""

from __future__ import annotations

import gc
import json
import logging
import threading
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BasePath", "lifespan", "base_script", "opening", "page_drawn"]

log = logging.getLogger(__name__)


def base_script(base_url_path: str) -> bytes:
    """The ``<script>`` that tells Streamlit's frontend where the server is: this origin, at
    ``base_url_path`` (``server.baseUrlPath``), never the page's own path."""
    base = "/" + base_url_path.strip("/")
    return (f"<script>window.__streamlit=Object.assign({{}},window.__streamlit,"
            f"{{BACKEND_BASE_URL:location.origin+{json.dumps(base)}}})</script>").encode()


class BasePath:
    """ASGI middleware: Streamlit's ``index.html``, as served for the root and for every page
    path, gets :func:`base_script` before its first script. Other responses pass untouched.

    Requests that may be answered with the page are asked without ``Accept-Encoding``: the
    script goes into the page before Streamlit's own gzip middleware would compress it."""

    def __init__(self, app: ASGIApp, base_url_path: str | None = None) -> None:
        if base_url_path is None:  # built when the server starts: its options are read by then
            from streamlit import config

            base_url_path = config.get_option("server.baseUrlPath") or ""
        self.app = app
        self.script = base_script(base_url_path)

    @staticmethod
    def _may_be_page(scope: Scope) -> bool:
        last = scope["path"].rsplit("/", 1)[-1]
        return scope["method"] == "GET" and "." not in last and "/_stcore/" not in scope["path"]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._may_be_page(scope):
            await self.app(scope, receive, send)
            return
        _visited.set()
        scope = dict(scope, headers=[(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"])
        start: dict[str, Any] = {}
        body = bytearray()

        async def send_page(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=list(message["headers"]))
                if headers.get("content-type", "").startswith("text/html") and "content-encoding" not in headers:
                    start.update(message)  # held back until the whole page is here
                    return
                await send(message)
            elif start and message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
                if message.get("more_body", False):
                    return
                page = bytes(body)
                at = page.find(b"<script")
                page = page[:at] + self.script + page[at:] if at >= 0 else page
                headers = MutableHeaders(raw=list(start["headers"]))
                headers["content-length"] = str(len(page))
                await send({**start, "headers": headers.raw})
                await send({"type": "http.response.body", "body": page})
            else:
                await send(message)

        await self.app(scope, receive, send_page)


class _Opening:
    """The store's opening begun with the server: when it began, and whether it has ended
    (opened or failed: a store that would not open is the first page's to report)."""

    def __init__(self) -> None:
        self.since = time.monotonic()
        self.done = threading.Event()


_opening: _Opening | None = None  # set as the server starts; None in a process no server started (AppTest)
_visited = threading.Event()  # a browser asked for a page (BasePath saw it)
_drawn = threading.Event()  # a session's run of the frame has ended (page_drawn)
#: Seconds the store's opening waits for a first visitor, then for that visitor's page to be drawn.
VISITOR_WAIT, DRAWN_WAIT = 1.5, 8.0


def opening() -> float | None:
    """Seconds the store has been opening since the server started, while it still is; None once
    it has ended, and in a process whose server did not start it (a plain run, AppTest): there the
    first read opens it."""
    o = _opening
    return None if o is None or o.done.is_set() else time.monotonic() - o.since


def page_drawn() -> None:
    """A session's run of the frame has ended (its page is on screen): the store may start opening."""
    _drawn.set()


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    """The server's start: in a thread of its own, the modules a first page runs are imported (while
    a first browser loads Streamlit's scripts, which takes longer; a session's run that comes
    meanwhile waits for the same imports), the store opens (its name index starts building) and the
    other pages' modules are imported.
    Sessions meanwhile see :func:`opening` and do not wait for it (a read that must have the store
    waits for the same opening: ``st.cache_resource`` runs it once)."""
    global _opening
    _opening = _Opening()  # before listening: no session can see the store as "not being opened"
    threading.Thread(target=_warm_up, args=(_opening,), name="warm-up", daemon=True).start()
    yield


def _import_first_page() -> None:
    """What a first page (the frame and the search page) imports and reads before it draws anything:
    a third of a second of CPU, done while the first browser loads Streamlit's scripts. The modules
    that declare components (app/drawing.py, app/cytoscape.py) are left to a session's run, where
    they register."""
    import streamlit.emojis  # noqa: F401  (st.set_page_config's check of the page's emoji icon)

    from creditgraph.app import auth, export, state, strings, text, ui  # noqa: F401

    auth.policy()


def _import_later_pages() -> None:
    """What the other pages and a search import (pandas, networkx, the scoring's evidence, the name
    lookup): imported after the store is open, so a first search or page finds them loaded."""
    import pandas  # noqa: F401

    from creditgraph.analytics import evidence  # noqa: F401
    from creditgraph.app import leads, network  # noqa: F401
    from creditgraph.graph import lookup  # noqa: F401


def _freeze() -> None:
    """Move every object alive now (the imported modules' functions, classes and tables) out of the
    cyclic collector's sight: Streamlit collects the whole heap after every script run
    (``runner.postScriptGC``), 90 ms of CPU with pandas, networkx and the driver loaded (3-7 ms
    frozen), and the status line's poll is a run every half second. Module objects live as long
    as the process (CPython's ``gc.freeze`` advice for a server after its imports); what the first
    sessions hold at that moment is frozen too and never collected if it becomes a cycle: kept once,
    bounded by those sessions' state, against a collection of the whole heap after every run."""
    gc.freeze()


def _warm_up(o: _Opening) -> None:
    """Import what a first page runs, then open the store once a first visitor's page is drawn (or
    nobody came within :data:`VISITOR_WAIT` seconds, or the page took longer than
    :data:`DRAWN_WAIT`), then import what later pages run."""
    try:
        _import_first_page()
        _freeze()
        if _visited.wait(VISITOR_WAIT):
            _drawn.wait(DRAWN_WAIT)
        from creditgraph.app import state
        from creditgraph.graph import connect, name_index  # noqa: F401  (the store's own modules, frozen

        _freeze()  # before the JVM starts: the status line polls while it does)
        state.warm_up()
    finally:
        o.done.set()
    try:
        _import_later_pages()
    except ImportError as e:  # a page that needs the module will say so itself
        log.warning("could not import a page's modules ahead of it: %s", e)
    _freeze()
