"""Write the city in the layouts real sources publish, plus the truth files beside them.

``data/`` holds what a platform would collect: the registry (国家企业信用信息公示系统
export: enterprises, key personnel, shareholders, abnormal-operation list), the court
lists (zxgk 失信被执行人 and 限制消费, an aggregator's republication of the 失信 list),
裁判文书 as JSON lines, and administrative penalties (信用中国 双公示). The 失信, aggregator,
judgment and enterprise files use exactly the columns of the real files in
``cn_dishonest_debtor_case_taifu``. ``truth/`` says who every person mention really is
and which rows were corrupted on purpose.

ID numbers appear as registries show them: full for some rows, masked or missing for
others, so entity resolution has real work to do. A :class:`~creditgraph.synth.profiles.Profile`
says which files are written, which columns are left blank how often (a firm whose USCC
is blank has it blank in every file) and how often IDs are shown.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path
from typing import Callable

from creditgraph.synth.ids import corrupt_check, mask_person_id, mask_uscc
from creditgraph.synth.profiles import PROFILES, Profile
from creditgraph.synth.records import AS_OF
from creditgraph.synth.world import World

__all__ = ["write_city", "DATA_FILES"]

ENTERPRISES = ["公司名", "统一社会信用代码", "地址", "工商注册号", "法人信息", "成立日期", "企业类型", "登记机关",
               "法定代表人证件号码", "注册资本", "实缴资本", "经营状态", "注销日期", "所属行业", "联系电话", "更新日期"]
PERSONNEL = ["统一社会信用代码", "公司名", "序号", "姓名", "职务", "证件号码", "更新日期"]
SHAREHOLDERS = ["统一社会信用代码", "公司名", "股东名称", "股东类型", "证照号码", "认缴出资额", "实缴出资额",
                "认缴出资日期", "持股比例", "更新日期"]
ZXGK = ["被执行人姓名/名称", "身份证号码/组织机构代码", "法定代表人或负责人姓名", "执行法院", "省份", "执行依据文号",
        "立案时间", "案号", "做出执行依据单位", "生效法律文书确定的义务", "被执行人的履行情况",
        "失信被执行人行为具体情形", "发布时间"]
AGGREGATOR = ["数据来源", "案号", "失信被执行人名称", "企业法人姓名", "执行法院", "地域名称", "执行依据文号",
              "作出执行依据单位", "法律生效文书确定的义务", "被执行人的履行情况", "失信被执行人具体情形", "发布时间",
              "立案时间", "已履行部分", "未履行部分", "最新更新日期"]
RESTRICTIONS = ["案号", "被执行人姓名/名称", "身份证号码/组织机构代码", "限制消费人员姓名", "执行法院", "省份",
                "立案时间", "限制消费令日期", "发布时间"]
ABNORMAL = ["统一社会信用代码", "企业名称", "列入经营异常名录原因", "列入日期", "列入作出决定机关",
            "移出经营异常名录原因", "移出日期", "移出作出决定机关"]
PENALTIES = ["行政处罚决定书文号", "处罚类别", "违法行为类型", "处罚内容", "罚款金额(万元)", "处罚决定日期", "处罚机关",
             "行政相对人名称", "统一社会信用代码", "法定代表人", "公示日期"]

DATA_FILES = {
    "enterprise_registration.csv": ENTERPRISES, "key_personnel.csv": PERSONNEL, "shareholders.csv": SHAREHOLDERS,
    "dishonest_records_zxgk.csv": ZXGK, "dishonest_records_aggregator.csv": AGGREGATOR,
    "consumption_restrictions.csv": RESTRICTIONS, "abnormal_operations.csv": ABNORMAL,
    "administrative_penalties.csv": PENALTIES, "judgments.jsonl": None,
}

# How often each kind of row shows a person's ID in full / masked (the rest: no ID at all).
ID_SHOWN = {"legal_rep": (0.60, 0.25), "officer": (0.30, 0.0), "holder": (0.50, 0.30)}

# Deliberate corruption per file: (column to break, how, the words the quarantine reason must contain).
_BAD_DATE = "2019-13-45"
DIRTY_KINDS: dict[str, list[tuple[str, str, str]]] = {
    "enterprise_registration.csv": [("统一社会信用代码", "check", "统一社会信用代码"), ("成立日期", "date", "成立日期"),
                                    ("公司名", "empty", "公司名"), ("*", "short", "fields")],
    "key_personnel.csv": [("证件号码", "check", "证件号码"), ("姓名", "empty", "姓名"), ("*", "short", "fields")],
    "shareholders.csv": [("持股比例", "ratio", "持股比例"), ("统一社会信用代码", "check", "统一社会信用代码")],
    "dishonest_records_zxgk.csv": [("案号", "empty", "案号"), ("立案时间", "date", "立案时间")],
    "dishonest_records_aggregator.csv": [("发布时间", "date", "发布时间"), ("*", "short", "fields")],
    "consumption_restrictions.csv": [("案号", "empty", "案号"), ("*", "short", "fields")],
    "abnormal_operations.csv": [("列入日期", "date", "列入日期"), ("统一社会信用代码", "check", "统一社会信用代码")],
    "administrative_penalties.csv": [("处罚决定日期", "date", "处罚决定日期"), ("*", "short", "fields")],
    "judgments.jsonl": [("*", "json", "not valid JSON")],
}


def _ymd(d: dt.date | None, fmt: str = "%Y-%m-%d") -> str:
    return d.strftime(fmt) if d else ""


def _wan(x: float) -> str:
    return f"{x:g}万元人民币"


class _Table:
    """One output file: rows get line numbers; a share of them is corrupted when asked; columns
    in ``missing`` are left blank at their rates (drawn from ``mrng``, so a profile with no
    blanks draws nothing). A table that is not ``written`` takes rows and drops them."""

    def __init__(self, folder: Path, name: str, columns: list[str] | None, dirty: float,
                 rng: random.Random, truth: "_Truth", *, written: bool = True,
                 missing: dict[str, float] | None = None, mrng: random.Random | None = None,
                 dirty_kinds: dict | None = None, delimiter: str = ","):
        self.name, self.columns, self.dirty, self.rng, self.truth = name, columns, dirty, rng, truth
        self.written, self.missing, self.mrng = written, missing or {}, mrng
        self.dirty_kinds = dirty_kinds if dirty_kinds is not None else DIRTY_KINDS
        self.rows = 0
        if not written:
            return
        self.fh = (folder / name).open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.fh, lineterminator="\n", delimiter=delimiter) if columns else None
        if self.writer:
            self.writer.writerow(columns)
        self.line = 1 if columns else 0

    def row(self, values: dict, mentions: list[tuple[str, int]] = ()) -> None:
        if not self.written:
            return
        for column, rate in self.missing.items():
            if values.get(column) and (rate >= 1 or self.mrng.random() < rate):
                values[column] = ""
        self.line += 1
        self.rows += 1
        corrupted = self.dirty and self.rng.random() < self.dirty
        if self.columns is None:
            text = json.dumps(values, ensure_ascii=False)
            if corrupted:
                text = text[: len(text) // 2]
                self.truth.dirty.append((self.name, self.line, "json", "not valid JSON"))
            self.fh.write(text + "\n")
        else:
            cells = [values.get(c, "") for c in self.columns]
            if corrupted:
                cells = self._corrupt(cells)
            self.writer.writerow(cells)
        for column, pid in mentions:
            self.truth.mentions.append((self.name, self.line, column, pid))

    def _corrupt(self, cells: list[str]) -> list[str]:
        column, how, expect = self.rng.choice(self.dirty_kinds[self.name])
        if how == "short":
            cells = cells[:-1]
        else:
            i = self.columns.index(column)
            if how == "check":
                # a masked ID has no check character to break: write a full code that fails instead
                cells[i] = corrupt_check(cells[i]) if len(cells[i]) == 18 and "*" not in cells[i] \
                    else "91350102MA2Y0000X0"
            elif how == "date":
                cells[i] = _BAD_DATE
            elif how == "empty":
                cells[i] = ""
            elif how == "ratio":
                cells[i] = "120.00%"
        self.truth.dirty.append((self.name, self.line, how, expect))
        return cells

    def close(self) -> None:
        if self.written:
            self.fh.close()


class _Truth:
    def __init__(self):
        self.mentions: list[tuple[str, int, str, int]] = []
        self.dirty: list[tuple[str, int, str, str]] = []


def write_city(w: World, out: Path, *, seed: int, dirty: float = 0.0, profile: Profile = PROFILES["full"],
               advance: Callable[[int], None] = lambda n: None) -> dict[str, int]:
    """Write ``data/`` and ``truth/`` (persons, mentions, dirty rows) under ``out`` in the registry
    layout; rows per file written. O(rows)."""
    data, truth_dir = out / "data", out / "truth"
    data.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed * 7919 + 1)
    mrng = random.Random(seed * 7919 + 2)
    truth = _Truth()
    uscc_rate = profile.rate("enterprise_registration.csv", "统一社会信用代码")
    codes = [f.uscc if not uscc_rate or mrng.random() >= uscc_rate else "" for f in w.firms]
    tables = {name: _Table(data, name, cols, dirty, rng, truth, written=name in profile.files, mrng=mrng,
                           missing={c: r for c, r in profile.missing.get(name, {}).items() if c != "统一社会信用代码"})
              for name, cols in DATA_FILES.items()}
    try:
        _registry(w, tables, rng, advance, codes, profile.id_shown)
        _court_lists(w, tables, rng)
        _judgments(w, tables["judgments.jsonl"], rng)
        _abnormal_and_penalties(w, tables, codes)
    finally:
        for t in tables.values():
            t.close()
    _write_truth(w, truth_dir, truth)
    return {name: t.rows for name, t in tables.items() if t.written}


def _shown_id(rng: random.Random, idn: str, kind: str, shown: dict = ID_SHOWN) -> str:
    full, masked = shown[kind]
    r = rng.random()
    if r < full:
        return idn
    if r < full + masked:
        return idn[:6] + "********" + idn[14:]
    return ""


def _registry(w: World, t: dict[str, _Table], rng: random.Random, advance, codes: list[str],
              shown: dict = ID_SHOWN) -> None:
    ent, per, sh = t["enterprise_registration.csv"], t["key_personnel.csv"], t["shareholders.csv"]
    asof = _ymd(AS_OF)
    for f in w.firms:
        rep = w.persons[f.legal_rep]
        authority = f"福州市{w.district_names[f.region]}市场监督管理局"
        ent.row({"公司名": f.name, "统一社会信用代码": codes[f.fid], "地址": f.address,
                 "工商注册号": f"{f.region}{100000000 + f.fid:09d}" if f.founded.year < 2015 else "",
                 "法人信息": rep.name, "成立日期": _ymd(f.founded), "企业类型": f.org_type, "登记机关": authority,
                 "法定代表人证件号码": _shown_id(rng, rep.idn, "legal_rep", shown), "注册资本": _wan(f.capital),
                 "实缴资本": _wan(f.paid_in), "经营状态": f.status, "注销日期": _ymd(f.dissolved),
                 "所属行业": f.industry, "联系电话": f.phone, "更新日期": asof},
                [("法人信息", f.legal_rep)])
        for n, (pid, role) in enumerate(f.posts, start=1):
            p = w.persons[pid]
            per.row({"统一社会信用代码": codes[f.fid], "公司名": f.name, "序号": str(n), "姓名": p.name, "职务": role,
                     "证件号码": _shown_id(rng, p.idn, "officer", shown), "更新日期": asof}, [("姓名", pid)])
        for kind, ref, ratio, amount, since in f.holders:
            row = {"统一社会信用代码": codes[f.fid], "公司名": f.name, "认缴出资额": _wan(amount),
                   "实缴出资额": _wan(amount if f.paid_in else 0), "认缴出资日期": _ymd(since),
                   "持股比例": f"{ratio * 100:.2f}%", "更新日期": asof}
            if kind == "P":
                p = w.persons[ref]
                row |= {"股东名称": p.name, "股东类型": "自然人股东",
                        "证照号码": _shown_id(rng, p.idn, "holder", shown)}
                sh.row(row, [("股东名称", ref)])
            else:
                parent = w.firms[ref]
                sh.row(row | {"股东名称": parent.name, "股东类型": "企业法人", "证照号码": codes[ref]})
        if f.fid % 1000 == 999:
            advance(1000)


def _subject(w: World, subject: tuple[str, int]) -> tuple[str, str, str, int | None]:
    """(name, ID as the 失信 list shows it, legal rep name, person mentioned)."""
    kind, ref = subject
    if kind == "P":
        p = w.persons[ref]
        return p.name, mask_person_id(p.idn), "", ref
    f = w.firms[ref]
    return f.name, mask_uscc(f.uscc), w.persons[f.legal_rep].name, f.legal_rep


def _province(court: str) -> str:
    return {"深圳": "广东", "上海": "上海", "杭州": "浙江"}.get(court[:2], "福建")


def _court_lists(w: World, t: dict[str, _Table], rng: random.Random) -> None:
    zx, agg = t["dishonest_records_zxgk.csv"], t["dishonest_records_aggregator.csv"]
    rs = t["consumption_restrictions.csv"]
    for d in w.dishonest:
        c = w.cases[d.case]
        name, shown, rep, pid = _subject(w, d.subject)
        obligation = f"偿还{c.creditor}借款本金{c.amount:.0f}元及利息"
        rep_col = "法定代表人或负责人姓名" if d.subject[0] == "C" else "被执行人姓名/名称"
        zx.row({"被执行人姓名/名称": name, "身份证号码/组织机构代码": shown, "法定代表人或负责人姓名": rep,
                "执行法院": c.court, "省份": _province(c.court), "执行依据文号": c.basis_no,
                "立案时间": _ymd(c.filed, "%Y%m%d"), "案号": c.case_no, "做出执行依据单位": c.court,
                "生效法律文书确定的义务": obligation, "被执行人的履行情况": d.performance,
                "失信被执行人行为具体情形": d.behaviour, "发布时间": _ymd(d.published, "%Y%m%d")},
               [(rep_col, pid)])
        if rng.random() < 0.6:  # an aggregator republishes most of the list, in its own format
            agg.row({"数据来源": "最高法", "案号": c.case_no.replace("（", "(").replace("）", ")"),
                     "失信被执行人名称": name, "企业法人姓名": rep, "执行法院": c.court, "地域名称": _province(c.court),
                     "执行依据文号": c.basis_no, "作出执行依据单位": c.court, "法律生效文书确定的义务": obligation,
                     "被执行人的履行情况": d.performance, "失信被执行人具体情形": d.behaviour,
                     "发布时间": _ymd(d.published, "%Y/%m/%d"), "立案时间": _ymd(c.filed, "%Y/%m/%d"),
                     "已履行部分": f"{d.performed:.0f}", "未履行部分": f"{c.amount - d.performed:.0f}",
                     "最新更新日期": _ymd(AS_OF, "%Y/%m/%d")},
                    [("企业法人姓名" if d.subject[0] == "C" else "失信被执行人名称", pid)])
    for r in w.restrictions:
        c = w.cases[r.case]
        name, shown, _, _ = _subject(w, r.subject)
        rs.row({"案号": c.case_no, "被执行人姓名/名称": name, "身份证号码/组织机构代码": shown,
                "限制消费人员姓名": w.persons[r.person].name, "执行法院": c.court, "省份": _province(c.court),
                "立案时间": _ymd(c.filed, "%Y%m%d"), "限制消费令日期": _ymd(r.issued, "%Y%m%d"),
                "发布时间": _ymd(r.published, "%Y%m%d")}, [("限制消费人员姓名", r.person)])


def _party_lines(w: World, role: str, debtor: tuple[str, int]) -> list[str]:
    kind, ref = debtor
    if kind == "C":
        f = w.firms[ref]
        rep = w.persons[f.legal_rep]
        return [f"{role}：{f.name}，住所地{f.address}。", f"法定代表人：{rep.name}，该公司执行董事。"]
    p = w.persons[ref]
    sex = "男" if p.sex == "M" else "女"
    return [f"{role}：{p.name}，{sex}，{p.birth.year}年{p.birth.month}月{p.birth.day}日出生，汉族，住福建省福州市。"]


def _judgments(w: World, table: _Table, rng: random.Random) -> None:
    """The civil judgment behind most enforcement cases (not every judgment is published)."""
    for i, c in enumerate(w.cases):
        if rng.random() >= 0.7:
            continue
        names = "、".join(w.firms[r].name if k == "C" else w.persons[r].name for k, r in c.debtors)
        lines = [c.court, "民事判决书", c.basis_no, f"原告：{c.creditor}。"]
        for debtor in c.debtors:
            lines += _party_lines(w, "被告", debtor)
        lines.append(f"原告{c.creditor}与被告{names}{c.cause}一案，本院立案后，依法适用简易程序公开开庭进行了审理。")
        lines.append(f"判决如下：被告{names}于本判决生效之日起十日内偿还原告款项{c.amount:.0f}元。")
        mentions = [("text", r) for k, r in c.debtors if k == "P"] + \
                   [("text", w.firms[r].legal_rep) for k, r in c.debtors if k == "C"]
        table.row({"doc_id": f"synth-{i:08d}", "title": f"{c.creditor}与{names}{c.cause}一审民事判决书",
                   "judgment_date": _ymd(c.judged), "court": c.court, "doc_type": "民事判决书",
                   "case_number": c.basis_no, "text": "\n".join(lines)}, mentions)


def _abnormal_and_penalties(w: World, t: dict[str, _Table], codes: list[str]) -> None:
    ab, pn = t["abnormal_operations.csv"], t["administrative_penalties.csv"]
    for a in w.abnormal:
        f = w.firms[a.fid]
        authority = f"福州市{w.district_names[f.region]}市场监督管理局"
        ab.row({"统一社会信用代码": codes[f.fid], "企业名称": f.name, "列入经营异常名录原因": a.reason,
                "列入日期": _ymd(a.listed), "列入作出决定机关": authority,
                "移出经营异常名录原因": ("列入经营异常名录3年内且依照《经营异常名录管理办法》第六条规定"
                                         "被列入经营异常名录的企业，可以在补报未报年份的年度报告并公示后，申请移出"
                                         if a.removed else ""),
                "移出日期": _ymd(a.removed), "移出作出决定机关": authority if a.removed else ""})
    for p in w.penalties:
        f = w.firms[p.fid]
        pn.row({"行政处罚决定书文号": p.decision_no, "处罚类别": p.content, "违法行为类型": p.violation,
                "处罚内容": f"{p.content}{p.fine:g}万元", "罚款金额(万元)": f"{p.fine:g}",
                "处罚决定日期": _ymd(p.decided),
                "处罚机关": p.authority, "行政相对人名称": f.name, "统一社会信用代码": codes[f.fid],
                "法定代表人": w.persons[f.legal_rep].name, "公示日期": _ymd(p.decided + dt.timedelta(days=7))},
               [("法定代表人", f.legal_rep)])


def _write_truth(w: World, folder: Path, truth: _Truth, stock_codes: list[str] | None = None) -> None:
    """persons.csv, person_mentions.csv, dirty_rows.csv and companies.csv (each firm's true
    USCC and name, and stock code in the listed layout: how a firm without a published USCC
    is found in the graph)."""
    with (folder / "companies.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["uscc", "name", "stock_code"])
        out.writerows((f.uscc, f.name, stock_codes[f.fid] if stock_codes else "") for f in w.firms)
    with (folder / "persons.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["pid", "name", "id_number", "sex", "birth_date"])
        out.writerows((p.pid, p.name, p.idn, p.sex, p.birth.isoformat()) for p in w.persons)
    with (folder / "person_mentions.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["file", "line", "column", "pid"])
        out.writerows(truth.mentions)
    with (folder / "dirty_rows.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["file", "line", "corruption", "reason_contains"])
        out.writerows(truth.dirty)
