"""No full ID number survives a load: not in the store, the reports, the logs or the audit trail.

The input holds full, valid ID numbers where they belong (the registry's ID columns, which the
loader turns into a keyed hash and a masked form) and where they do not: in names, addresses,
register numbers, case numbers, posts, free text, a record-id column, a date column (so the row
is quarantined), a judgment's title and body, and the first line of a file with no header. The
scan looks for any 18-character run with a valid GB 11643 check digit and birth date.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from pathlib import Path

import pytest

from creditgraph import cli
from creditgraph.errors import BadFileError
from creditgraph.loaders.pipeline import load_paths
from robust_support import KEY, PLANTED_IDS, find_full_ids

ID0, ID1, ID2 = PLANTED_IDS
_FULLWIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789X"}


def _csv(header, rows) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def _adversarial(layouts, folder: Path) -> Path:
    """Files in the built-in layouts with full IDs in every kind of place."""
    folder.mkdir(parents=True)
    reg = layouts["gsxt_enterprise"]
    base = dict(zip(reg.header, reg.rows[0]))
    firms = [
        {**base, "地址": f"福州市鼓楼区{ID0}号", "工商注册号": ID1, "经营状态": f"ID{ID2}",
         "所属行业": f"身份证号码：{ID0}。"},
        {**base, "公司名": f"福州{ID2}有限公司", "统一社会信用代码": "", "法人信息": ID1, "企业类型": ID0,
         "法定代表人证件号码": ID2, "登记机关": ID0.translate(_FULLWIDTH)},
        {**base, "公司名": "福州乙有限公司", "统一社会信用代码": "", "成立日期": ID0},  # quarantined
    ]
    (folder / reg.filename).write_text(_csv(reg.header, firms), encoding="utf-8")
    staff = layouts["gsxt_personnel"]
    base = dict(zip(staff.header, staff.rows[0]))
    (folder / staff.filename).write_text(_csv(staff.header, [{**base, "序号": ID0, "职务": f"董事{ID1}"}]),
                                         encoding="utf-8")
    limits = layouts["zxgk_restrictions"]
    base = dict(zip(limits.header, limits.rows[0]))
    (folder / limits.filename).write_text(
        _csv(limits.header, [{**base, "案号": f"（2019）闽0102执{ID0}号", "身份证号码/组织机构代码": ID1,
                              "被执行人姓名/名称": f"王{ID2}"}]), encoding="utf-8")
    docs = layouts["judgments"]
    doc = dict(docs.rows[0])
    doc.update(doc_id=ID0, court=f"福州市{ID1}法院", title=f"{ID2}与王建国借款合同纠纷",
               text=doc["text"] + f"\n被执行人：王建国，公民身份号码{ID0}。\n被告：{ID1}。")
    (folder / docs.filename).write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "no_header.csv").write_text(f"{ID0},王建国,福州\n{ID1},李四,厦门\n", encoding="utf-8")
    return folder


def _store_text(store) -> str:
    G = store.export()
    parts = [repr((n, d)) for n, d in G.nodes(data=True)]
    parts += [repr((u, v, k, d)) for u, v, k, d in G.edges(keys=True, data=True)]
    return "\n".join(parts)


def _files_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.rglob("*"))
                     if p.is_file())


def test_no_full_id_number_in_the_store_reports_or_logs(store, small_city, layouts, tmp_path, caplog):
    caplog.set_level(logging.DEBUG, logger="creditgraph")
    bad = _adversarial(layouts, tmp_path / "bad")
    inputs = [small_city, bad]
    planted = set(find_full_ids(_files_text(small_city))) | set(PLANTED_IDS)
    assert len(planted) > 10, "the input must hold full ID numbers for this test to mean anything"

    report = load_paths(store, inputs, hash_key=KEY, report_dir=tmp_path / "report", progress=False)

    assert report.rows_quarantined > 0 and str(bad / "no_header.csv") in report.skipped
    stored = _store_text(store)
    assert "id_hash" in stored and "id_masked" in stored  # the IDs were used, as hash and mask
    assert find_full_ids(stored) == []
    assert find_full_ids(_files_text(tmp_path / "report")) == []
    assert find_full_ids(report.render()) == []
    assert find_full_ids(caplog.text) == []


def test_a_bad_header_is_reported_without_the_id_numbers_in_it(tmp_path, layouts):
    reg = layouts["gsxt_enterprise"]
    f = tmp_path / reg.filename
    f.write_text(",".join(reg.header + [ID0, ID0]) + "\n" + ",".join(reg.rows[0] + ["", ""]) + "\n",
                 encoding="utf-8")
    with pytest.raises(BadFileError, match="repeated column names") as e:
        load_paths(_NoStore(), [f], hash_key=KEY, report_dir=tmp_path / "r", progress=False)
    assert find_full_ids(str(e.value)) == []


class _NoStore:
    backend = "none"

    def counts(self):
        from creditgraph.graph.records import Counts
        return Counts({}, {})


@pytest.mark.neo4j
def test_cli_load_and_search_leave_no_full_id_number_behind(neo4j_instance, neo4j_store, layouts, tmp_path,
                                                            monkeypatch, capsys, caplog):
    """The real entry point: its stdout, stderr, log records, reports and audit trail."""
    neo4j_store.wipe()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CREDITGRAPH_ID_HASH_KEY", KEY)
    monkeypatch.setenv("CREDITGRAPH_USER", "privacy-test")
    monkeypatch.setenv("CREDITGRAPH_NEO4J_USER", neo4j_instance.user)
    if neo4j_instance.password is not None:
        monkeypatch.setenv("CREDITGRAPH_NEO4J_PASSWORD", neo4j_instance.password)
    caplog.set_level(logging.DEBUG, logger="creditgraph")
    bad = _adversarial(layouts, tmp_path / "bad")
    data = tmp_path / "data"
    common = ["--neo4j", neo4j_instance.uri, "--data-dir", str(data)]

    assert cli.main(["load", str(bad), *common, "--report-dir", str(data / "reports")]) == 0
    assert cli.main(["search", ID0, *common]) == 0
    assert cli.main(["search", f"福州{ID2}有限公司", *common]) == 0

    out = capsys.readouterr()
    audit = [json.loads(l) for l in (data / "audit" / "queries.jsonl").read_text(encoding="utf-8").splitlines()]
    searches = [a for a in audit if a["action"] == "search"]  # the load adds its governance run entry
    assert len(searches) == 2 and "****" in searches[0]["query"]
    assert {a["action"] for a in audit} - {"search"} <= {"governance.alerts.run"}
    for where, text in [("stdout", out.out), ("stderr", out.err), ("log", caplog.text),
                        ("data dir", _files_text(data)), ("store", _store_text(neo4j_store))]:
        assert find_full_ids(text) == [], where
