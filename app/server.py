"""The explorer's server process, outside any session: what ``streamlit run app/streamlit_app.py``
serves besides the script (the entry script names this module's hooks in its ``st.App``).

- :class:`BasePath`: Streamlit's page (``index.html``) learns the server's base path by asking
  ``<page>/_stcore/health`` and ``<page>/_stcore/host-config`` first and only then the real
  ones, so every page opened by its URL (a bookmark, a shared link, a reload) logged two 404s
  in the browser's console (streamlit/streamlit#7074). The frontend skips that guess when
  ``window.__streamlit.BACKEND_BASE_URL`` names the base; the middleware sets it in the page.
- :func:`lifespan`: imports what a page runs and opens the store (and starts its name index) in
  the background as the server starts to listen, so no page waits for the embedded store's JVM;
  :func:`opening` says whether that is still going on (the pages show the search box and a
  status line meanwhile, and fill in once it is done). A first visitor's page is drawn before the
  JVM starts: on two cores the JVM's start (seconds of CPU on every core) would slow it to a crawl.
"""

from __future__ import annotations

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
    """The server's start: in a thread of its own, the modules a page runs are imported (while a
    first browser loads Streamlit's page, which takes about as long; a session's run that comes
    meanwhile waits for the same imports) and the store opens (its name index starts building).
    Sessions meanwhile see :func:`opening` and do not wait for it (a read that must have the store
    waits for the same opening: ``st.cache_resource`` runs it once)."""
    global _opening
    _opening = _Opening()  # before listening: no session can see the store as "not being opened"
    threading.Thread(target=_warm_up, args=(_opening,), name="warm-up", daemon=True).start()
    yield


def _import_app() -> None:
    """What a first page imports and reads before it draws anything. The app's modules that declare
    components (app/ui.py, app/cytoscape.py) are left to the session's run, where they register."""
    import pandas  # noqa: F401  (app/ui.py's tables)

    from creditgraph.app import auth, export, network, state, text  # noqa: F401

    auth.policy()


def _warm_up(o: _Opening) -> None:
    """Import what a page runs, then open the store once a first visitor's page is drawn (or nobody
    came within :data:`VISITOR_WAIT` seconds, or the page took longer than :data:`DRAWN_WAIT`)."""
    try:
        _import_app()
        if _visited.wait(VISITOR_WAIT):
            _drawn.wait(DRAWN_WAIT)
        from creditgraph.app import state

        state.warm_up()
    finally:
        o.done.set()
