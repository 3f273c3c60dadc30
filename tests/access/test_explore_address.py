"""`creditgraph explore --address` beyond loopback is refused until people must sign in, before
anything is started; the rule itself (every address form, proxy mode) is in test_access.py."""

from __future__ import annotations

import pytest

from creditgraph import cli
from creditgraph.access import Policy
from creditgraph.logins import Users


@pytest.fixture
def no_env(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env
    for var in ("CREDITGRAPH_USERS_FILE", "CREDITGRAPH_AUTH_HEADER", "CREDITGRAPH_NEO4J_URI"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


def test_explore_on_all_interfaces_without_logins_is_refused_before_it_starts(no_env, caplog, monkeypatch):
    started = []
    monkeypatch.setattr("subprocess.Popen", lambda *a, **k: started.append(a))
    assert cli.main(["explore", "--address", "0.0.0.0", "--data-dir", str(no_env / "d")]) == cli.EXIT_ERROR
    assert "without logins" in caplog.text and "creditgraph users add" in caplog.text
    assert not started


def test_explore_behind_a_proxy_header_is_refused_beyond_loopback(no_env, caplog, monkeypatch):
    started = []
    monkeypatch.setattr("subprocess.Popen", lambda *a, **k: started.append(a))
    monkeypatch.setenv("CREDITGRAPH_AUTH_HEADER", "X-Forwarded-User")
    Users.load(no_env / "d" / "users.yaml").add("ada", "admin", "ada-password-1", policy=Policy.load(secret="s"))
    assert cli.main(["explore", "--address", "192.168.7.7", "--data-dir", str(no_env / "d")]) == cli.EXIT_ERROR
    assert "listen on 127.0.0.1 behind the proxy" in caplog.text
    assert not started
