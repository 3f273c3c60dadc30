"""creditgraph.normalize on the real datasets in ../shared/data (skipped without them, fails in CI)."""

import csv
import datetime as dt
import json
import re

import pytest

from creditgraph.normalize import (
    case_year,
    is_masked_uscc,
    is_organisation_name,
    is_person_name,
    is_valid_uscc,
    normalize_case_no,
    parse_date,
    parse_id,
    parse_ratio,
    uscc_matches_masked,
)


@pytest.fixture(scope="module")
def data_dir(shared_data):
    return shared_data  # skips locally without ../shared/data, fails under CI


def read_rows(path, delimiter=","):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


# -------------------------------------------------------- real shared data


@pytest.mark.shared_data
def test_every_listed_company_credit_code_validates(data_dir):
    rows = read_rows(data_dir / "cn_listed_company_graph" / "company_basic_info.tsv", "\t")
    codes = [r["xydm"] for r in rows if r["xydm"].strip()]
    assert len(codes) == 3872
    assert [c for c in codes if not is_valid_uscc(c)] == []


@pytest.mark.shared_data
def test_every_date_in_the_shared_data_parses(data_dir):
    listed = read_rows(data_dir / "cn_listed_company_graph" / "company_basic_info.tsv", "\t")
    taifu = data_dir / "cn_dishonest_debtor_case_taifu"
    values = [r["clrq"] for r in listed]
    values += [r[k] for r in read_rows(taifu / "dishonest_records_zxgk.csv") for k in ("立案时间", "发布时间")]
    values += [r[k] for r in read_rows(taifu / "dishonest_records_aggregator.csv")
               for k in ("发布时间", "立案时间", "最新更新日期")]
    values += [r["成立日期"] for r in read_rows(taifu / "enterprise_registration.csv")]
    with open(taifu / "judgments.jsonl", encoding="utf-8") as f:
        values += [json.loads(line)["judgment_date"] for line in f]
    values += [r[k] for r in read_rows(data_dir / "at_bmf_shell_companies" / "scheinfirmen.csv")
               for k in ("Veröffentlichung", "Rechtskräftig", "Seit", "Geburts-Datum")]
    dates = [parse_date(v) for v in values if v.strip()]
    assert len(dates) > 8000
    assert all(dt.date(1900, 1, 1) <= d <= dt.date(2100, 12, 31) for d in dates)
    assert parse_date(read_rows(taifu / "enterprise_registration.csv")[0]["成立日期"]) == dt.date(2003, 4, 10)


@pytest.mark.shared_data
def test_taifu_identifiers_and_case_numbers(data_dir):
    taifu = data_dir / "cn_dishonest_debtor_case_taifu"
    zxgk = read_rows(taifu / "dishonest_records_zxgk.csv")
    aggregator = read_rows(taifu / "dishonest_records_aggregator.csv")
    uscc = read_rows(taifu / "enterprise_registration.csv")[0]["统一社会信用代码"]
    masked = [r["身份证号码/组织机构代码"] for r in zxgk if is_masked_uscc(r["身份证号码/组织机构代码"])]
    assert masked and all(uscc_matches_masked(uscc, m) for m in masked)

    raw_z, raw_a = {r["案号"] for r in zxgk}, {r["案号"] for r in aggregator}
    norm_z, norm_a = {normalize_case_no(c) for c in raw_z}, {normalize_case_no(c) for c in raw_a}
    assert len(raw_z & raw_a) < len(norm_z & norm_a) == 29  # bracket styles differ between the two lists
    assert len(norm_z | norm_a) == 30
    assert {case_year(c) for c in norm_z | norm_a} == {2016, 2017, 2018}

    with open(taifu / "judgments.jsonl", encoding="utf-8") as f:
        docs = [json.loads(line) for line in f]
    assert all(normalize_case_no(d["case_number"]) for d in docs)
    masked_ids = [m for d in docs for m in re.findall(r"\d{6,}\*+\d{3}[\dXx]", d["text"])]
    assert len(masked_ids) == 2
    assert all(parse_id(m).full is None and parse_id(m).birth_year for m in masked_ids)


@pytest.mark.shared_data
def test_shareholder_name_heuristics(data_dir):
    rows = read_rows(data_dir / "cn_listed_company_graph" / "shareholder_info.tsv", "\t")
    names = {r["name"] for r in rows}
    persons = {n for n in names if is_person_name(n)}
    orgs = {n for n in names if is_organisation_name(n)}
    assert len(names) == 25025
    assert 12_500 <= len(persons) <= 13_500  # SOURCE.md: "about 13k look like natural persons"
    assert not persons & orgs
    assert len(names - persons - orgs) < 100  # mostly Latin-script personal names
    assert all(0 <= parse_ratio(r["gdcgbl"], percent=True) <= 1 for r in rows)


@pytest.mark.shared_data
def test_p2p_edge_percentages(data_dir):
    rows = read_rows(data_dir / "cn_p2p_equity_graph_sample" / "edges.csv")
    shares = {(r["source_name"], r["target_name"]): parse_ratio(r["label"])
              for r in rows if r["label"].endswith("%")}
    assert shares[("罗润超", "深圳前海图腾互联网金融服务有限公司")] == pytest.approx(0.4655)
