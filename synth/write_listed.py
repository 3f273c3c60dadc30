"""Write the city in the ``cn_listed_company_graph`` layout (the ``listed`` profile).

Three tab-separated tables with exactly the real headers — ``company_basic_info.tsv`` (one
row per firm: stock code, name, founding date, registered capital in yuan, legal rep by
name, registered and office address, USCC), ``keydirector_info.tsv`` (one row per post,
officers by name only, role codes ``dsz``/``zjl``/…) and ``shareholder_info.tsv`` (top-10
holders, persons and companies by name, shares and percent) — plus the zxgk 失信 list as
:mod:`~creditgraph.synth.write` writes it. No IDs, no paid-in, no dissolution dates, no
phones and no abnormal list: the patterns show only through shared addresses, names,
founding dates and company-name holdings, as in the real extract.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Callable

from creditgraph.synth.profiles import PROFILES, Profile
from creditgraph.synth.world import World
from creditgraph.synth.write import ZXGK, _court_lists, _Table, _Truth, _write_truth

__all__ = ["write_listed_city", "LISTED_COLUMNS"]

BASIC = ["id", "gpdm", "gpjc", "gpywjc", "ssb", "cxzt", "gsmc", "gssx", "clrq", "zczb", "fddbr", "jyfw", "zycp",
         "sf", "cs", "zcdz", "bgdz", "xydm", "hymc", "hydm"]
DIRECTORS = ["id", "gpdm", "zwdm", "name"]
HOLDERS = ["id", "gpdm", "order", "name", "gdcg", "gdcgbl"]
LISTED_COLUMNS = {"company_basic_info.tsv": BASIC, "keydirector_info.tsv": DIRECTORS, "shareholder_info.tsv": HOLDERS}

# Deliberate corruption: a short row is what a TSV reader can tell for certain. Company rows
# are left whole: officers and holders find their firm through them, so one broken company
# row would take all its officer and holder rows into quarantine with it.
DIRTY_KINDS = {"keydirector_info.tsv": [("*", "short", "fields")], "shareholder_info.tsv": [("*", "short", "fields")],
               "dishonest_records_zxgk.csv": [("案号", "empty", "案号"), ("立案时间", "date", "立案时间")]}

# Stock-code ranges by board: (first code, one past the last, exchange, board, weight).
_BOARDS = [(600000, 606000, "SH", "主板", 30), (688000, 690000, "SH", "科创板", 4),
           (1, 2000, "SZ", "主板", 12), (2000, 5000, "SZ", "中小企业板", 25), (300000, 302000, "SZ", "创业板", 21),
           (830000, 840000, "BJ", "精选层", 4), (870000, 874000, "BJ", "精选层", 2),
           (400000, 500000, "BJ", "基础层", 1), (800000, 830000, "BJ", "基础层", 1)]

# Registry posts → the role codes of keydirector_info (执行董事 is dsz for the legal rep, else gsds).
_ROLES = {"董事长": ("dsz",), "执行董事兼总经理": ("dsz", "zjl"), "董事": ("gsds",), "总经理": ("zjl",),
          "经理": ("zjl",), "副总经理": ("gsgg",), "监事": ("gsjs",), "监事会主席": ("gsjs",),
          "财务负责人": ("gsgg",), "董事会秘书": ("dshms",), "独立董事": ("dldsxr",)}

# CSRC section letter and a division code for the industries the world draws.
_CSRC = {"批发和零售业": "F51", "科学研究和技术服务业": "M75", "信息传输、软件和信息技术服务业": "I65",
         "建筑业": "E48", "租赁和商务服务业": "L72", "交通运输、仓储和邮政业": "G58", "住宿和餐饮业": "H62",
         "文化、体育和娱乐业": "R86", "制造业": "C39", "房地产业": "K70", "居民服务、修理和其他服务业": "O80",
         "教育": "P83", "农、林、牧、渔业": "A04"}
_OWNERSHIP = [("民营企业", 70), ("地方国有企业", 15), ("中央国有企业", 7), ("公众企业", 5), ("外资企业", 3)]


def stock_codes(n: int, rng: random.Random) -> list[str]:
    """``n`` distinct codes like ``600123.SH``, boards drawn by weight; a full board passes its
    draws to the next one. O(n); at most 258,000 codes."""
    if n > sum(hi - lo for lo, hi, *_ in _BOARDS):
        raise ValueError(f"the listed layout has stock codes for at most 258,000 firms, not {n}")
    used = [0] * len(_BOARDS)
    weights = [b[4] for b in _BOARDS]
    out = []
    for _ in range(n):
        i = rng.choices(range(len(_BOARDS)), weights)[0]
        while used[i] >= _BOARDS[i][1] - _BOARDS[i][0]:
            i = (i + 1) % len(_BOARDS)
        lo, _, exchange, *_ = _BOARDS[i]
        out.append(f"{lo + used[i]:06d}.{exchange}")
        used[i] += 1
    return out


def _board(code: str) -> str:
    n = int(code[:6])
    return next(b for lo, hi, _, b, _ in _BOARDS if lo <= n < hi)


def _short_name(name: str, district: str) -> str:
    for prefix in (f"福州市{district}", "福州市", "福州", "福建"):
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    return name.removesuffix("有限公司")[:4]


def write_listed_city(w: World, out: Path, *, seed: int, dirty: float = 0.0, profile: Profile = PROFILES["listed"],
                      advance: Callable[[int], None] = lambda n: None) -> dict[str, int]:
    """Write ``data/`` (the listed tables and the zxgk list) and ``truth/`` under ``out``; rows per file.
    O(rows)."""
    data, truth_dir = out / "data", out / "truth"
    data.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    rng, mrng = random.Random(seed * 7919 + 1), random.Random(seed * 7919 + 2)
    truth = _Truth()
    columns = LISTED_COLUMNS | {"dishonest_records_zxgk.csv": ZXGK,
                                "dishonest_records_aggregator.csv": None, "consumption_restrictions.csv": None}
    tables = {name: _Table(data, name, cols, dirty if name in DIRTY_KINDS else 0.0, rng, truth,
                           written=name in profile.files, mrng=mrng,
                           missing=profile.missing.get(name, {}), dirty_kinds=DIRTY_KINDS,
                           delimiter="\t" if name.endswith(".tsv") else ",")
              for name, cols in columns.items()}
    codes = stock_codes(len(w.firms), random.Random(seed * 7919 + 3))
    try:
        _listed(w, tables, codes, rng, advance)
        _court_lists(w, tables, rng)
    finally:
        for t in tables.values():
            t.close()
    _write_truth(w, truth_dir, truth, stock_codes=codes)
    return {name: t.rows for name, t in tables.items() if t.written}


def _listed(w: World, t: dict[str, _Table], codes: list[str], rng: random.Random, advance) -> None:
    basic, directors, holders = t["company_basic_info.tsv"], t["keydirector_info.tsv"], t["shareholder_info.tsv"]
    ownership = [o for o, _ in _OWNERSHIP], [k for _, k in _OWNERSHIP]
    for f in w.firms:
        code, district = codes[f.fid], w.district_names[f.region]
        short = _short_name(f.name, district)
        csrc = _CSRC.get(f.industry, "L72")
        office = f.address if rng.random() < 0.7 else w.draw_address(district)
        basic.row({"id": "0", "gpdm": code, "gpjc": short, "gpywjc": f"FZ {code[:6]}", "ssb": _board(code),
                   "cxzt": "L", "gsmc": f.name, "gssx": rng.choices(*ownership)[0], "clrq": f.founded.isoformat(),
                   "zczb": f"{f.capital * 10000:.1f}", "fddbr": w.persons[f.legal_rep].name,
                   "jyfw": f"{f.industry}相关业务；{short}产品的研发、销售及技术服务。", "zycp": f"{short}产品",
                   "sf": "福建省", "cs": "福州市", "zcdz": f.address, "bgdz": office, "xydm": f.uscc,
                   "hymc": f"{f.industry}-{f.industry}", "hydm": f"{csrc[0]}-{csrc}--"},
                  [("fddbr", f.legal_rep)])
        for pid, role in f.posts:
            zw = _ROLES.get(role) or (("dsz",) if role == "执行董事" and pid == f.legal_rep else
                                      ("gsds",) if role == "执行董事" else ("gsgg",))
            for z in zw:
                directors.row({"id": "0", "gpdm": code, "zwdm": z, "name": w.persons[pid].name}, [("name", pid)])
        ranked = sorted(f.holders, key=lambda h: -h[2])[:10]
        for order, (kind, ref, ratio, _, _) in enumerate(ranked):
            name = w.persons[ref].name if kind == "P" else w.firms[ref].name
            holders.row({"id": "0", "gpdm": code, "order": str(order), "name": name,
                         "gdcg": f"{f.capital * 10000 * ratio:.1f}", "gdcgbl": f"{ratio * 100:.2f}"},
                        [("name", ref)] if kind == "P" else [])
        if f.fid % 1000 == 999:
            advance(1000)
