"""What the reader sees of stored values: evidence and reasons rebuilt in both languages from
their parameters, dates, money in 万元, local times, roles and relations named; no JVM."""

from __future__ import annotations

import re

import pytest

from creditgraph.analytics.evidence import TEMPLATES, parse, render
from creditgraph.app.text import (cluster_text, local_time, money, record_date, region, relation_text,
                                  repeat_summary, repeat_text, role_text, ties_text, value_text)

#: Sentences as scoring runs stored them (English), one per template.
STORED = {
    "firms_at_address": "38 firms registered at 北京市海淀区中关村大街1号",
    "registered_together": "5 firms at its address founded within 90 days of it, itself included",
    "same_rep_batch": "22 firms at its address founded within 90 days of it under a legal rep named 翁惠荣, "
                      "itself included",
    "rep_fronts_firms": "legal rep 王五 is legal rep of 2 firms",
    "officer_fronts_firms": "翹麗投資(股) holds posts in 3 firms",
    "shared_crew": "1 other firm share two or more of its people",  # the old singular, still read
    "short_life_ended": "founded 2020-01-20, deregistered 2021-01-01",
    "short_life_active": "founded 2020-01-20, active",
    "unpaid_capital": "paid in 0 of 500000 registered",
    "group_address": "35% of the firms at its address hold or are held by another firm outside a ring (a group's tree)",
    "group_subsidiary_yes": "held by a company it does not hold in turn",
    "group_subsidiary_no": "no company holds it outside a ring",
    "abnormal_listings": "1 abnormal-operation listing",
    "ownership_cycle_yes": "in a ring of cross-holdings",
    "ownership_cycle_no": "no ownership ring",
    "firms_on_phone": "30 firms give the same phone",
    "unavailable": "unavailable: no phone",
}


def test_every_template_has_a_stored_sentence_here():
    assert set(STORED) == set(TEMPLATES)


@pytest.mark.parametrize("template", sorted(STORED))
def test_a_stored_sentence_reads_back_and_renders_in_both_languages(template):
    fact = parse(STORED[template])
    assert fact and fact["template"] == template
    zh = render(STORED[template], "zh")
    assert zh != STORED[template] and not re.search(r"[A-Za-z]{2,}", zh)  # no English left in Chinese
    if template != "shared_crew":  # the old singular is written in good grammar now
        assert render(fact, "en") == STORED[template]


def test_parameters_keep_names_and_numbers():
    assert render(STORED["same_rep_batch"], "zh") == \
        "同一地址 90 天内以 翁惠荣 为法定代表人成立了 22 家企业（含本企业）"
    assert render(STORED["unpaid_capital"], "zh") == "注册资本 50 万元，实缴 0 万元"
    assert render(STORED["unavailable"], "zh") == "无法计算：无电话"
    assert render("something else entirely", "zh") == "something else entirely"  # unknown: as stored


def test_repeat_reasons_in_chinese():
    assert repeat_text("8 dishonest cases in 7 courts over 5 years") == "5 年内在 7 个法院共 8 起失信案件"
    assert repeat_text("1 dishonest case in 1 court in 1 year; legal rep of 3 firms that each became dishonest") == \
        "1 年内在 1 个法院共 1 起失信案件；担任法定代表人的 3 家企业均成为失信被执行人"
    assert repeat_text("1 dishonest case in 1 court in 1 year", "en") == "1 dishonest case in 1 court in 1 year"


def test_a_flag_without_own_cases_says_what_flagged_it():
    serial = {"repeat_cases": 0, "repeat_flag": True,
              "repeat_reason": "legal rep of 3 firms that each became dishonest"}
    assert repeat_summary(serial) == "所任法定代表人的 3 家企业失信"
    assert repeat_summary({"repeat_cases": 8}) == "8 起" and repeat_summary({"repeat_cases": 1}, "en") == "1 case"


def test_values_as_a_reader_reads_them():
    assert money(500000) == "50 万元" and money(1234567.0, "en") == "CNY 1,234,567"
    assert value_text("founded", "2012-06-02T00:00:00") == "2012-06-02"
    assert value_text("sources", ["gsxt", "zxgk"]) == "国家企业信用信息公示系统、中国执行信息公开网"
    assert value_text("sex", "M") == "男" and value_text("shell_flag", True) == "是"
    assert local_time("2026-12-06T05:00:00+00:00") == "2026-12-06 13:00"
    assert local_time("2026-12-06T05:00:00", "Europe/London") == "2026-12-06 05:00"
    assert region({"registration_authority": "福州市闽侯县市场监督管理局"}) == "福州市闽侯县"
    assert region({"city": "北京市", "district": "海淀区"}) == "北京市海淀区"
    assert role_text("respondent") == "被执行人/被申请人" and role_text("董事") == "董事"
    assert ties_text("associate, shared contact") == "关联人、共用电话或地址"
    assert cluster_text("cl-00005") == "关联群 5"


def test_one_date_per_record_for_page_csv_and_pdf():
    assert record_date({"published": "2022-12-30", "filed": "2022-09-25"}) == "2022-09-25"
    assert record_date({"published": "2022-12-30"}) == "2022-12-30"


def test_relations_name_the_roles():
    row = {"via": "张三", "relation": "张三 (LEGAL_REP_OF, OFFICER_OF:董事)"}
    assert relation_text(row) == "张三（法定代表人、任职：董事）"
    assert relation_text(row, "en") == "张三 (legal rep, officer (董事))"
    assert relation_text({"via": "self", "relation": "own record"}) == "本主体"
