"""Loading: every row loaded or quarantined with a reason, reloads change nothing, bad files fail loudly."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creditgraph.errors import BadFileError, MappingError
from creditgraph.loaders.mapping import load_mapping
from creditgraph.normalize import id_check_digit, uscc_check_char
from creditgraph.loaders.pipeline import detect, load_paths
from creditgraph.loaders.readers import sniff_encoding
from creditgraph.loaders.mapping import builtin_mappings
from creditgraph.loaders.sample import write_sample
from recording import RecordingStore

KEY = "test-hash-key"


MAPPING = """
name: fuzz
source: fuzz
format: csv
detect: {headers: [name, uscc, boss, founded, share]}
entities:
  company:
    label: Company
    properties:
      name: {column: name, transform: company_name}
      uscc: {column: uscc, transform: uscc}
      founded: {column: founded, transform: date}
  boss:
    label: Person
    optional: true
    identity: [company]
    properties:
      name: {column: boss, transform: person_name}
relationships:
  - type: SHAREHOLDER_OF
    from: boss
    to: company
    properties:
      ratio: {column: share, transform: percent}
"""


@pytest.fixture
def mapping(tmp_path):
    path = tmp_path / "fuzz.yaml"
    path.write_text(MAPPING, encoding="utf-8")
    return load_mapping(path)


def _uscc(n: int) -> str:
    first = f"91350102{n:09d}"
    return first + uscc_check_char(first)


def test_sample_loads_without_quarantine(tmp_path):
    store = RecordingStore()
    report = load_paths(store, [write_sample(tmp_path / "in")], hash_key=KEY, report_dir=tmp_path / "r",
                        progress=False)
    assert report.rows_quarantined == 0 and not report.skipped
    assert {f.layout for f in report.files} == {"listed_company_basic", "listed_company_officers",
                                                "listed_company_shareholders", "dishonest_zxgk", "judgments"}
    assert json.loads((tmp_path / "r" / "load-report.json").read_text())["rows_read"] == report.rows_read


def test_bad_rows_are_quarantined_with_file_line_and_reason(tmp_path, mapping):
    f = tmp_path / "in.csv"
    good = _uscc(1)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    f.write_bytes(
        "name,uscc,boss,founded,share\n"
        f"福州甲有限公司,{good},林建国,2019-01-02,60%\n"
        f"福州乙有限公司,{bad},,2019-01-02,\n"          # line 3: wrong check character
        "福州丙有限公司,,,2019-02-30,\n"                # line 4: impossible date
        "福州丁有限公司,,\n"                            # line 5: too few fields
        .encode("utf-8") + "福州戊有限公司,,,,\n".encode("gbk")  # line 6: GBK bytes
    )
    store = RecordingStore()
    report = load_paths(store, [f], hash_key=KEY, report_dir=tmp_path / "r", mapping=mapping, progress=False)
    fr = report.files[0]
    assert (fr.rows_read, fr.rows_loaded, fr.rows_quarantined) == (5, 1, 4)
    rows = [json.loads(l) for l in (tmp_path / "r" / "quarantine.jsonl").read_text().splitlines()]
    assert [r["line"] for r in rows] == [3, 4, 5, 6]
    assert all(r["file"] == str(f) for r in rows)
    assert "check character" in rows[0]["reason"] and "company.uscc" in rows[0]["reason"]
    assert "founded" in rows[1]["reason"]
    assert "expected 5 fields" in rows[2]["reason"]
    assert "GBK" in rows[3]["reason"]


def test_full_id_numbers_never_reach_the_store_or_quarantine(tmp_path):
    first = "35010219720101123"
    full = first + id_check_digit(first)
    mp = tmp_path / "m.yaml"
    mp.write_text(MAPPING.replace("name: {column: boss, transform: person_name}",
                                  "name: {column: boss, transform: person_name}\n"
                                  "      id: {column: founded, transform: id_number}"),
                  encoding="utf-8")
    f = tmp_path / "in.csv"
    f.write_text(f"name,uscc,boss,founded,share\n福州甲有限公司,,林建国,{full},\n福州乙有限公司,,,{full},x\n",
                 encoding="utf-8")
    store = RecordingStore()
    report = load_paths(store, [f], hash_key=KEY, report_dir=tmp_path / "r", mapping=load_mapping(mp), progress=False)
    assert report.rows_quarantined == 2  # `founded` is not a date in row 1; `x` is not a percent in row 2
    everything = repr(store.nodes) + repr(store.edges) + (tmp_path / "r" / "quarantine.jsonl").read_text()
    assert full not in everything


def test_bad_files_fail_loudly(tmp_path, mapping):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(BadFileError, match="empty.csv"):
        load_paths(RecordingStore(), [empty], hash_key=KEY, report_dir=tmp_path / "r", mapping=mapping)
    with pytest.raises(BadFileError, match="missing.csv"):
        load_paths(RecordingStore(), [tmp_path / "missing.csv"], hash_key=KEY, report_dir=tmp_path / "r")
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("名称,代码\n甲,1\n".encode("gbk"))
    with pytest.raises(BadFileError, match="encoding"):
        load_paths(RecordingStore(), [gbk], hash_key=KEY, report_dir=tmp_path / "r", mapping=mapping)


def test_unrecognised_files_are_listed_with_the_reason(tmp_path):
    (tmp_path / "notes.md").write_text("# hi", encoding="utf-8")
    (tmp_path / "other.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    report = load_paths(RecordingStore(), [tmp_path], hash_key=KEY, report_dir=tmp_path / "r", progress=False)
    assert set(report.skipped) == {str(tmp_path / "notes.md"), str(tmp_path / "other.csv")}
    assert "use --mapping" in report.skipped[str(tmp_path / "other.csv")]
    assert "closest" not in report.skipped[str(tmp_path / "other.csv")]


def test_a_file_lacking_a_column_its_layout_detects_on_is_told_which(tmp_path):
    """A zxgk export without 案号 is no layout the loader can key (the case number keys the record),
    so it is skipped; the reason names the layout it nearly is and the column it lacks."""
    (tmp_path / "zxgk.csv").write_text("被执行人姓名/名称,身份证号码/组织机构代码,执行法院,省份\n"
                                       "福州甲有限公司,,福州市中级人民法院,福建\n", encoding="utf-8")
    report = load_paths(RecordingStore(), [tmp_path], hash_key=KEY, report_dir=tmp_path / "r", progress=False)
    assert "(closest: dishonest_zxgk, which needs 案号); use --mapping" in report.skipped[str(tmp_path / "zxgk.csv")]


def test_mapping_errors_name_the_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(MAPPING.replace("label: Company", "label: Firm"), encoding="utf-8")
    with pytest.raises(MappingError, match="Firm"):
        load_mapping(bad)
    bad.write_text(MAPPING.replace("transform: uscc", "transform: nope"), encoding="utf-8")
    with pytest.raises(MappingError, match="nope"):
        load_mapping(bad)
    bad.write_text(MAPPING.replace("from: boss", "from: ghost"), encoding="utf-8")
    with pytest.raises(MappingError, match="ghost"):
        load_mapping(bad)


def test_a_layout_saved_as_gbk_loads_as_its_utf8_twin(tmp_path):
    """Excel and most Chinese government exports save CSV as GBK: a built-in layout saved whole
    that way is read as GB18030 and gives the very rows its UTF-8 copy gives; the report says how
    each file was read. (A declared mapping's encoding is kept: ``test_bad_files_fail_loudly``.)"""
    utf8 = write_sample(tmp_path / "utf8")
    gbk = tmp_path / "gbk"
    gbk.mkdir()
    for f in utf8.iterdir():
        (gbk / f.name).write_bytes(f.read_text(encoding="utf-8").encode("gbk"))
    a, b = RecordingStore(), RecordingStore()
    ra = load_paths(a, [utf8], hash_key=KEY, report_dir=tmp_path / "ra", progress=False)
    rb = load_paths(b, [gbk], hash_key=KEY, report_dir=tmp_path / "rb", progress=False)
    assert rb.rows_quarantined == 0 and not rb.skipped and rb.rows_read == ra.rows_read > 0
    assert b.nodes == a.nodes and b.edges == a.edges
    assert {f.encoding for f in rb.files} == {"gb18030"} and {f.encoding for f in ra.files} == {"utf-8-sig"}
    assert "read as GB18030" in rb.render() and "read as" not in ra.render()


def test_only_a_file_saved_whole_as_gbk_is_read_as_gb18030(tmp_path):
    f = tmp_path / "f.csv"
    utf8, gbk = "名称,代码\n福州甲有限公司,1\n", "福州乙有限公司,2\n"
    for data, expected in [(utf8.encode("gbk") + gbk.encode("gbk"), "gb18030"),
                           (utf8.encode("utf-8") + gbk.encode("gbk"), "utf-8-sig"),  # mixed: GBK rows quarantined
                           (b"name,code\nx,1\n", "utf-8-sig"),
                           ("\ufeff".encode("utf-8") + utf8.encode("utf-8"), "utf-8-sig")]:
        f.write_bytes(data)
        assert sniff_encoding(f) == expected
    f.write_bytes("福州甲有限公司,1\n".encode("utf-8"))
    assert sniff_encoding(f, sample=4) == "utf-8-sig"  # the sample ends inside 州


def test_a_builtin_layout_reads_the_columns_a_file_lacks_as_blank(tmp_path):
    """Real extracts publish different subsets of a layout's columns (a zxgk export without 省份 or
    发布时间): a built-in layout, recognised by the columns it detects on, loads every row with the
    others blank, and the report names them. A mapping the user gave stays strict
    (``test_readme_mappings.py::test_a_column_the_mapping_names_must_be_in_the_header``)."""
    full, thin = write_sample(tmp_path / "full"), tmp_path / "thin"
    thin.mkdir()
    dropped = {}
    for f in sorted(full.iterdir()):
        m, _ = detect(f, builtin_mappings())
        if m is None or m.format == "jsonl":
            shutil.copy(f, thin / f.name)
            continue
        delimiter = "\t" if f.suffix == ".tsv" else ","
        rows = list(csv.reader(f.open(encoding="utf-8-sig", newline=""), delimiter=delimiter))
        gone = sorted(m.columns() - set(m.headers) & set(rows[0]))
        keep = [i for i, h in enumerate(rows[0]) if h not in gone]
        with (thin / f.name).open("w", encoding="utf-8", newline="") as out:
            csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows([[r[i] for i in keep] for r in rows])
        if gone:  # the listed officers' and holders' layouts read only what they detect on
            dropped[f.name] = gone
    a, b = RecordingStore(), RecordingStore()
    ra = load_paths(a, [full], hash_key=KEY, report_dir=tmp_path / "ra", progress=False)
    rb = load_paths(b, [thin], hash_key=KEY, report_dir=tmp_path / "rb", progress=False)
    assert set(dropped) == {"company_basic_info.tsv", "dishonest_records_zxgk.csv"}
    assert {Path(f.path).name: f.absent_columns for f in rb.files if f.absent_columns} == dropped
    assert rb.rows_read == ra.rows_read and rb.rows_quarantined == ra.rows_quarantined == 0 and not rb.skipped
    assert set(b.nodes) <= set(a.nodes) and len(b.nodes) >= 0.9 * len(a.nodes)
    assert "read as blank" in rb.render()
    written = json.loads((tmp_path / "rb" / "load-report.json").read_text())["files"]
    assert {Path(f["path"]).name: f["absent_columns"] for f in written if f["absent_columns"]} == dropped


def test_builtin_layouts_are_told_apart(tmp_path):
    mappings = builtin_mappings()
    for name, header in [("stock_industry_prep.csv", "code,name,c_name"),
                         ("stock_concept_prep.csv", "code,name,c_name")]:
        (tmp_path / name).write_text(header + "\n600000,浦发银行,银行\n", encoding="utf-8")
    assert detect(tmp_path / "stock_industry_prep.csv", mappings)[0].name == "ashare_industry"
    assert detect(tmp_path / "stock_concept_prep.csv", mappings)[0] is None


_cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["=cmd|' /C calc'!A0", "<script>alert(1)</script>", "x'}) DETACH DELETE n //",
                     "\x00\x07", "2019-13-45", "１２３", "（2017）黑01执750号", "   ", "null"]),
    st.builds(_uscc, st.integers(0, 10**8)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_cell, min_size=3, max_size=7), min_size=1, max_size=15))
def test_fuzzed_csv_never_loses_a_row(tmp_path_factory, rows):
    import csv
    import io

    mp = tmp_path_factory.mktemp("m") / "fuzz.yaml"
    mp.write_text(MAPPING, encoding="utf-8")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["name", "uscc", "boss", "founded", "share"])
    w.writerows(rows)
    folder = tmp_path_factory.mktemp("fuzz")
    f = folder / "in.csv"
    f.write_text(buf.getvalue(), encoding="utf-8")
    store = RecordingStore()
    report = load_paths(store, [f], hash_key=KEY, report_dir=folder / "r", mapping=load_mapping(mp), progress=False)
    fr = report.files[0]
    nonblank = sum(1 for r in rows if not (len(r) == 1 and not r[0].strip()) and r != [])
    assert fr.rows_read == fr.rows_loaded + fr.rows_quarantined
    assert fr.rows_read >= nonblank - sum(1 for r in rows if all(not c.strip() for c in r) and len(r) <= 1)
    q = folder / "r" / "quarantine.jsonl"
    assert (len(q.read_text().splitlines()) if q.exists() else 0) == fr.rows_quarantined
