"""The one-page 信用报告 (credit report) PDF of an entity, and the CJK font it embeds.

Drawn with fpdf2 on one A4 page, single-line cells cut with … to fit, so the layout's height
is known before drawing and the listings table gets whatever room is left ("N more" after).
Text is drawn glyph by glyph in a subset of the font found by :func:`find_cjk_font`; nothing
in an entity string is parsed as markup. Public names are re-exported by ``app/export.py``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import math
import numbers
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Mapping, Sequence

from creditgraph.app.strings import indicator_name
from creditgraph.app.text import (cluster_text, date_text, enum_text, evidence_text, record_date, relation_text,
                                  repeat_text, role_text, ties_text)
from creditgraph.errors import ReportError
from creditgraph.graph.records import Entity, Subgraph

__all__ = ["entity_report_pdf", "find_cjk_font", "CJK_FONT_ENV"]

log = logging.getLogger(__name__)

CJK_FONT_ENV = "CREDITGRAPH_CJK_FONT"

# --------------------------------------------------------------------------------- CJK font

_CJK_PROBE = "信用报告失信"
_KNOWN_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",     # Debian/Ubuntu fonts-noto-cjk
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",          # Arch noto-fonts-cjk
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",   # Fedora
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",             # fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",               # fonts-wqy-zenhei
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # fonts-droid-fallback
    "/System/Library/Fonts/STHeiti Light.ttc",                    # macOS
    "C:/Windows/Fonts/msyh.ttc",                                  # Windows
)
_INSTALL_HINT = (f"install a CJK font (Debian/Ubuntu: apt-get install fonts-noto-cjk) "
                 f"or set {CJK_FONT_ENV} to a .ttf/.otf/.ttc file that has Chinese glyphs")


@functools.lru_cache(maxsize=16)
def _cjk_face(path: str) -> int | None:
    """Index of the face in ``path`` to use for Chinese (a Simplified one when the file is a
    collection), or None when no face has the glyphs or the file is not a font."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        if path.lower().endswith((".ttc", ".otc")):
            faces = list(TTCollection(path, lazy=True).fonts)
        else:
            faces = [TTFont(path, lazy=True)]
    except (OSError, TTLibError, AssertionError) as e:
        log.debug("not a usable font file %s: %s", path, e)
        return None
    def preference(i: int) -> tuple[bool, bool, int]:
        family = str(faces[i]["name"].getDebugName(1) or "")
        return not family.endswith(" SC"), "Mono" in family, i

    for i in sorted(range(len(faces)), key=preference):  # cmaps are slow to read: stop at the first fit
        cmap = faces[i].getBestCmap() or {}
        if all(ord(c) in cmap for c in _CJK_PROBE):
            return i
    return None


def _fc_match() -> str | None:
    exe = shutil.which("fc-match")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, "-f", "%{file}", "Noto Sans CJK SC:lang=zh-cn"],
                             capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        log.debug("fc-match failed: %s", e)
        return None
    return out.stdout.strip() or None


def find_cjk_font() -> tuple[Path, int]:
    """The font file (and face index within a collection) for Chinese text in reports.

    Looks at ``$CREDITGRAPH_CJK_FONT``, then the usual install paths, then asks fontconfig;
    a candidate counts only if it really has Chinese glyphs (fontconfig answers with *some*
    font even when no CJK font is installed). Raises :class:`ReportError` when none is found.
    """
    if env := os.environ.get(CJK_FONT_ENV):
        face = _cjk_face(env) if Path(env).is_file() else None
        if face is None:
            raise ReportError(f"{CJK_FONT_ENV}={env!r} is not a font file with Chinese glyphs; {_INSTALL_HINT}")
        return Path(env), face
    for candidate in (*_KNOWN_FONTS, _fc_match()):
        if candidate and Path(candidate).is_file() and (face := _cjk_face(candidate)) is not None:
            return Path(candidate), face
    raise ReportError(f"no font with Chinese glyphs found for the PDF report; {_INSTALL_HINT}")


# ------------------------------------------------------------------------------- PDF report

_TEXT = {
    "zh": {
        "title": {"Company": "企业信用报告", "Person": "个人信用报告"}, "title_other": "信用报告",
        "facts": "基本信息", "scores": "风险评分", "listings": "关联名单记录", "linked": "主要关联主体",
        "key": "主体标识", "uscc": "统一社会信用代码", "id_masked": "身份证号（脱敏）", "status": "登记状态",
        "org_type": "企业类型", "industry": "行业", "founded": "成立日期", "registered_capital": "注册资本（万元）",
        "region": "省市", "address": "注册地址", "district": "区县", "sex": "性别", "birth_year": "出生年份",
        "shell": "空壳公司风险", "repeat": "重复失信", "spread": "失信传导", "cluster": "关联企业簇",
        "hiding": "疑似承接转移资产", "moved": "判决后转移的资产", "flagged": "已标记", "not_flagged": "未标记",
        "cases": "起案件",
        "none": "无", "no_scores": "尚无评分（未运行评分或不适用）", "paren": "（{}）",
        "cols": ("类别", "案号/文号", "法院/机关", "日期", "关联途径", "置信度"),
        "self": "本主体", "more": "另有 {n} 条未列出", "more_linked": "另有 {n} 个关联主体未列出",
        "linked_cols": ("关系", "名称", "类型"),
        "by": "生成人：{by}    生成时间：{at}    creditgraph", "after": "判决后",
        # no spaces in the notice: Chinese lines break anywhere
        "notice": ("声明：本报告由creditgraph根据公开的工商登记、裁判文书、失信被执行人、限制高消费、"
                   "经营异常和行政处罚信息自动生成，仅供内部风险分析参考，不构成信用评级或法律意见。"
                   "跨来源的主体匹配含概率判断，置信度低于1的记录可能属于同名的其他主体，使用前请核实原始来源。"
                   "个人身份证号仅以脱敏形式显示。请依法使用并妥善保管本报告。"),
    },
    "en": {
        "title": {"Company": "Company credit report", "Person": "Personal credit report"},
        "title_other": "Credit report",
        "facts": "Facts", "scores": "Risk scores", "listings": "Related list entries", "linked": "Key linked entities",
        "key": "Key", "uscc": "USCC", "id_masked": "ID (masked)", "status": "Status", "org_type": "Type",
        "industry": "Industry", "founded": "Founded", "registered_capital": "Reg. capital (CNY)",
        "region": "Province/city", "address": "Address", "district": "District", "sex": "Sex",
        "birth_year": "Birth year", "shell": "Shell-company risk", "repeat": "Repeat dishonesty",
        "spread": "Dishonesty spread", "cluster": "Firm cluster", "hiding": "May hold moved assets",
        "moved": "Assets moved after its judgments",
        "flagged": "flagged", "not_flagged": "not flagged", "cases": "cases", "none": "none",
        "no_scores": "No scores (scoring not run or not applicable)", "paren": " ({})",
        "cols": ("Kind", "Case/decision no.", "Court/authority", "Date", "Reached via", "Conf."),
        "self": "own record", "more": "{n} more not shown", "more_linked": "{n} more linked entities not shown",
        "linked_cols": ("Relation", "Name", "Kind"),
        "by": "Generated by: {by}    at: {at}    creditgraph", "after": "after",
        "notice": ("Notice: generated automatically by creditgraph from public registry, court, dishonest-debtor, "
                   "consumption-restriction, abnormal-operation and penalty records, for internal risk analysis "
                   "only; it is not a credit rating or legal advice. Matching across sources is probabilistic: "
                   "records with confidence below 1 may concern another party of the same name; verify against the "
                   "original source before use. Personal ID numbers are shown masked only."),
    },
}
_LABELS = {
    "zh": {"Company": "企业", "Person": "个人", "Address": "地址", "Case": "案件", "DishonestRecord": "失信被执行人",
           "Restriction": "限制高消费", "AbnormalListing": "经营异常", "Penalty": "行政处罚", "Phone": "电话"},
    "en": {"DishonestRecord": "Dishonest", "AbnormalListing": "Abnormal"},
}
_RELATIONS = {
    "zh": {"LEGAL_REP_OF": "法定代表人", "OFFICER_OF": "任职", "SHAREHOLDER_OF": "股东", "PARTY_TO": "涉诉",
           "SAME_AS": "疑似同一主体", "JUDGED": "人工复核", "HAS_PHONE": "电话", "ARISES_FROM": "来源案件"},
    "en": {"LEGAL_REP_OF": "legal rep", "OFFICER_OF": "officer", "SHAREHOLDER_OF": "shareholder",
           "PARTY_TO": "party", "SAME_AS": "same as?", "JUDGED": "reviewed", "HAS_PHONE": "phone",
           "ARISES_FROM": "case"},
}
_RELATION_ORDER = ("LEGAL_REP_OF", "SHAREHOLDER_OF", "OFFICER_OF", "SAME_AS", "PARTY_TO", "HAS_PHONE")
_NOT_LINKED = {"LISTED_IN", "REGISTERED_AT"}  # shown as listings and address instead

_PAGE_W, _PAGE_H, _MARGIN = 210.0, 297.0, 14.0
_ROW = 5.0
SHOW_REASONS_FROM = 0.3  # as the entity page: an unflagged firm below it shows no reasons
_MAX_LINKED = 6
_MIN_LISTINGS = 4
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def _one_line(v: Any) -> str:
    """Any value as one line of literal text (newlines and control characters become spaces)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return _CONTROL.sub(" ", str(v)).strip()


def _masked_id(v: Any) -> str:
    """An ID number as shown: masked already by the loaders; masked here if one ever is not."""
    s = _one_line(v)
    return s if "*" in s or len(s) < 15 else s[:6] + "*" * (len(s) - 10) + s[-4:]


def _json_list(v: Any) -> list[dict[str, Any]]:
    if isinstance(v, str):
        try:
            v = json.loads(v)
        except ValueError:
            return []
    return [x for x in v if isinstance(x, Mapping)] if isinstance(v, Sequence) and not isinstance(v, str) else []


def _listing_cells(row: Mapping[str, Any], t: Mapping[str, Any], lang: str) -> tuple[str, ...]:
    p = row.get("props") or {}
    label = str(row.get("label") or "")
    date = record_date(p)  # the date the page and the CSV show
    via = t["self"] if row.get("via") == "self" else relation_text(row, lang)
    conf = row.get("confidence")
    return (_LABELS[lang].get(label, label),
            p.get("case_no") or p.get("decision_no") or p.get("name") or row.get("key"),
            p.get("court") or p.get("authority") or "", str(date)[:10], via,
            f"{conf:.2f}" if isinstance(conf, numbers.Real) else _one_line(conf))


def _linked(entity: Entity, sub: Subgraph, lang: str) -> list[tuple[str, str, str]]:
    """(relation, name, kind) of the entity's direct neighbours, most telling relations first."""
    nodes = {n.key: n for n in sub.nodes}
    found: dict[tuple[str, str], list[str]] = {}
    for e in sub.edges:
        if e.type in _NOT_LINKED or entity.key not in (e.start, e.end) or e.start == e.end:
            continue
        other = e.end if e.start == entity.key else e.start
        detail = role_text(e.props.get("role"), lang) or (f"{float(e.props['ratio']):.0%}"
                                                          if isinstance(e.props.get("ratio"), numbers.Real) else "")
        found.setdefault((e.type, other), [])
        if detail and str(detail) not in found[(e.type, other)]:
            found[(e.type, other)].append(str(detail))
    order = {t: i for i, t in enumerate(_RELATION_ORDER)}
    rows = []
    for (etype, other), details in sorted(found.items(), key=lambda kv: (order.get(kv[0][0], len(order)), kv[0])):
        n = nodes.get(other)
        rel = _RELATIONS[lang].get(etype, etype) + (_TEXT[lang]["paren"].format(", ".join(details)) if details else "")
        rows.append((rel, n.name if n else other, _LABELS[lang].get(n.label, n.label) if n else ""))
    return rows


def _address(entity: Entity, sub: Subgraph) -> Entity | None:
    nodes = {n.key: n for n in sub.nodes}
    for e in sub.edges:
        if e.type == "REGISTERED_AT" and e.start == entity.key and e.end in nodes:
            return nodes[e.end]
    return None


class _Page:
    """One A4 page drawn top-down with single-line cells, so its height is known in advance."""

    def __init__(self, font: tuple[Path, int]) -> None:
        from fpdf import FPDF

        self.pdf = FPDF(format="A4", unit="mm")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.pdf.add_font("cjk", fname=str(font[0]), collection_font_number=font[1])
        self.pdf.add_page()
        self.y = _MARGIN
        self.width = _PAGE_W - 2 * _MARGIN

    def fit(self, text: str, w: float) -> str:
        """``text`` cut with … to fit width ``w`` at the current font size."""
        if self.pdf.get_string_width(text) <= w - 1:
            return text
        lo, hi = 0, len(text)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.pdf.get_string_width(text[:mid] + "…") <= w - 1:
                lo = mid
            else:
                hi = mid - 1
        return text[:lo] + "…"

    def text(self, x: float, w: float, s: Any, *, size: float = 9, grey: bool = False, h: float = _ROW,
             fill: bool = False, align: str = "L") -> None:
        self.pdf.set_font("cjk", size=size)
        self.pdf.set_text_color(110 if grey else 20)
        self.pdf.set_xy(_MARGIN + x, self.y)
        self.pdf.cell(w, h, self.fit(_one_line(s), w), fill=fill, align=align)

    def row(self, cells: Sequence[Any], widths: Sequence[float], *, size: float = 8.5, fill: bool = False,
            grey: bool = False) -> None:
        x = 0.0
        for s, w in zip(cells, widths):
            self.text(x, w, s, size=size, fill=fill, grey=grey)
            x += w
        self.y += _ROW

    def heading(self, s: str) -> None:
        self.y += 2
        self.text(0, self.width, s, size=11, h=6)
        self.y += 6.5
        self.pdf.set_draw_color(170)
        self.pdf.line(_MARGIN, self.y - 0.5, _MARGIN + self.width, self.y - 0.5)
        self.y += 0.8


def _facts(entity: Entity, sub: Subgraph, t: Mapping[str, Any]) -> list[tuple[str, str]]:
    p = entity.props
    addr = _address(entity, sub)
    region = " ".join(dict.fromkeys(_one_line(p.get(k)) for k in ("province", "city") if p.get(k)))  # 北京市 once
    facts = [(t["key"], entity.key)]
    if entity.label == "Person":
        facts += [(t["id_masked"], _masked_id(p.get("id_masked"))), (t["sex"], p.get("sex")),
                  (t["birth_year"], p.get("birth_year"))]
    else:
        facts += [(t["uscc"], p.get("uscc") or p.get("uscc_masked")), (t["status"], p.get("status")),
                  (t["org_type"], p.get("org_type")), (t["industry"], p.get("industry")),
                  (t["founded"], p.get("founded")),
                  (t["registered_capital"], _capital(p.get("registered_capital"), t))]
    facts += [(t["region"], region), (t["district"], addr.props.get("district") if addr else None)]
    out = [(k, _one_line(v)) for k, v in facts if _one_line(v)]
    address = _one_line(addr.props.get("text") if addr else p.get("address"))
    if address:  # on a full-width row of its own: addresses are long
        out += [("", "")] * (len(out) % 2) + [(t["address"], address)]
    return out


def _capital(v: Any, t: Mapping[str, Any]) -> str:
    """Registered capital in the unit its label names: 万元 in Chinese, CNY in English."""
    if not isinstance(v, numbers.Real):
        return _one_line(v)
    if "万元" in t["registered_capital"]:
        return f"{float(v) / 10_000:,.2f}".rstrip("0").rstrip(".")
    return f"{v:,.0f}"


def _score_lines(scores: Mapping[str, Any], t: Mapping[str, Any], lang: str, *,
                 moved: Sequence[Mapping[str, Any]] = (), names: Mapping[str, str] | None = None
                 ) -> list[tuple[str, str, bool]]:
    """(label, text, is_detail) lines of the score section; details are indented and grey. The
    scores and reasons are the ones the entity page shows (two decimals; reasons that raised
    the score, shown once the score is worth explaining), in ``lang``; ``moved``: the debtor
    side of asset-moving leads, named through ``names``."""
    names = names or {}
    flag = lambda f: t["paren"].format(t["flagged"] if f else t["not_flagged"])
    lines: list[tuple[str, str, bool]] = []
    if isinstance(scores.get("shell_score"), numbers.Real):
        score = float(scores["shell_score"])
        lines.append((t["shell"], f"{score:.2f}{flag(scores.get('shell_flag'))}", False))
        if scores.get("shell_flag") or score >= SHOW_REASONS_FROM:
            for r in [r for r in _json_list(scores.get("shell_reasons")) if (r.get("contribution") or 0) > 0][:3]:
                c = r.get("contribution")
                lines.append((f"+{c:.2f}" if isinstance(c, numbers.Real) else "",
                               f"{indicator_name(_one_line(r.get('indicator')), lang)}："
                               f"{_one_line(evidence_text(r.get('evidence'), lang))}", True))
    if scores.get("repeat_cases") is not None or scores.get("repeat_flag") is not None:
        lines.append((t["repeat"], f"{_one_line(scores.get('repeat_cases') or 0)} {t['cases']}"
                                   f"{flag(scores.get('repeat_flag'))}", False))
        if scores.get("repeat_reason"):
            lines.append(("", _one_line(repeat_text(scores["repeat_reason"], lang)), True))
    if isinstance(scores.get("spread"), numbers.Real):
        lines.append((t["spread"], f"{scores['spread']:.3f}", False))
    if scores.get("cluster"):
        lines.append((t["cluster"], _one_line(cluster_text(scores["cluster"], lang)), False))

    def lead(h: Mapping[str, Any], *, other: str) -> str:
        parts = [names.get(str(h.get(other)), "") , _one_line(h.get("case_no")),
                 f"{date_text(h.get('judged'))} → {date_text(h.get('moved_on'))}" if h.get("judged") else "",
                 enum_text("mode", h.get("mode"), lang), names.get(str(h.get("via")), ""),
                 ties_text(h.get("ties") or h.get("tie"), lang)]
        return " · ".join(_one_line(x) for x in parts if _one_line(x))

    if moved:
        lines.append((t["moved"], str(len(moved)), False))
        for h in list(moved)[:3]:
            lines.append(("", lead(h, other="firm"), True))
    hiding = _json_list(scores.get("asset_hiding"))
    if hiding:
        lines.append((t["hiding"], str(len(hiding)), False))
        for h in hiding[:2]:
            lines.append(("", lead(h, other="debtor"), True))
    return lines


def entity_report_pdf(entity: Entity, *, scores: Mapping[str, Any], listings: Sequence[Mapping[str, Any]],
                      neighbours: Subgraph, generated_by: str, generated_at: dt.datetime,
                      lang: str = "zh", moved: Sequence[Mapping[str, Any]] = (),
                      names: Mapping[str, str] | None = None) -> bytes:
    """A one-page A4 信用报告 of ``entity`` as PDF bytes, with a subset CJK font embedded.

    ``scores``: the score props (``shell_score``, ``shell_reasons`` as JSON text or list, ``repeat_*``,
    ``spread``, ``cluster``, ``asset_hiding``); pass ``entity.props`` when they live there.
    ``listings``: rows of ``GraphStore.related_listings``; as many as fit are shown, then "N more".
    ``neighbours``: ``GraphStore.neighbourhood(entity.key)``; gives the registered address and the
    key linked entities. ``moved``: asset-moving leads whose debtor is ``entity`` (the page's
    "assets moved after its judgments"), and ``names`` the names of the keys in them and in
    ``asset_hiding``. Every value is drawn as literal text, one line per cell, cut with … to fit.
    Raises :class:`ReportError` without a CJK font (see :func:`find_cjk_font`).
    """
    if lang not in _TEXT:
        raise ValueError(f"lang must be one of {sorted(_TEXT)}, not {lang!r}")
    t = _TEXT[lang]
    page = _Page(find_cjk_font())
    pdf, W = page.pdf, page.width
    title = t["title"].get(entity.label, t["title_other"])
    pdf.set_title(f"{title} - {_one_line(entity.name)}")
    pdf.set_author(_one_line(generated_by))
    pdf.set_creator("creditgraph")
    if isinstance(generated_at, dt.datetime):
        pdf.set_creation_date(generated_at)
    at = generated_at.strftime("%Y-%m-%d %H:%M %Z").strip() if isinstance(generated_at, dt.datetime) else generated_at

    page.text(0, W, title, size=18, h=9)
    page.y += 10
    page.text(0, W, entity.name, size=14, h=7)
    page.y += 8

    page.heading(t["facts"])
    facts = _facts(entity, neighbours, t)
    pairs = [facts[i:i + 2] for i in range(0, len(facts) - 1, 2)] + [[facts[-1]]] * (len(facts) % 2)
    for pair in pairs:  # two facts a row; the address (last) gets a row of its own when it is alone
        for j, (k, v) in enumerate(pair):
            page.text(j * W / 2, 30, k, size=8.5, grey=True)
            page.text(j * W / 2 + 30, (W if len(pair) == 1 else W / 2) - 30, v, size=8.5)
        page.y += _ROW

    page.heading(t["scores"])
    lines = _score_lines(scores, t, lang, moved=moved, names=names) or [("", t["no_scores"], True)]
    for label, text, detail in lines:
        page.text(6 if detail else 0, 24 if detail else 30, label, size=8 if detail else 8.5, grey=True)
        page.text(30, W - 30, text, size=8 if detail else 8.5, grey=detail)
        page.y += _ROW

    # room left: footer fixed at the bottom, linked entities below the listings
    pdf.set_font("cjk", size=7)
    notice_h = len(pdf.multi_cell(W, 3.6, t["notice"], align="L", dry_run=True, output="LINES")) * 3.6
    footer_top = _PAGE_H - _MARGIN - notice_h - _ROW - 2
    linked = _linked(entity, neighbours, lang)
    more_linked = len(linked) - _MAX_LINKED + sum(int(v) for v in neighbours.more.values())
    linked_h = 9.3 + _ROW * (min(len(linked), _MAX_LINKED) + 1 + (more_linked > 0)) if linked else 0
    rows_fit = int((footer_top - page.y - 9.3 - _ROW - linked_h) // _ROW)  # heading, table header
    rows_fit = max(rows_fit, _MIN_LISTINGS)

    page.heading(t["listings"])
    widths = (20, 40, 38, 18, 50, 16)
    if listings:
        ordered = sorted(listings, key=lambda r: r.get("via") != "self")
        shown = ordered if len(ordered) <= rows_fit else ordered[:rows_fit - 1]
        pdf.set_fill_color(235)
        page.row(t["cols"], widths, fill=True)
        for r in shown:
            page.row(_listing_cells(r, t, lang), widths)
        if len(shown) < len(ordered):
            page.row([t["more"].format(n=len(ordered) - len(shown))], [W], grey=True)
    else:
        page.row([t["none"]], [W], grey=True)

    if linked:
        page.heading(t["linked"])
        lw = (60, 90, 30)
        page.row(t["linked_cols"], lw, fill=True)
        for cells in linked[:_MAX_LINKED]:
            page.row(cells, lw)
        if more_linked > 0:
            page.row([t["more_linked"].format(n=more_linked)], [W], grey=True)

    page.y = max(page.y + 2, footer_top)
    pdf.set_draw_color(170)
    pdf.line(_MARGIN, page.y, _MARGIN + W, page.y)
    page.y += 1
    page.text(0, W, t["by"].format(by=_one_line(generated_by), at=_one_line(at)), size=7.5, grey=True)
    page.y += _ROW
    pdf.set_font("cjk", size=7)
    pdf.set_text_color(110)
    pdf.set_xy(_MARGIN, page.y)
    pdf.multi_cell(W, 3.6, t["notice"], align="L")
    if pdf.pages_count != 1 or pdf.get_y() > _PAGE_H - _MARGIN / 2:
        raise ReportError(f"the report of {entity.key} did not fit on one page; this is a layout bug")
    return bytes(pdf.output())
