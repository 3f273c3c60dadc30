"""Parties of Chinese court documents (裁判文书), read from their header and title.

A judgment opens with a header: one line per party, each starting with its role
(``原告：``, ``被执行人``, ``上诉人（原审被告）：`` …), an organisation's
法定代表人/负责人 on the next line, then agents (委托诉讼代理人, lawyers), which
are not parties. The narrative ("原告…诉被告…纠纷一案") ends the header.
:func:`parse_parties` reads that header and falls back to the title when the
header names nobody. Everything here is a pure function of strings; parsing a
document is linear in its header length.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from creditgraph.normalize import is_organisation_name

__all__ = ["Party", "parse_parties", "doc_parties_summary", "case_kind", "ROLES"]

log = logging.getLogger(__name__)

ROLES = ("plaintiff", "defendant", "third_party", "applicant", "respondent", "appellant", "appellee", "party")

# Role words as they open a header line; longer words first so that 被申请人 wins over 申请人.
_ROLE_WORDS: dict[str, str] = {
    "被上诉人": "appellee", "上诉人": "appellant",
    "再审申请人": "applicant", "申请再审人": "applicant", "被申请执行人": "respondent",
    "申请执行人": "applicant", "被执行人": "respondent", "被申请人": "respondent",
    "申请复议人": "party", "复议申请人": "party", "申请人": "applicant",
    "原审原告": "plaintiff", "原审被告": "defendant", "原审第三人": "third_party",
    "第三人": "third_party", "原告": "plaintiff", "被告人": "defendant", "被告": "defendant",
    "起诉人": "plaintiff", "利害关系人": "third_party", "案外人": "third_party", "异议人": "party",
}
_ROLE_ALT = "|".join(sorted(_ROLE_WORDS, key=len, reverse=True))
_PARTY_LINE = re.compile(rf"^(?P<role>{_ROLE_ALT})(?:[（(](?P<sub>[^）)]{{1,12}})[）)])?[:：]?\s*(?P<rest>.*)$")
_REP_LINE = re.compile(r"^(?:法定代表人|法人代表|主要负责人|负责人|代表人|执行事务合伙人)[:：]?\s*(?P<rest>.*)$")
_REP_INLINE = re.compile(r"(?:法定代表人|主要负责人|负责人)[:：]?\s*(?P<rest>[^。]*)")
# Agents, defenders and guardians: "委托诉讼代理人…", "以上七被告共同的委托代理人…".
_AGENT_LINE = re.compile(r"^.{0,15}?(?:代理|辩护人)")
# The header starts within the first lines (after title, date, court, doc type, case number).
_HEADER_START_MAX = 15
# Words that mark the narrative after the header ("…纠纷一案，本院受理后…").
_NARRATIVE = re.compile(r"一案|纠纷|本院|诉称|辩称|不服|一审|二审")

_ID_FRAGMENT = re.compile(r"\d{6,}|\d{4,}\*+|[（(〔]\d{4}")
_CUT_TAIL = re.compile(
    r"(?:[（(](?:以下简称|下称|简称)|住所地|住址|公民身份|身份证|身份号码|组织机构代码|统一社会信用代码|社会信用代码"
    r"|[男女]\s*\d{4}年|系[^，,。]*(?:员工|职员|法定代表人|董事长)|\d{6,}).*$"
)
_PERSON_RESIDENCE = re.compile(r"^([\u4e00-\u9fff·]{2,5}?)住")
_MASKED = re.compile(r"^[XxＸｘ×*＊]+$")

# A title name with an organisation keyword must also end like one (rejects run-together titles).
_ORG_END = re.compile(r"(?:公司|分行|支行|中心|集团|合作社|[厂店局部站社处所行馆会院])[)）]?$")

_CASE_NO_CODE = re.compile(r"[（(〔\[]\s*\d{4}\s*[）)〕\]]\s*(?P<code>[^第号\d]*(?:\d+[^第号\d]+)?)")
_CASE_KINDS = (
    ("执恢", "执行恢复"), ("执异", "执行异议"), ("执复", "执行复议"), ("执监", "执行监督"), ("执保", "执行保全"),
    ("执", "执行"), ("督", "督促"), ("刑", "刑事"), ("民终", "民事二审"), ("商终", "民事二审"),
    ("民再", "民事再审"), ("民申", "民事申请再审"), ("行终", "行政二审"), ("行初", "行政一审"),
    ("初", "民事一审"), ("民", "民事"), ("商", "民事"), ("行", "行政"),
)

# Title fallback: the cause (案由) and document type that follow the party names.
_TITLE_CASE_NO = re.compile(r"[（(〔]\s*\d{4}\s*[）)〕][^号]*号(?:之[一二三四五六七八九十]+)?")
_TITLE_END = re.compile(r"纠纷|一案|申请支付令|支付令|判决书|裁定书|调解书|决定书|通知书|民事|刑事|行政|执行")
_TITLE_CAUSE = re.compile(
    r"民间借贷|金融借款合同|借款合同|买卖合同|融资租赁合同|租赁合同|担保合同|保证合同|承揽合同|建设工程|"
    r"股权转让|债权转让|追偿权|不当得利|无因管理|劳动争议|离婚|侵权|合同"
)
_TITLE_SEP = re.compile(r"与|诉|、|,|，|及|申请执行|申请|(?<=公司|分行|支行)和")
_TITLE_ROLE_PREFIX = re.compile(rf"^(?:{_ROLE_ALT})")


@dataclass(frozen=True)
class Party:
    """One party of a court document.

    ``role`` is one of :data:`ROLES`; ``kind`` is ``"person"`` or ``"organisation"``;
    ``legal_rep`` is the 法定代表人/负责人 named for an organisation, else ``None``.
    """

    name: str
    role: str
    kind: str
    legal_rep: str | None = None


def _kind(name: str) -> str:
    return "organisation" if is_organisation_name(name) else "person"


def _clean_name(raw: str) -> str | None:
    """The bare name at the start of ``raw`` (a header line after its role word).

    Cuts at the first separator and drops descriptions (address, birth date, ID
    fragments, "以下简称"); returns ``None`` when nothing name-like is left.
    """
    s = re.sub(r"\s+", "", raw)
    s = re.split(r"[，,。；;、：:]", s, maxsplit=1)[0]
    s = _CUT_TAIL.sub("", s)
    if s and not is_organisation_name(s):
        m = _PERSON_RESIDENCE.match(s)
        if m:
            s = m.group(1)
    s = s.strip("\"'“”‘’")
    if not s or _MASKED.match(s) or _ID_FRAGMENT.search(s) or len(s) > 40:
        return None
    return s


def _role_of(word: str, sub: str | None) -> str:
    role = _ROLE_WORDS[word]
    if role == "party" and sub:  # 异议人（申请执行人）: the bracket carries the known role
        inner = _PARTY_LINE.match(sub)
        if inner:
            role = _ROLE_WORDS[inner.group("role")]
    return role


def _header_parties(text: str) -> list[Party]:
    parties: list[Party] = []
    in_header = False
    for lineno, line in enumerate(text.splitlines()):
        line = line.strip().replace("\u3000", "")
        if not line:
            continue
        m = _PARTY_LINE.match(line)
        if m and not _NARRATIVE.search(m.group("rest")) and (in_header or lineno < _HEADER_START_MAX):
            name = _clean_name(m.group("rest"))
            if name is None:  # the line itself is not logged: it may hold an ID number
                log.debug("no party name in %s line %d", m.group("role"), lineno)
                in_header = True
                continue
            kind = _kind(name)
            rep = None
            if kind == "organisation":
                inline = _REP_INLINE.search(m.group("rest"))
                rep = _clean_name(inline.group("rest")) if inline else None
            parties.append(Party(name, _role_of(m.group("role"), m.group("sub")), kind, rep))
            in_header = True
            continue
        if not in_header:
            if lineno >= _HEADER_START_MAX:
                break  # no header near the top: leave the body alone
            continue  # title, date, court, doc type, case number
        rm = _REP_LINE.match(line)
        if rm:
            rep = _clean_name(rm.group("rest"))
            last = parties[-1] if parties else None
            if rep and last and last.kind == "organisation" and last.legal_rep is None:
                parties[-1] = replace(last, legal_rep=rep)
            continue
        if _AGENT_LINE.match(line) or (len(line) < 30 and not _NARRATIVE.search(line)):
            continue  # agents are not parties; short odd lines ("未到庭") are noise
        break  # the narrative begins
    return parties


def _title_parties(title: str) -> list[Party]:
    s = _TITLE_CASE_NO.sub("", re.sub(r"\s+", "", title))
    s = re.sub(r"被执行人|被申请人", "", s)
    cause = _TITLE_CAUSE.search(s)
    end = _TITLE_END.search(s.replace("申请执行", "与与与与"))  # keep 申请执行 as a separator
    cut = min(x.start() for x in (cause, end) if x) if (cause or end) else len(s)
    segments = []
    for seg in _TITLE_SEP.split(s[:cut]):
        seg = _TITLE_ROLE_PREFIX.sub("", seg).removesuffix("等")
        # 张三和李四: split persons on 和, but not names such as 王和平 or 天和公司.
        segments.extend(seg.split("和") if len(seg) > 4 and not is_organisation_name(seg) else [seg])
    parties = []
    for seg in segments:
        name = _clean_name(seg)
        if not name or len(name) < 2 or re.search(r"[\d号]", name):
            continue
        kind = _kind(name)
        if kind == "organisation" and not _ORG_END.search(name):
            log.debug("title segment %r is not one name", name)
            continue
        parties.append(Party(name, "party", kind))
    return parties


def parse_parties(title: str, text: str) -> list[Party]:
    """Parties named by a court document, header first, title as fallback.

    Header lines give roles and legal representatives; agents and lawyers are
    skipped. When the header names nobody, the title's names are returned with
    role ``"party"``. The result keeps header order, deduplicated by (name, role).
    """
    if not isinstance(title, str) or not isinstance(text, str):
        raise TypeError(f"parse_parties needs two strings, got {type(title).__name__} and {type(text).__name__}")
    parties = _header_parties(text) or _title_parties(title)
    if not parties:
        log.info("no parties found in %r", title[:60])
    seen: dict[tuple[str, str], int] = {}
    out: list[Party] = []
    for p in parties:
        key = (p.name, p.role)
        if key in seen:  # keep the first entry, but fill a legal rep seen later
            i = seen[key]
            if out[i].legal_rep is None and p.legal_rep:
                out[i] = replace(out[i], legal_rep=p.legal_rep)
            continue
        seen[key] = len(out)
        out.append(p)
    return out


def doc_parties_summary(records: Iterable[dict]) -> Counter:
    """Number of documents naming each party (a name counts once per document)."""
    counts: Counter = Counter()
    for rec in records:
        counts.update({p.name for p in parse_parties(rec.get("title", ""), rec.get("text", ""))})
    return counts


def case_kind(case_no: str) -> str | None:
    """Kind of case from the type code of a case number, e.g. ``(2017)黑01执750号`` → ``"执行"``.

    Returns ``None`` when the number has no year bracket or no known type code.
    """
    m = _CASE_NO_CODE.search(case_no or "")
    if not m:
        return None
    code = re.sub(r"[\d字]", "", m.group("code"))
    for token, kind in _CASE_KINDS:
        if token in code:
            return kind
    return None
