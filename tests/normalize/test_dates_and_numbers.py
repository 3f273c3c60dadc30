"""creditgraph.normalize: dates, case numbers, ratios, amounts and counts."""

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creditgraph.normalize import (
    case_year,
    normalize_case_no,
    parse_amount,
    parse_date,
    parse_int,
    parse_ratio,
)


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
