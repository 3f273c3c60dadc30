"""Who is asking: the explorer's sign-in gate, the signed-in user and their role's disclosure.

Three modes (:func:`creditgraph.logins.auth_mode`), chosen by the settings:

- ``users``: ``<data dir>/users.yaml`` exists (``creditgraph users add``): a
  sign-in form; passwords checked against their scrypt hashes, failed attempts throttled per
  name; the file is re-read when it changes, so a removed user is signed out at their next click
  and a changed role applies at once.
- ``proxy``: ``CREDITGRAPH_AUTH_HEADER`` names the header in which a reverse proxy (that has
  signed the user in) puts the user name; roles from the users file, ``public`` for names it
  does not list. Only for an explorer that listens on loopback behind that proxy.
- ``local``: neither: one local user, ``CREDITGRAPH_USER`` with ``CREDITGRAPH_ROLE`` (admin by
  default); ``creditgraph explore`` then refuses any address but loopback.

The pages never decide what a role sees: app/state.py applies :func:`disclosure` to every read.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Mapping

import streamlit as st

from creditgraph.access import Disclosure, Policy
from creditgraph.app import state
from creditgraph.audit import AuditLog, seal_key
from creditgraph.errors import AccessDenied, CreditGraphError
from creditgraph.logins import LoginThrottle, User, Users, auth_mode

__all__ = ["gate", "current_user", "current_role", "disclosure", "policy", "register", "sign_out", "mode", "text"]

log = logging.getLogger(__name__)

_SESSION_USER = "_creditgraph_user"

# The gate's own words (the pages' are in app/strings.py).
_TEXT = {
    "title": {"zh": "登录", "en": "Sign in"},
    "name": {"zh": "用户名", "en": "User name"},
    "password": {"zh": "密码", "en": "Password"},
    "submit": {"zh": "登录", "en": "Sign in"},
    "sign_out": {"zh": "退出登录", "en": "Sign out"},
    "role": {"zh": "角色", "en": "Role"},
    "nav_governance": {"zh": "信用治理", "en": "Governance"},
    "no_header": {"zh": "反向代理未提供登录用户（{header}），无法确定身份。",
                  "en": "The reverse proxy sent no signed-in user ({header}); access refused."},
    "refused": {"zh": "拒绝访问：{error}", "en": "Access refused: {error}"},
}


def text(key: str, **values: str) -> str:
    """A string of the gate in the session's language."""
    return _TEXT[key][state.lang()].format(**values)


@st.cache_resource(show_spinner=False)
def policy() -> Policy:
    """The disclosure table (creditgraph/access.yaml), once per process; its key tokens are keyed
    with a secret derived from the deployment's ID-hash key."""
    return Policy.load(secret=seal_key(state.settings().id_hash_key.get_secret_value()))


@st.cache_resource(show_spinner=False)
def _throttle() -> LoginThrottle:
    return LoginThrottle()


@st.cache_resource(show_spinner=False, max_entries=4)
def _users_at(path: str, mtime_ns: int) -> Users:
    return Users.load(Path(path), policy())


def _users() -> Users:
    """The users file, re-read whenever it changes."""
    path = state.settings().users_path
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        mtime = -1
    return _users_at(str(path), mtime)


def _headers() -> Mapping[str, str]:
    """The headers of the request that opened this session (a function, so tests can set them)."""
    return st.context.headers


def mode() -> str:
    return auth_mode(state.settings())


def current_user() -> User | None:
    """The signed-in user of this session; None while nobody has signed in."""
    s = state.settings()
    m = mode()
    if m == "local":
        return User(s.user, s.role)
    if m == "proxy":
        name = _headers().get(s.auth_header)
        return _users().proxy_user(name) if name else None
    signed = st.session_state.get(_SESSION_USER)
    if signed is None:
        return None
    users = _users()
    now = next((u for u in users.listing() if u.name == signed.name), None)
    if now is None:  # removed from the users file since signing in
        st.session_state.pop(_SESSION_USER, None)
        return None
    if now != signed:
        st.session_state[_SESSION_USER] = now
    return now


def current_role() -> str:
    """The role of the signed-in user; :class:`AccessDenied` when nobody has signed in."""
    user = current_user()
    if user is None:
        raise AccessDenied("nobody has signed in")
    return user.role


def disclosure() -> Disclosure:
    """What this session's role sees and may do: apply it to every read (app/state.py)."""
    return policy().for_role(current_role())


class _SessionRegister(AuditLog):
    """The query register as one session writes it: the signed-in user, and the store keys
    behind the tokens a masked view handed out (an auditor reads what was read)."""

    def __init__(self, path: Path, user: str, *, seal_key: bytes, disclosure: Disclosure) -> None:
        super().__init__(path, user, seal_key=seal_key)
        self._disclosure = disclosure

    def record(self, action, query, results, *, outcome=None):
        return super().record(action, self._disclosure.real_query(query), results, outcome=outcome)


def register() -> AuditLog:
    """The query register, writing as the signed-in user (app/state.py's ``audit``)."""
    s = state.settings()
    user = current_user()
    if user is None:
        raise AccessDenied("nobody has signed in")
    return _SessionRegister(s.data_dir / "audit" / "queries.jsonl", user.name,
                            seal_key=seal_key(s.id_hash_key.get_secret_value()),
                            disclosure=policy().for_role(user.role))


def sign_out() -> None:
    st.session_state.pop(_SESSION_USER, None)


def _sign_in(name: str, password: str) -> None:
    throttle = _throttle()
    try:
        throttle.check(name)
        user = _users().authenticate(name, password)
    except AccessDenied as e:
        throttle.failed(name)
        log.warning("explorer sign-in refused for %r: %s", name, e)
        st.error(text("refused", error=str(e)))
        return
    throttle.succeeded(name)
    log.info("explorer sign-in: %s (%s)", user.name, user.role)
    st.session_state[_SESSION_USER] = user
    st.session_state.pop("_sign_in_password", None)
    st.rerun()


def gate() -> User:
    """Return the signed-in user, or show the sign-in form (or the refusal) and stop the run."""
    try:
        user = current_user()
        if user is not None:
            policy().grant(user.role)  # an unknown role is refused here, not on the first read
            return user
    except CreditGraphError as e:
        st.error(text("refused", error=str(e)))
        st.stop()
    if mode() == "proxy":
        st.error(text("no_header", header=state.settings().auth_header))
        st.stop()
    st.title(text("title"))
    with st.form("sign_in"):
        name = st.text_input(text("name"), key="_sign_in_name")
        password = st.text_input(text("password"), type="password", key="_sign_in_password")
        submitted = st.form_submit_button(text("submit"))
    if submitted:
        _sign_in(name.strip(), password)
    st.stop()
