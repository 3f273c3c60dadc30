"""The query register: append-only, IDs masked, tampering detected."""

from __future__ import annotations

from creditgraph.audit import GENESIS, AuditLog

FULL_ID = "350102197203153657"  # valid check digit


def test_entries_chain_and_verify(tmp_path):
    log = AuditLog(tmp_path / "q.jsonl", "inspector")
    log.record("search", {"text": "泰富"}, 3)
    log.record("entity", {"key": "co:uscc:91230199744190927K"}, 1)
    got = log.entries()
    assert [e["action"] for e in got] == ["search", "entity"]
    assert got[0]["prev"] == GENESIS and got[1]["prev"] != GENESIS
    assert got[0]["user"] == "inspector" and got[0]["results"] == 3
    assert log.verify() is None


def test_full_id_numbers_are_masked(tmp_path):
    log = AuditLog(tmp_path / "q.jsonl", "u")
    log.record("search", {"text": FULL_ID}, 0)
    text = (tmp_path / "q.jsonl").read_text(encoding="utf-8")
    assert FULL_ID not in text and "3501021972****3657" in text


def test_an_edited_or_deleted_entry_breaks_the_chain(tmp_path):
    path = tmp_path / "q.jsonl"
    log = AuditLog(path, "u")
    for i in range(4):
        log.record("search", {"text": f"q{i}"}, i)
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], lines[1].replace('"results": 1', '"results": 0'), *lines[2:]]) + "\n",
                    encoding="utf-8")
    assert log.verify() == 3
    path.write_text("\n".join([lines[0], *lines[2:]]) + "\n", encoding="utf-8")
    assert log.verify() == 2
