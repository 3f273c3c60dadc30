"""The explorer's sign-in gate (app/auth.py through app/streamlit_app.py), driven with AppTest:
nothing but the form until a user from the users file signs in with their password; the sidebar
names the user and role; the navigation offers only the pages the role may open; sign-out,
removal from the file and the proxy header behave as documented.

The store is a stub: the gate runs before any read, and the search page with no query reads
nothing (the pages with data are tests/app's).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from creditgraph.access import Policy
from creditgraph.app.strings import t
from creditgraph.logins import Users
from creditgraph.settings import Settings

APP = Path(__file__).resolve().parents[2] / "app" / "streamlit_app.py"
PASSWORDS = {"ada": "ada-password-1", "bo": "bo-password-22", "cy": "cy-password-333"}
ROLES = {"ada": "admin", "bo": "public", "cy": "analyst"}


class StubStore:
    backend = "stub"


def zh_role(role: str) -> str:
    """How the Chinese sidebar names a role (app/strings.py)."""
    return t(f"role.{role}", "zh")


@pytest.fixture
def explorer(tmp_path, monkeypatch):
    """The app's state on a stub store, with a users file of three users; returns the settings."""
    import streamlit as st

    from creditgraph.app import state

    settings = Settings(data_dir=tmp_path, user="nobody-local", id_hash_key="login-test-key", _env_file=None)
    users = Users.load(settings.users_path)
    policy = Policy.load(secret=b"t")
    for name, role in ROLES.items():
        users.add(name, role, PASSWORDS[name], policy=policy)
    monkeypatch.setattr(state, "settings", lambda: settings)
    monkeypatch.setattr(state, "store", lambda: StubStore())
    st.cache_resource.clear()  # the throttle and the users file are per process
    yield settings
    st.cache_resource.clear()


def start() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="_sign_in_name").input(name)
    at.text_input(key="_sign_in_password").input(password)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sidebar_text(at: AppTest) -> str:
    return " ".join(c.value for c in at.sidebar.caption)


def nav_pages(at: AppTest) -> set[str]:
    """The pages the last run's navigation offered (their files' names). AppTest keeps them in
    ``_registered_pages`` (what ``switch_page`` matches against); no public attribute has them."""
    return {Path(str(info["script_path"])).stem for info in at._registered_pages.values()
            if info.get("script_path") and Path(str(info["script_path"])).parent.name == "app_pages"}


def test_without_signing_in_there_is_only_the_form(explorer):
    at = start()
    assert [t.value for t in at.title] == ["登录"]
    assert at.text_input(key="_sign_in_password").proto.type == 1  # PASSWORD: not echoed
    assert not nav_pages(at)
    assert "nobody-local" not in sidebar_text(at)


def test_a_wrong_password_or_unknown_user_is_refused_alike(explorer):
    at = sign_in(start(), "ada", "not-her-password")
    wrong = at.error[0].value
    assert "wrong user name or password" in wrong and at.title[0].value == "登录"
    at = sign_in(start(), "zed", "whatever-password")
    assert at.error[0].value == wrong  # an unknown name reads the same


def test_a_user_signs_in_and_the_sidebar_names_them_and_their_role(explorer):
    at = sign_in(start(), "ada", PASSWORDS["ada"])
    assert at.title[0].value == "搜索"
    assert "ada" in sidebar_text(at) and zh_role("admin") in sidebar_text(at)
    assert "_sign_in_password" not in at.session_state  # the typed password is not kept
    assert nav_pages(at) == {"search", "entity", "paths", "assets", "rankings", "audit", "governance"}


@pytest.mark.parametrize("name, pages", [
    ("bo", {"search", "entity"}),
    ("cy", {"search", "entity", "paths", "rankings"}),
])
def test_the_navigation_offers_only_the_role_s_pages(explorer, name, pages):
    at = sign_in(start(), name, PASSWORDS[name])
    assert zh_role(ROLES[name]) in sidebar_text(at)
    assert nav_pages(at) == pages
    assert "audit" not in nav_pages(at)


def test_a_hidden_page_cannot_be_opened_by_its_path(explorer):
    at = sign_in(start(), "bo", PASSWORDS["bo"])
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/audit.py")


def test_sign_out_returns_to_the_form(explorer):
    at = sign_in(start(), "ada", PASSWORDS["ada"])
    at.sidebar.button(key="sign_out").click().run()
    assert at.title[0].value == "登录"


def test_a_user_removed_from_the_file_is_signed_out_at_the_next_run(explorer):
    at = sign_in(start(), "cy", PASSWORDS["cy"])
    Users.load(explorer.users_path).remove("cy")
    at.run()
    assert at.title[0].value == "登录"


def test_a_changed_role_applies_at_the_next_run(explorer):
    at = sign_in(start(), "cy", PASSWORDS["cy"])
    Users.load(explorer.users_path).add("cy", "regulator", PASSWORDS["cy"], policy=Policy.load(secret=b"t"),
                                         replace=True)
    at.run()
    assert zh_role("regulator") in sidebar_text(at) and "audit" in nav_pages(at)


def test_five_failures_lock_the_name_even_with_the_right_password(explorer):
    at = start()
    for _ in range(5):
        at = sign_in(at, "ada", "guess-guess-guess")
    at = sign_in(at, "ada", PASSWORDS["ada"])
    assert "too many failed sign-ins" in at.error[0].value and at.title[0].value == "登录"


def test_without_a_users_file_the_local_user_and_role_need_no_sign_in(tmp_path, monkeypatch):
    import streamlit as st

    from creditgraph.app import state

    settings = Settings(data_dir=tmp_path, user="local-op", role="analyst", id_hash_key="k", _env_file=None)
    monkeypatch.setattr(state, "settings", lambda: settings)
    monkeypatch.setattr(state, "store", lambda: StubStore())
    st.cache_resource.clear()
    at = start()
    assert at.title[0].value == "搜索"
    assert "local-op" in sidebar_text(at) and zh_role("analyst") in sidebar_text(at)
    assert nav_pages(at) == {"search", "entity", "paths", "rankings"}
    assert not at.sidebar.button  # nothing to sign out of


def test_the_proxy_header_names_the_user_and_the_file_their_role(explorer, monkeypatch):
    from creditgraph.app import auth, state

    proxied = explorer.model_copy(update={"auth_header": "X-Forwarded-User"})
    monkeypatch.setattr(state, "settings", lambda: proxied)
    monkeypatch.setattr(auth, "_headers", lambda: {"X-Forwarded-User": "cy"})
    at = start()
    assert "cy" in sidebar_text(at) and zh_role("analyst") in sidebar_text(at)
    monkeypatch.setattr(auth, "_headers", lambda: {"X-Forwarded-User": "walk-in"})
    at = start()
    assert "walk-in" in sidebar_text(at) and zh_role("public") in sidebar_text(at)


def test_the_proxy_mode_without_the_header_refuses(explorer, monkeypatch):
    from creditgraph.app import auth, state

    proxied = explorer.model_copy(update={"auth_header": "X-Forwarded-User"})
    monkeypatch.setattr(state, "settings", lambda: proxied)
    monkeypatch.setattr(auth, "_headers", lambda: {})
    at = start()
    assert "X-Forwarded-User" in at.error[0].value
    assert not at.text_input  # no password form: the proxy signs people in


def _record_as_session(token: str) -> None:
    """An AppTest script: what a page does when it registers a read of ``token``."""
    from creditgraph.app import auth

    auth.register().record("entity", {"key": token}, 1)


def test_the_register_names_the_signed_in_user_and_the_store_key(explorer):
    from creditgraph.logins import User
    from creditgraph.app import auth
    from creditgraph.audit import AuditLog

    person = "pe:court:张三明@9f2c"
    token = auth.policy().for_role("analyst").key(person)  # what an analyst's page was handed
    at = AppTest.from_function(_record_as_session, args=(token,), default_timeout=30)
    at.session_state["_creditgraph_user"] = User("cy", "analyst")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    last = AuditLog(explorer.data_dir / "audit" / "queries.jsonl", "-").entries()[-1]
    assert last["user"] == "cy" and json.loads(last["query"]) == {"key": person}


def test_a_local_role_the_table_does_not_know_is_refused(tmp_path, monkeypatch):
    import streamlit as st

    from creditgraph.app import state

    settings = Settings(data_dir=tmp_path, user="local-op", role="superuser", id_hash_key="k", _env_file=None)
    monkeypatch.setattr(state, "settings", lambda: settings)
    monkeypatch.setattr(state, "store", lambda: StubStore())
    st.cache_resource.clear()
    at = start()
    assert "unknown role 'superuser'" in at.error[0].value
    assert not nav_pages(at) and not at.title
