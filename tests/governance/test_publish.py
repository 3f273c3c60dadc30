"""Published editions: the 红榜/黑榜 as of a date in CSV and PDF, signed with an audit
checkpoint, each kept, and the diff between two editions."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from govcity import BOSS, FIRM, FIRM2, OWN
from creditgraph.audit import read_checkpoints, verify_register
from creditgraph.governance import repair
from creditgraph.governance.publish import diff_editions, editions, publish_lists, verify_edition
from creditgraph.governance.state import GovernanceError

KEY = "audit-key-for-tests"
AS_OF = dt.date(2025, 6, 1)


def test_two_editions_diff_correctly(gov):
    with pytest.raises(GovernanceError, match="CREDITGRAPH_AUDIT_KEY"):
        publish_lists(gov, as_of=AS_OF, audit_key=None)
    first = publish_lists(gov, as_of=AS_OF, audit_key=KEY)
    folder = gov.state.folder / first["folder"]
    black = pd.read_csv(folder / "blacklist.csv")
    assert list(black["entity"]) == [FIRM, BOSS]  # one case each: the larger unperformed amount first
    assert list(pd.read_csv(folder / "redlist.csv")["entity"]) == [FIRM2]
    assert (folder / "lists.pdf").read_bytes()[:5] == b"%PDF-"
    assert first["diff"]["blacklist"]["added"] == 2 and first["counts"] == {"blacklist": 2, "redlist": 1}

    a = repair.apply(gov, OWN, [{"kind": "performance", "ref": "receipt 7"}])
    repair.approve(gov, a["id"], reason="paid", rescore=False)
    second = publish_lists(gov, as_of=AS_OF, audit_key=KEY, pdf=False)
    change = json.loads((gov.state.folder / second["folder"] / "diff.json").read_text(encoding="utf-8"))
    assert change["since"] == first["id"]
    assert change["lists"]["blacklist"] == {"added": [], "removed": [{"entity": BOSS, "name": "王大"}], "changed": []}
    assert change["lists"]["redlist"] == {"added": [], "removed": []}
    assert [e["id"] for e in editions(gov)] == [first["id"], second["id"]]
    assert (folder / "blacklist.csv").exists()  # the first edition is kept as it was

    # signed: the checkpoint is valid and anchors the publish entry naming the files
    assert verify_edition(gov, first["id"], audit_key=KEY) == []
    checkpoints = read_checkpoints([gov.audit.path.with_name("checkpoints.jsonl")])
    verdict = verify_register(gov.audit.path, checkpoints=checkpoints, audit_key=KEY)
    assert verdict.ok and verdict.checkpoints == 2, verdict.as_dict()
    (folder / "blacklist.csv").write_text("entity,name\nco:x,forged\n", encoding="utf-8")
    assert verify_edition(gov, first["id"], audit_key=KEY) == ["blacklist.csv differs from what was published"]


def test_an_edition_as_of_an_earlier_date_counts_what_was_listed_then(gov):
    ed = publish_lists(gov, as_of=dt.date(2021, 6, 1), audit_key=KEY, pdf=False)
    black = pd.read_csv(gov.state.folder / ed["folder"] / "blacklist.csv")
    assert list(black["entity"]) == [FIRM] and list(black["cases"]) == [1]  # only the 2020 case was out then


def test_diff_editions_reports_changed_case_counts():
    old = {"blacklist": pd.DataFrame({"entity": ["a", "b"], "name": ["A", "B"], "cases": [1, 2]})}
    new = {"blacklist": pd.DataFrame({"entity": ["b", "c"], "name": ["B", "C"], "cases": [3, 1]})}
    assert diff_editions(old, new) == {"blacklist": {"added": [{"entity": "c", "name": "C"}],
                                                     "removed": [{"entity": "a", "name": "A"}],
                                                     "changed": [{"entity": "b", "name": "B", "cases": [2, 3]}]}}
