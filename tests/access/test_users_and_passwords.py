"""Logins: the users file (scrypt hashes, roles, nothing clear), the throttle, the listen address
rule, and `creditgraph users` from the command line."""

from __future__ import annotations

import datetime as dt
import io
import stat

import pytest

from creditgraph.access import Policy
from creditgraph.cli import main
from creditgraph.errors import AccessDenied, CreditGraphError
from creditgraph.logins import LoginThrottle, Users, check_listen_address, hash_password, verify_password
from creditgraph.settings import Settings


@pytest.fixture(scope="module")
def policy() -> Policy:
    return Policy.load(secret="access-test-secret", today=lambda: dt.date(2026, 12, 6))


def test_passwords_are_salted_scrypt_hashes_checked_in_constant_time():
    a, b = hash_password("correct horse"), hash_password("correct horse")
    assert a != b and a.startswith("scrypt$16384$8$5$")
    assert verify_password("correct horse", a) and not verify_password("correct horsf", a)
    with pytest.raises(CreditGraphError, match="at least 10"):
        hash_password("short")


def test_the_users_file_holds_hashes_roles_and_nothing_clear(tmp_path, policy):
    path = tmp_path / "conf" / "users.yaml"
    users = Users.load(path, policy)
    users.add("zhang.san", "analyst", "zhang-password-1", policy=policy)
    users.add("proxy.only", "court", None, policy=policy)
    text = path.read_text(encoding="utf-8")
    assert "zhang-password-1" not in text and "scrypt$" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = Users.load(path, policy)
    assert again.authenticate("zhang.san", "zhang-password-1").role == "analyst"
    for name, password in (("zhang.san", "wrong-password"), ("nobody", "zhang-password-1"),
                           ("proxy.only", "any-password-1")):
        with pytest.raises(AccessDenied, match="wrong user name or password"):
            again.authenticate(name, password)
    with pytest.raises(CreditGraphError, match="exists already"):
        again.add("zhang.san", "admin", "zhang-password-2", policy=policy)
    with pytest.raises(AccessDenied, match="unknown role"):
        again.add("li.si", "superuser", "li-password-123", policy=policy)
    with pytest.raises(CreditGraphError, match="user name"):
        again.add("bad name!", "public", "li-password-123", policy=policy)
    assert again.proxy_user("proxy.only").role == "court" and again.proxy_user("walk.in").role == "public"
    with pytest.raises(AccessDenied):
        again.proxy_user("<script>")


@pytest.mark.parametrize("body, message", [
    ("users:\n  a: {role: nobody, password: null}\n", "unknown role 'nobody'"),
    ("users:\n  a: {role: admin, password: plain-text}\n", "not a password hash"),
    ("users:\n  a: {role: admin, pasword: x}\n", "pasword"),
    ("- a\n", "users"),
])
def test_a_bad_users_file_is_refused(tmp_path, policy, body, message):
    path = tmp_path / "users.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CreditGraphError, match=message):
        Users.load(path, policy)


def test_the_throttle_locks_a_name_after_five_failures_for_the_window():
    now = [0.0]
    throttle = LoginThrottle(attempts=5, window=900, clock=lambda: now[0])
    for _ in range(5):
        throttle.check("ada")
        throttle.failed("ada")
    with pytest.raises(AccessDenied, match="too many failed sign-ins"):
        throttle.check("ada")
    throttle.check("bo")  # per name
    now[0] = 901.0
    throttle.check("ada")
    throttle.failed("ada")
    throttle.succeeded("ada")
    throttle.check("ada")


# -- the listen address -----------------------------------------------------------------

@pytest.fixture
def settings(tmp_path):
    return Settings(data_dir=tmp_path, id_hash_key="k", _env_file=None)


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_needs_no_logins(settings, address):
    check_listen_address(address, settings)


@pytest.mark.parametrize("address", ["0.0.0.0", "::", "192.168.1.20", "explorer.example.org", ""])
def test_beyond_loopback_without_logins_is_refused(settings, address):
    with pytest.raises(CreditGraphError, match="without logins: add a user with"):
        check_listen_address(address, settings)


def test_beyond_loopback_with_a_password_user(settings, policy):
    users = Users.load(settings.users_path, policy)
    users.add("proxy.only", "court", None, policy=policy)
    with pytest.raises(CreditGraphError, match="without logins"):  # nobody could sign in with a password
        check_listen_address("0.0.0.0", settings)
    users.add("ada", "admin", "ada-password-1", policy=policy)
    check_listen_address("0.0.0.0", settings)


def test_a_trusted_proxy_header_keeps_the_explorer_on_loopback(settings, policy):
    Users.load(settings.users_path, policy).add("ada", "admin", "ada-password-1", policy=policy)
    proxied = settings.model_copy(update={"auth_header": "X-Forwarded-User"})
    check_listen_address("127.0.0.1", proxied)
    with pytest.raises(CreditGraphError, match="X-Forwarded-User header, which any client"):
        check_listen_address("0.0.0.0", proxied)


# -- creditgraph users -------------------------------------------------------

def test_add_user_from_the_command_line(tmp_path, monkeypatch, capsys, caplog, policy):
    path = tmp_path / "users.yaml"
    monkeypatch.setattr("sys.stdin", io.StringIO("li-si-password-9\n"))
    assert main(["users", "--users-file", str(path), "add", "li.si", "--role", "court", "--password-stdin"]) == 0
    assert "li.si (court) written to" in capsys.readouterr().out
    assert Users.load(path, policy).authenticate("li.si", "li-si-password-9").role == "court"
    assert main(["users", "--users-file", str(path), "list"]) == 0
    assert capsys.readouterr().out == "li.si\tcourt\n"
    monkeypatch.setattr("sys.stdin", io.StringIO("another-password\n"))
    assert main(["users", "--users-file", str(path), "add", "wang", "--role", "root", "--password-stdin"]) == 3
    assert "unknown role 'root'" in caplog.text
    assert main(["users", "--users-file", str(path), "remove", "li.si"]) == 0
    assert len(Users.load(path, policy)) == 0
