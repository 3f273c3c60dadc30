"""creditgraph.normalize: text cleaning, simplified script, half-width, and company/person names."""


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creditgraph.normalize import (
    clean_text,
    company_match_key,
    halfwidth,
    is_organisation_name,
    is_person_name,
    normalize_company_name,
    normalize_person_name,
    to_simplified,
)


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
