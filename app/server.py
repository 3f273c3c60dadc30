"""The explorer's server process, outside any session: what ``streamlit run app/streamlit_app.py``
serves besides the script (the entry script names this module's hooks in its ``st.App``).

- :class:`BasePath`: Streamlit's page (``index.html``) learns the server's base path by asking
  ``<page>/_stcore/health`` and ``<page>/_stcore/host-config`` first and only then the real
  ones, so every page opened by its URL (a bookmark, a shared link, a reload) logged two 404s
  in the browser's console (streamlit/streamlit#7074). The frontend skips that guess when
  ``window.__streamlit.BACKEND_BASE_URL`` names the base; the middleware sets it in the page.
- :func:`lifespan`: opens the store and starts its name index in the background as soon as the
  server starts, so the first page does not wait for the embedded store's JVM.
"""

from __future__ import annotations

import json
import logging
import threading
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BasePath", "lifespan", "base_script"]

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


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    """The server's start: the store opens (and its name index starts building) in a thread of
    its own while the server begins to listen; the first session then finds it open, or waits
    for the same opening (``st.cache_resource`` runs it once)."""
    threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
    yield


def _warm_up() -> None:
    from creditgraph.app import state  # imported here: seconds of imports, not on the server's way to listening

    state.warm_up()
