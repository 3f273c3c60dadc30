"""The ID-hash key at the door: the public key is refused outside the demo, and so is a store built with another key."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from creditgraph import cli
from creditgraph.keys import KeyRefused, check_store_key, fingerprint, forget_store
from creditgraph.settings import DEFAULT_ID_HASH_KEY, Settings
from testenv import fresh_env

KEY_A = "key-a-for-tests-only-0123456789"
KEY_B = "key-b-for-tests-only-0123456789"


@pytest.fixture
def no_key(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.delenv("CREDITGRAPH_ID_HASH_KEY")
    monkeypatch.delenv("CREDITGRAPH_NEO4J_URI", raising=False)
    return tmp_path


@pytest.mark.parametrize("command", [["load", "x.csv"], ["search", "泰富"], ["stats"], ["paths", "a", "b"],
                                     ["related", "a"], ["resolve"], ["score"], ["explore"]])
def test_every_store_command_refuses_the_built_in_key(no_key, caplog, command):
    assert cli.main([*command, "--data-dir", str(no_key / "d")]) == 3
    assert "CREDITGRAPH_ID_HASH_KEY is not set" in caplog.text and ".env" in caplog.text
    assert "Traceback" not in caplog.text
    assert not (no_key / "d" / "embedded").exists()  # refused before any store was opened


def test_demo_may_use_the_public_key_and_its_store_is_readable_but_not_loadable_with_it(tmp_path, caplog):
    s = Settings(data_dir=tmp_path, id_hash_key=DEFAULT_ID_HASH_KEY, _env_file=None)
    check_store_key(s, demo=True)
    assert "public demo key" in caplog.text
    check_store_key(s)  # reading the demo store: allowed
    with pytest.raises(KeyRefused, match="is not set"):
        check_store_key(s, writes=True)  # loading (real) data with the public key: never
    with pytest.raises(KeyRefused, match="built with the public demo key"):
        check_store_key(s.model_copy(update={"id_hash_key": s.id_hash_key.__class__(KEY_A)}))


def test_the_fingerprint_names_the_key_without_holding_it(tmp_path):
    s = Settings(data_dir=tmp_path, id_hash_key=KEY_A, _env_file=None)
    check_store_key(s, writes=True)
    text = (tmp_path / "store.json").read_text()
    assert KEY_A not in text and json.loads(text)["stores"]["embedded"] == {"fingerprint": fingerprint(KEY_A),
                                                                          "demo": False}
    other = Settings(data_dir=tmp_path, id_hash_key=KEY_B, _env_file=None)
    with pytest.raises(KeyRefused, match="built with another key.*creditgraph wipe --yes"):
        check_store_key(other)
    forget_store(other)  # what `creditgraph wipe` does once the store is empty
    check_store_key(other, writes=True)


def test_a_store_loaded_with_one_key_is_refused_under_another(tmp_path):
    """End to end: `load` records the key; `stats` under another key is refused, under the same key it runs."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.txt").write_text("nothing to load")

    def run(key, *args):
        env = fresh_env(CREDITGRAPH_ID_HASH_KEY=key, CREDITGRAPH_DATA_DIR=str(tmp_path / "d"))
        return subprocess.run([sys.executable, "-m", "creditgraph.cli", *args], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=300)

    assert run(KEY_A, "load", str(tmp_path / "in")).returncode == 0
    refused = run(KEY_B, "stats")
    assert refused.returncode == 3 and "built with another key" in refused.stderr
    assert "Traceback" not in refused.stderr and refused.stderr.count("\n") == 1
    assert run(KEY_A, "stats", "--json").returncode == 0
