"""Values as a reader sees them, in Chinese or English: field names, enum values, dates, money
in 万元, times in the deployment's zone, and the sentences scoring stored (evidence, repeat
reasons, the roles a record reaches an entity through) rebuilt from their parameters.

Pure functions (no Streamlit), so pages, CSVs and the PDF report show the same text, and tests
can read it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import numbers
import re
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["FIELDS", "field_name", "value_text", "money", "date_text", "local_time", "record_date", "region",
           "evidence_text", "repeat_text", "relation_text", "enum_text", "ties_text", "json_list", "score_text",
           "yes_no", "sex_text", "zone", "role_text", "cluster_text",
           "repeat_summary"]

#: Property → (Chinese, English) name, for every property a profile shows; a property not
#: here is not shown (it is an internal one: match keys, hashes, score bookkeeping).
FIELDS: dict[str, tuple[str, str]] = {
    "name": ("名称", "Name"), "short_name": ("简称", "Short name"), "name_en": ("英文名称", "English name"),
    "uscc": ("统一社会信用代码", "USCC"), "uscc_masked": ("统一社会信用代码（脱敏）", "USCC (masked)"),
    "org_code": ("组织机构代码", "Organisation code"), "reg_no": ("注册号", "Registration no."),
    "org_type": ("企业类型", "Type"), "status": ("登记状态", "Status"), "industry": ("行业", "Industry"),
    "province": ("省份", "Province"), "city": ("城市", "City"), "district": ("区县", "District"),
    "region_code": ("行政区划代码", "Region code"), "founded": ("成立日期", "Founded"),
    "dissolved": ("注销日期", "Deregistered"), "registered_capital": ("注册资本", "Registered capital"),
    "paid_in_capital": ("实缴资本", "Paid-in capital"),
    "registration_authority": ("登记机关", "Registration authority"),
    "stock_code": ("股票代码", "Stock code"), "scope": ("经营范围", "Business scope"),
    "country": ("国家/地区", "Country"),
    "vat_id": ("税号", "VAT ID"), "phone": ("电话", "Phone"), "id_masked": ("身份证号（脱敏）", "ID number (masked)"),
    "sex": ("性别", "Sex"), "birth_year": ("出生年份", "Birth year"), "age": ("年龄", "Age"),
    "age_as_of": ("年龄截至", "Age as of"), "nationality": ("国籍", "Nationality"), "text": ("地址", "Address"),
    "postcode": ("邮编", "Postcode"), "case_no": ("案号", "Case no."), "court": ("法院", "Court"),
    "case_type": ("案件类型", "Case type"), "cause": ("案由", "Cause"), "filed": ("立案日期", "Filed"),
    "judgment_date": ("判决日期", "Judged"), "doc_type": ("文书类型", "Document type"), "title": ("标题", "Title"),
    "subject_name": ("被执行人", "Subject"), "basis_doc_no": ("执行依据文号", "Basis document"),
    "basis_issuer": ("做出执行依据单位", "Basis issued by"), "obligation": ("生效法律文书确定的义务", "Obligation"),
    "performance": ("履行情况", "Performance"), "behaviour": ("失信行为情形", "Behaviour"),
    "published": ("发布日期", "Published"), "performed_amount": ("已履行金额", "Performed"),
    "unperformed_amount": ("未履行金额", "Unperformed"), "legal_rep_name": ("法定代表人", "Legal rep"),
    "subject_id_masked": ("证件号码（脱敏）", "Subject ID (masked)"), "issued": ("发布日期", "Issued"),
    "list_type": ("名录类型", "List"), "reason": ("列入原因", "Reason"), "listed": ("列入日期", "Listed"),
    "authority": ("作出决定机关", "Authority"), "removed": ("移出日期", "Removed"),
    "removal_reason": ("移出原因", "Removal reason"), "decision_no": ("决定书文号", "Decision no."),
    "decided": ("决定日期", "Decided"), "amount": ("金额", "Amount"), "fine": ("罚款金额", "Fine"),
    "sources": ("数据来源", "Sources"), "source_ids": ("来源记录", "Source records"),
    "first_seen": ("首次出现", "First seen"), "last_seen": ("最近出现", "Last seen"),
}
_MONEY = {"registered_capital", "paid_in_capital", "performed_amount", "unperformed_amount", "amount", "fine"}
_DATES = {"founded", "dissolved", "filed", "judgment_date", "published", "issued", "listed", "removed", "decided",
          "first_seen", "last_seen", "age_as_of", "since", "moved_on", "judged"}
_SOURCES = {"gsxt": ("国家企业信用信息公示系统", "national enterprise credit registry"),
            "zxgk": ("中国执行信息公开网", "court enforcement disclosure"),
            "dishonest_aggregator": ("失信信息汇总", "dishonesty aggregator"),
            "wenshu": ("中国裁判文书网", "court judgments"), "abnormal": ("经营异常名录", "abnormal-operation list"),
            "penalty": ("行政处罚公示", "administrative penalties"),
            "listed": ("上市公司公告", "listed-company filings")}
_ENUMS: dict[str, dict[str, tuple[str, str]]] = {
    "mode": {"new_firm": ("判决后新设企业", "new firm after the judgment"),
             "equity_transfer": ("判决后股权转入", "stake taken after the judgment")},
    "tie": {"associate": ("关联人", "associate"), "family-like": ("疑似亲属", "likely kin"),
            "shared contact": ("共用电话或地址", "shared phone or address"),
            "namesake": ("同名同姓者", "namesake")},
    "list_type": {"abnormal": ("经营异常名录", "abnormal-operation list"),
                  "serious_violation": ("严重违法失信名单", "serious-violation list")},
    "sex": {"M": ("男", "male"), "F": ("女", "female"), "男": ("男", "male"), "女": ("女", "female")},
    "via": {"self": ("本主体", "itself")},
    # PARTY_TO roles, as loaders/judgments.py names them
    "role": {"plaintiff": ("原告", "plaintiff"), "defendant": ("被告", "defendant"),
             "third_party": ("第三人", "third party"),
             "applicant": ("申请人", "applicant"), "respondent": ("被执行人/被申请人", "respondent"),
             "appellant": ("上诉人", "appellant"), "appellee": ("被上诉人", "appellee"), "party": ("当事人", "party")},
}
_REL = {"LEGAL_REP_OF": ("法定代表人", "legal rep"), "OFFICER_OF": ("任职", "officer"),
        "SHAREHOLDER_OF": ("股东", "shareholder"), "REPRESENTS": ("委派代表", "represents")}


def _zh(lang: str) -> bool:
    return lang != "en"


def field_name(field: str, lang: str = "zh") -> str | None:
    """The reader's name of a property, or None for an internal property (not shown)."""
    names = FIELDS.get(field)
    return None if names is None else names[0 if _zh(lang) else 1]


def _missing(v: Any) -> bool:
    return v is None or v == "" or (isinstance(v, float) and math.isnan(v))


def money(v: Any, lang: str = "zh") -> str:
    """An amount in CNY as 万元 (Chinese) or CNY 10k (English): 500000 → "50 万元"."""
    if _missing(v):
        return ""
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    wan = f"{x / 10_000:,.2f}".rstrip("0").rstrip(".")
    return f"{wan} 万元" if _zh(lang) else f"CNY {x:,.0f}"


def date_text(v: Any) -> str:
    """A date as YYYY-MM-DD (a datetime or an ISO timestamp loses its time)."""
    if _missing(v):
        return ""
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()[:10]
    s = str(v)
    return s[:10] if re.match(r"^\d{4}-\d{2}-\d{2}", s) else s


def local_time(v: Any, tz: str = "Asia/Shanghai") -> str:
    """An ISO timestamp (UTC when it names no zone) as "YYYY-MM-DD HH:MM" in ``tz``."""
    if _missing(v):
        return ""
    try:
        t = v if isinstance(v, dt.datetime) else dt.datetime.fromisoformat(str(v).replace("Z", "+00:00"))
    except ValueError:
        return str(v)
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    return t.astimezone(zone(tz)).strftime("%Y-%m-%d %H:%M")


def zone(tz: str) -> dt.tzinfo:
    """The time zone named ``tz`` (IANA), Asia/Shanghai when the name is unknown."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Asia/Shanghai")


def yes_no(v: Any, lang: str = "zh") -> str:
    return ("是" if v else "否") if _zh(lang) else ("yes" if v else "no")


def sex_text(v: Any, lang: str = "zh") -> str:
    return enum_text("sex", v, lang)


def value_text(field: str, v: Any, lang: str = "zh") -> str:
    """A property value as a reader sees it: dates as dates, money in 万元, lists joined,
    sources named, booleans as 是/否."""
    if _missing(v):
        return ""
    if field == "sources":
        items = v if isinstance(v, (list, tuple)) else [v]
        return "、".join(_SOURCES.get(str(s), (str(s), str(s)))[0 if _zh(lang) else 1] for s in items)
    if isinstance(v, (list, tuple)):
        return "、".join(value_text(field, x, lang) for x in v)
    if isinstance(v, bool):
        return yes_no(v, lang)
    if field in _MONEY:
        return money(v, lang)
    if field in _DATES:
        return date_text(v)
    if field in ("sex", "list_type"):
        return enum_text(field, v, lang)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def record_date(props: Mapping[str, Any]) -> str:
    """The one date a record is shown with, on the page, in the CSV and in the PDF: when it was
    filed (立案), else issued, listed, decided, and only then published."""
    for k in ("filed", "issued", "listed", "decided", "judgment_date", "published"):
        if not _missing(props.get(k)):
            return date_text(props[k])
    return ""


_AUTHORITY = re.compile(r"(市场监督管理局|工商行政管理局|行政审批局|市场监管局).*$")


def region(props: Mapping[str, Any]) -> str:
    """Where an entity is: city / province as published, else the district its registry
    authority serves (福州市闽侯县市场监督管理局 → 福州市闽侯县), else a court's place."""
    for k in ("city", "province"):
        if not _missing(props.get(k)):
            district = props.get("district")
            within = not _missing(district) and district not in str(props[k])
            return f"{props[k]}{district}" if within else str(props[k])
    auth = props.get("registration_authority")
    if not _missing(auth):
        place = _AUTHORITY.sub("", str(auth))
        if place:
            return place
    court = props.get("court")
    if not _missing(court):
        return re.sub(r"(中级|高级)?人民法院$", "", str(court))
    return ""


def evidence_text(fact: Any, lang: str = "zh") -> str:
    """One piece of shell evidence (template + parameters, or a stored English sentence) in ``lang``."""
    from creditgraph.analytics.evidence import render  # pandas and the scoring's frames: not for a first page

    return render(fact, "zh" if _zh(lang) else "en")


_CASES = re.compile(r"(\d+) dishonest cases? in (\d+) courts? (?:over (\d+) years?|in (1) year)")
_SERIAL = re.compile(r"legal rep of (\d+) firms? that each became dishonest")


def repeat_text(reason: Any, lang: str = "zh", *, cases: Any = None) -> str:
    """Why an entity is on the repeat list, in ``lang`` (the stored English reason read back):
    "3 dishonest cases in 2 courts over 2 years" → "2 年内在 2 个法院共 3 起失信案件"."""
    if _missing(reason):
        return ""
    text = str(reason)
    parts = []
    m = _CASES.search(text)
    if m:
        n, courts, years = int(m[1]), int(m[2]), int(m[3] or m[4])
        parts.append(f"{years} 年内在 {courts} 个法院共 {n} 起失信案件" if _zh(lang) else
                     f"{n} dishonest case{'s' * (n != 1)} in {courts} court{'s' * (courts != 1)} "
                     + (f"over {years} years" if years != 1 else "in 1 year"))
    s = _SERIAL.search(text)
    if s:
        k = int(s[1])
        parts.append(f"担任法定代表人的 {k} 家企业均成为失信被执行人" if _zh(lang) else
                     f"legal rep of {k} firm{'s' * (k != 1)} that each became dishonest")
    if not parts:
        return text
    return ("；" if _zh(lang) else "; ").join(parts)


def repeat_summary(props: Mapping[str, Any], lang: str = "zh") -> str:
    """The repeat-offender count a reader can square with the flag: its own 失信 cases, or —
    flagged with none of its own — the firms it was legal rep of that each became dishonest."""
    cases = int(props.get("repeat_cases") or 0)
    serial = _SERIAL.search(str(props.get("repeat_reason") or ""))
    if cases == 0 and serial:
        k = int(serial[1])
        return f"所任法定代表人的 {k} 家企业失信" if _zh(lang) else f"legal rep of {k} dishonest firm{'s' * (k != 1)}"
    return f"{cases} 起" if _zh(lang) else f"{cases} case{'s' * (cases != 1)}"


def relation_text(row: Mapping[str, Any], lang: str = "zh") -> str:
    """How a record reaches an entity (a row of ``related_listings``): 本主体, or the person or
    firm it reaches through with their roles — 张三（法定代表人、任职:董事）."""
    if row.get("via") == "self":
        return enum_text("via", "self", lang)
    name = str(row.get("via") or "")
    rel = str(row.get("relation") or "")
    roles = rel[len(name) + 2:-1] if rel.startswith(name + " (") and rel.endswith(")") else ""
    shown = []
    for r in filter(None, (x.strip() for x in roles.split(","))):
        typ, _, post = r.partition(":")
        base = _REL.get(typ, (typ, typ))[0 if _zh(lang) else 1]
        shown.append(f"{base}：{post}" if post and _zh(lang) else f"{base} ({post})" if post else base)
    if not shown:
        return name
    return f"{name}（{'、'.join(shown)}）" if _zh(lang) else f"{name} ({', '.join(shown)})"


def enum_text(kind: str, value: Any, lang: str = "zh") -> str:
    """An enum value (``mode``, ``tie``, ``list_type``, ``sex``) in ``lang``; unknown values as they are."""
    if _missing(value):
        return ""
    names = _ENUMS.get(kind, {}).get(str(value))
    return str(value) if names is None else names[0 if _zh(lang) else 1]


def role_text(role: Any, lang: str = "zh") -> str:
    """A role on an edge: a party's role in a case named in ``lang``; a post (董事) as published."""
    return enum_text("role", role, lang)


def ties_text(ties: Any, lang: str = "zh") -> str:
    """Every kind of tie of a lead ("associate, shared contact") in ``lang``."""
    if _missing(ties):
        return ""
    items = [enum_text("tie", t.strip(), lang) for t in str(ties).split(",") if t.strip()]
    return ("、" if _zh(lang) else ", ").join(items)


def cluster_text(cid: Any, lang: str = "zh") -> str:
    """A cluster id (cl-00004) as a reader names it: 关联群 4 / cluster 4."""
    if _missing(cid):
        return ""
    tail = str(cid).rsplit("-", 1)[-1].lstrip("0") or "0"
    return f"关联群 {tail}" if _zh(lang) else f"cluster {tail}"


def json_list(v: Any) -> list[dict[str, Any]]:
    """A stored JSON list of dicts (reasons, leads) as a list; [] for anything else."""
    if isinstance(v, str):
        try:
            v = json.loads(v)
        except ValueError:
            return []
    if isinstance(v, (list, tuple)):
        return [x for x in v if isinstance(x, Mapping)]
    return []


def score_text(v: Any, digits: int = 2) -> str:
    """A score as a number, or an empty cell (never "None") where there is none."""
    if _missing(v) or not isinstance(v, numbers.Real):
        return ""
    return f"{float(v):.{digits}f}"
