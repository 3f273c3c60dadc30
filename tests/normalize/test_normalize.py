"""Tests for creditgraph.normalize.

Privacy: no full ID number appears literally here; test IDs are built from a
made-up region/birth date/sequence and the module's own check-digit function.
"""

import csv
import datetime as dt
import json
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from creditgraph.normalize import (
    IdNumber,
    case_year,
    clean_text,
    company_match_key,
    halfwidth,
    hash_id,
    id_check_digit,
    id_matches_masked,
    is_masked_uscc,
    is_organisation_name,
    is_person_name,
    is_valid_id,
    is_valid_uscc,
    mask_id,
    masked_ids_compatible,
    normalize_case_no,
    normalize_company_name,
    normalize_person_name,
    normalize_uscc,
    parse_amount,
    parse_date,
    parse_id,
    parse_int,
    parse_ratio,
    to_simplified,
    uscc_check_char,
    uscc_matches_masked,
)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
TAIFU_USCC = "91230199744190927K"  # a company's public credit code, not personal data


def make_id(region="350102", birth="19720101", seq="123"):
    body = region + birth + seq
    return body + id_check_digit(body)


@pytest.fixture(scope="module")
def data_dir(shared_data):
    return shared_data  # skips locally without ../shared/data, fails under CI


def read_rows(path, delimiter=","):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


# --------------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  哈尔滨\u3000\u3000泰富 ", "哈尔滨 泰富"),
        ("a\t\n\xa0b", "a b"),
        ("\ufeffab\u200bc\u200d", "abc"),
        ("x\x00y\x85z\x9f", "xy z"),  # NUL and C1 removed; U+0085 is a line break
        ("杨天夫", "杨天夫"),
        ("", None),
        (" \u3000\u200b\t", None),
        (None, None),
    ],
)
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


def test_clean_text_rejects_non_strings():
    with pytest.raises(TypeError):
        clean_text(12)


@given(st.text(alphabet=st.sampled_from("ab 中\u3000\xa0\t\n\u200b\ufeff\x01\x9f（")) | st.text())
@settings(max_examples=200, deadline=None)
def test_clean_text_is_idempotent(s):
    once = clean_text(s)
    assert clean_text(once) == once
    if once is not None:
        assert once == once.strip() and "  " not in once


def test_to_simplified():
    assert to_simplified("哈爾濱泰富電氣有限公司") == "哈尔滨泰富电气有限公司"
    assert to_simplified("哈尔滨泰富电气有限公司") == "哈尔滨泰富电气有限公司"
    assert to_simplified("GANA MACHINE CO.,LTD") == "GANA MACHINE CO.,LTD"
    assert to_simplified("合力(亞洲)投資有限公司") == "合力(亚洲)投资有限公司"


@pytest.mark.parametrize("name", ["上海乾刚投资管理合伙企业", "於明", "甯静", "文昇实业有限公司"])
def test_to_simplified_keeps_characters_mainland_names_use(name):
    assert to_simplified(name) == name
    assert to_simplified(name.replace("投资", "投資").replace("实业", "實業")) == name


def test_halfwidth():
    assert halfwidth("ＡＢＣ１２３（）！～\u3000中文") == "ABC123()!~ 中文"
    assert halfwidth("〔2017〕") == "〔2017〕"  # CJK brackets are not full-width ASCII


# --------------------------------------------------------------------- USCC


def test_uscc_real_code_validates():
    assert uscc_check_char(TAIFU_USCC[:17]) == "K"
    assert is_valid_uscc(TAIFU_USCC)
    assert normalize_uscc(" ９１２３０１９９７４４１９０９２７ｋ ") == TAIFU_USCC


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("91230199744190927", "18 characters"),
        ("91230199744190927KK", "18 characters"),
        ("9123019974419092IK", "invalid character 'I' at position 17"),
        ("91230199744190927A", "check character is 'A', expected 'K'"),
        ("", "empty"),
    ],
)
def test_normalize_uscc_says_what_is_wrong(raw, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        normalize_uscc(raw)
    assert not is_valid_uscc(raw)


def test_is_valid_uscc_on_non_strings():
    assert not is_valid_uscc(None)
    assert not is_valid_uscc(91230199744190927)


@pytest.mark.parametrize(
    ("masked", "expected"),
    [("91230199744****927K", True), ("912301*927K", True), ("*927K", True), ("*", False),
     ("91230199744190927K", False), ("9123**01**927K", False), ("91I3****927K", False),
     ("91230199744190927K*", False), ("", False), (None, False)],
)
def test_is_masked_uscc(masked, expected):
    assert is_masked_uscc(masked) is expected


def test_uscc_matches_masked():
    assert uscc_matches_masked(TAIFU_USCC, "91230199744****927K")
    assert uscc_matches_masked(TAIFU_USCC, "912301**927k")
    assert uscc_matches_masked(TAIFU_USCC, TAIFU_USCC)
    assert not uscc_matches_masked(TAIFU_USCC, "91230199745****927K")
    assert not uscc_matches_masked(TAIFU_USCC, "91230199744****928K")
    with pytest.raises(ValueError):
        uscc_matches_masked("91230199744190927A", "91230199744****927K")
    with pytest.raises(ValueError):
        uscc_matches_masked(TAIFU_USCC, "74419092-7")


uscc_bodies = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17)


@given(uscc_bodies, st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
@settings(max_examples=200, deadline=None)
def test_generated_uscc_validates_and_any_substitution_is_caught(body, i, c):
    code = body + uscc_check_char(body)
    assert is_valid_uscc(code)
    assume(code[i] != c)
    assert not is_valid_uscc(code[:i] + c + code[i + 1:])


@given(uscc_bodies, st.integers(0, 17), st.integers(0, 17), st.integers(1, 8))
@settings(max_examples=200, deadline=None)
def test_masked_uscc_matches_its_source(body, head, tail, stars):
    code = body + uscc_check_char(body)
    assume(1 <= head + tail <= 17)
    masked = code[:head] + "*" * stars + code[18 - tail:]
    assert is_masked_uscc(masked)
    assert uscc_matches_masked(code, masked)


# ---------------------------------------------------------------- ID numbers


def test_id_check_digit_and_full_parse():
    full = make_id()
    assert is_valid_id(full)
    person = parse_id(full)
    assert person == IdNumber(full=full, masked=full[:10] + "****" + full[14:], region_code="350102",
                              birth_year=1972, birth_date=dt.date(1972, 1, 1), sex="M")
    assert parse_id(make_id(seq="124")).sex == "F"
    assert full not in repr(person)


def test_id_check_digit_can_be_x():
    seqs = [f"{n:03d}" for n in range(1000)]
    with_x = next(make_id(seq=s) for s in seqs if make_id(seq=s).endswith("X"))
    assert is_valid_id(with_x.lower())
    assert parse_id(with_x.lower()).full == with_x
    fullwidth = with_x.lower().translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    assert parse_id(fullwidth).full == with_x


def test_id_check_digit_rejects_bad_body():
    with pytest.raises(ValueError):
        id_check_digit("3501021972010112")
    with pytest.raises(ValueError):
        id_check_digit("3501021972010112A")


def test_wrong_check_digit_is_rejected_without_leaking_the_number():
    full = make_id()
    wrong = full[:17] + ("0" if full[17] != "0" else "1")
    assert not is_valid_id(wrong)
    with pytest.raises(ValueError, match="wrong check digit") as err:
        parse_id(wrong)
    assert wrong not in str(err.value) and wrong[:10] + "****" in str(err.value)


@pytest.mark.parametrize("birth", ["19721301", "19720230", "18991231", "20991231"])
def test_id_with_impossible_birth_date_is_rejected(birth):
    full = make_id(birth=birth)
    assert not is_valid_id(full)
    with pytest.raises(ValueError, match="birth"):
        parse_id(full)


@pytest.mark.parametrize("garbage", ["", "abc", "12345", "350102197201011", make_id() + "5", make_id()[:17] + "A",
                                     "****", "35a1021972****3656", "3501X21972****3656", None, 42])
def test_parse_id_rejects_garbage(garbage):
    with pytest.raises(ValueError):
        parse_id(garbage)
    assert not is_valid_id(garbage)


@pytest.mark.parametrize(
    ("masked", "canonical", "region", "year", "sex"),
    [
        ("3501021972****3656", "3501021972****3656", "350102", 1972, "M"),
        ("3210811972*****3656", "3210811972****3656", "321081", 1972, "M"),
        ("350102********3656", "350102********3656", "350102", None, "M"),
        ("３５０１０２１９７２＊＊＊＊３６４x", "3501021972****364X", "350102", 1972, "F"),
        ("35010219******", "35010219**********", "350102", None, None),
        ("*****3656", "**************3656", None, None, "M"),
    ],
)
def test_parse_masked_id(masked, canonical, region, year, sex):
    person = parse_id(masked)
    assert (person.full, person.masked, person.region_code, person.birth_year, person.birth_date, person.sex) \
        == (None, canonical, region, year, None, sex)
    assert not is_valid_id(masked)


def test_masked_id_with_implausible_year_is_rejected():
    with pytest.raises(ValueError, match="birth year"):
        parse_id("3501021872****3656")


def test_mask_and_hash_need_a_full_id():
    full = make_id()
    assert mask_id(full) == full[:10] + "****" + full[14:]
    with pytest.raises(ValueError, match="full ID"):
        mask_id(mask_id(full))
    digest = hash_id(full, "secret")
    assert re.fullmatch(r"[0-9a-f]{32}", digest)
    assert hash_id(" " + full.lower() + " ", "secret") == digest
    assert hash_id(full, "other") != digest
    assert hash_id(make_id(seq="124"), "secret") != digest
    with pytest.raises(ValueError, match="key"):
        hash_id(full, "")


def test_masked_ids_compatible():
    full = make_id()
    tail = full[14:]
    assert masked_ids_compatible("3501021972****" + tail, "350102********" + tail)
    assert masked_ids_compatible("3501021972*****" + tail, "3501021972****" + tail)
    assert not masked_ids_compatible("3501021972****" + tail, "3501021973****" + tail)
    assert masked_ids_compatible("350102**********", "**********" + tail)  # nothing overlaps
    assert id_matches_masked(full, "3501021972****" + tail)
    assert not id_matches_masked(full, "3501031972****" + tail)
    with pytest.raises(ValueError, match="full ID"):
        id_matches_masked("3501021972****" + tail, full)


births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date.today())
ids = st.builds(
    lambda region, born, seq: make_id(f"{region:06d}", born.strftime("%Y%m%d"), f"{seq:03d}"),
    st.integers(100000, 999999), births, st.integers(0, 999),
)


@given(ids, st.integers(0, 17), st.sampled_from("0123456789X"))
@settings(max_examples=200, deadline=None)
def test_generated_ids_validate_and_any_substitution_is_caught(full, i, c):
    assert is_valid_id(full)
    assume(full[i] != c and (i == 17 or c != "X"))
    changed = full[:i] + c + full[i + 1:]
    assert id_check_digit(changed[:17]) != changed[17]
    assert not is_valid_id(changed)


@given(ids)
@settings(max_examples=200, deadline=None)
def test_mask_is_compatible_with_its_source_and_hides_it(full):
    masked = mask_id(full)
    assert masked != full and masked[10:14] == "****"
    assert masked_ids_compatible(full, masked)
    assert id_matches_masked(full, masked)
    assert parse_id(masked).birth_year == parse_id(full).birth_year


# -------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("20180302", dt.date(2018, 3, 2)),
        ("2018年04月08日", dt.date(2018, 4, 8)),
        ("2018年4月8日", dt.date(2018, 4, 8)),
        (" 2018 年 4 月 8 日 ", dt.date(2018, 4, 8)),
        ("2017/08/31", dt.date(2017, 8, 31)),
        ("2017/8/31", dt.date(2017, 8, 31)),
        ("2003/04/1000:00:00.000", dt.date(2003, 4, 10)),
        ("2018-03-02", dt.date(2018, 3, 2)),
        ("2018-03-02 12:00:00", dt.date(2018, 3, 2)),
        ("2018.03.02", dt.date(2018, 3, 2)),
        ("2018-03-02T23:59:59+08:00", dt.date(2018, 3, 2)),
        ("2018-03-02T12:00:00.123Z", dt.date(2018, 3, 2)),
        ("02.03.2018", dt.date(2018, 3, 2)),
        ("２０１８－０３－０２", dt.date(2018, 3, 2)),
        (dt.datetime(2018, 3, 2, 12), dt.date(2018, 3, 2)),
        (dt.date(2018, 3, 2), dt.date(2018, 3, 2)),
    ],
)
def test_parse_date(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["2018-02-30", "20181301", "1899-12-31", "2101-01-01", "2018-03-02 24:00", "2018-03-02T12:60",
     "2018/03-02", "03/02/2018", "2018-03", "yesterday", "", None, 20180302],
)
def test_parse_date_rejects(raw):
    with pytest.raises(ValueError):
        parse_date(raw)


DATE_FORMATS = [
    lambda d: d.strftime("%Y%m%d"),
    lambda d: d.isoformat(),
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: d.strftime("%Y/%m/%d") + "00:00:00.000",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: d.strftime("%Y.%m.%d"),
    lambda d: d.strftime("%d.%m.%Y"),
    lambda d: d.strftime("%Y-%m-%dT%H:%M:%S"),
]


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
       st.sampled_from(DATE_FORMATS))
@settings(max_examples=200, deadline=None)
def test_parse_date_round_trips(d, fmt):
    assert parse_date(fmt(d)) == d


# ------------------------------------------------------------- case numbers


@pytest.mark.parametrize(
    "raw", ["（2017）黑01执750号", "(2017)黑01执750号", "〔2017〕黑01执750号", "[2017]黑01执750号",
            "【2017】黑01执750号", "［２０１７］黑01 执 750号", " (2017) 黑01执750号\n"],
)
def test_normalize_case_no_unifies_brackets(raw):
    assert normalize_case_no(raw) == "(2017)黑01执750号"
    assert case_year(raw) == 2017


def test_normalize_case_no_uppercases_latin():
    assert normalize_case_no("（2016）京0105民初x12号") == "(2016)京0105民初X12号"


@pytest.mark.parametrize("raw", ["黑01执750号", "2017黑01执750号", "(17)黑01执750号", "(0000)x", ""])
def test_normalize_case_no_needs_a_year(raw):
    with pytest.raises(ValueError):
        normalize_case_no(raw)


@given(st.text().filter(lambda s: not any(c.isdigit() for c in s)), st.integers(1900, 2099),
       st.sampled_from(["（）", "()", "〔〕", "[]", "【】", "［］"]), st.text())
@settings(max_examples=200, deadline=None)
def test_normalize_case_no_is_idempotent(before, year, brackets, after):
    once = normalize_case_no(f"{before}{brackets[0]}{year}{brackets[1]}{after}")
    assert normalize_case_no(once) == once
    assert case_year(once) == year  # no digits before it, so ours is the first (yyyy)


# -------------------------------------------------------------------- names


def test_normalize_company_name():
    assert normalize_company_name(" 哈爾濱泰富電氣有限公司 （中外合資） ") == "哈尔滨泰富电气有限公司(中外合资)"
    assert (normalize_company_name("珠海 神州 泰岳新兴产业投资企业（有限合伙）")
            == "珠海神州泰岳新兴产业投资企业(有限合伙)")
    assert normalize_company_name("GANA  MACHINE CO.,LTD") == "GANA MACHINE CO.,LTD"
    with pytest.raises(ValueError):
        normalize_company_name(" \u3000")


def test_company_match_key():
    assert company_match_key("哈尔滨泰富电气有限责任公司") == company_match_key("哈爾濱泰富電氣有限公司")
    assert company_match_key("香港中央结算（代理人）有限公司") == "香港中央结算代理人有限公司"
    assert company_match_key("贵州黔源电力股份有限公司") != company_match_key("贵州黔源电力有限公司")
    assert company_match_key("Gana Machine Co., Ltd.") == "GANAMACHINECOLTD"


def test_normalize_person_name():
    assert normalize_person_name(" 楊 天 夫 ") == "杨天夫"
    for dot in "·•・．‧.":
        assert normalize_person_name(f"阿卜杜拉{dot}买买提") == "阿卜杜拉·买买提"
    assert normalize_person_name("John  Smith") == "John Smith"
    with pytest.raises(ValueError):
        normalize_person_name(None)


@pytest.mark.parametrize(
    "name",
    ["哈尔滨泰富电气有限公司", "珠海神州泰岳新兴产业投资企业(有限合伙)", "人民日报社", "财政部", "四川大学",
     "哈尔滨市南岗区人民法院", "全国社保基金一一四组合", "UBS AG", "GS Direct, L.L.C.", "Yue Qi Capital Limited",
     "某某化工厂", "某某市公安局", "一二三四五六七八九"],
)
def test_organisation_names(name):
    assert is_organisation_name(name)
    assert not is_person_name(name)


@pytest.mark.parametrize("name", ["杨天夫", "罗茜", "欧阳东华", "阿卜杜拉·买买提", "艾尔肯 • 绕孜", "楊天夫"])
def test_person_names(name):
    assert is_person_name(name)
    assert not is_organisation_name(name)


@pytest.mark.parametrize("name", ["ZHU WEI", "杨", "苏雅拉达来", "", None])
def test_names_that_are_neither(name):
    assert not is_person_name(name)
    assert not is_organisation_name(name)


# ------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    ("raw", "kwargs", "expected"),
    [("46.55%", {}, 0.4655), ("46.55 %", {}, 0.4655), ("０.４６５５", {}, 0.4655), ("46.55", {"percent": True}, 0.4655),
     ("100.00%", {}, 1.0), ("0", {}, 0.0), (0.5, {}, 0.5), (28.69, {"percent": True}, 0.2869)],
)
def test_parse_ratio(raw, kwargs, expected):
    assert parse_ratio(raw, **kwargs) == pytest.approx(expected)


@pytest.mark.parametrize(("raw", "message"), [("46.55", "percent=True"), ("101%", "outside"), ("-1%", "outside"),
                                              ("投资", "not a number"), ("", "empty"), (float("nan"), "finite")])
def test_parse_ratio_rejects(raw, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_ratio(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1,234.5", 1234.5), ("1234", 1234.0), ("12.5万", 125_000.0), ("3亿", 300_000_000.0), ("12.5万元", 125_000.0),
     ("500元", 500.0), ("1.1万", 11_000.0), ("人民币750万元", 7_500_000.0), ("￥1,000", 1000.0),
     ("305398662.0", 305_398_662.0), (1234, 1234.0), (2.5, 2.5),
     ("500万元人民币", 5_000_000.0), ("50万人民币", 500_000.0)],  # gsxt registered-capital style
)
def test_parse_amount(raw, expected):
    assert parse_amount(raw) == expected


@pytest.mark.parametrize("raw", ["万元", "1.2.3", "12万美元", "abc", "", True, None, float("inf")])
def test_parse_amount_rejects(raw):
    with pytest.raises(ValueError):
        parse_amount(raw)


@pytest.mark.parametrize(("raw", "expected"), [("2017", 2017), ("2017.0", 2017), ("1,234", 1234), (" -5 ", -5),
                                               (7, 7), (3.0, 3)])
def test_parse_int(raw, expected):
    assert parse_int(raw) == expected


@pytest.mark.parametrize("raw", ["2.5", 2.5, "abc", "", True, None])
def test_parse_int_rejects(raw):
    with pytest.raises(ValueError):
        parse_int(raw)


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
