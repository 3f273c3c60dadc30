"""A tiny invented sample in the listed-company (Wind) and zxgk layouts, for loader tests.

Everything here is made up (no real firm or person); IDs and USCCs carry valid check
characters so the real normalisers accept them. The synthetic city (``synth/``) covers
the registry, court-list and penalty layouts; this covers the listed-company ones
without needing ``../shared``.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

from creditgraph.normalize import id_check_digit, mask_id, uscc_check_char

__all__ = ["write_sample", "SAMPLE_GROUP"]

SAMPLE_GROUP = "闽信"
_DISTRICTS = [("350102", "鼓楼区"), ("350103", "台江区"), ("350104", "仓山区"), ("350105", "马尾区"),
              ("350111", "晋安区")]
_SURNAMES = "林陈黄张吴王李刘郑"
_GIVEN = ["建国", "海燕", "志强", "丽华", "文斌", "秀英", "国平", "晓东"]
_TRADES = ["科技", "贸易", "建材", "电子", "物流", "投资"]


def _uscc(rng: random.Random, region: str) -> str:
    org = "".join(rng.choice("0123456789") for _ in range(8))
    org += str(rng.randrange(10))
    first17 = "91" + region + org  # 9 (工商) 1 (企业) + region + 9-character org code
    return first17 + uscc_check_char(first17)


def _id(rng: random.Random, region: str) -> str:
    first17 = (f"{region}19{rng.randrange(55, 95)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
               f"{rng.randrange(100, 999)}")
    return first17 + id_check_digit(first17)


def write_sample(folder: Path, *, seed: int = 7) -> Path:
    """Write the sample files into ``folder`` (created) and return it."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    people = [f"{rng.choice(_SURNAMES)}{g}" for g in _GIVEN]
    firms = []
    for i, trade in enumerate(_TRADES):
        region, district = _DISTRICTS[i % len(_DISTRICTS)]
        firms.append({
            "gpdm": f"{900001 + i}.FZ", "gsmc": f"福州{SAMPLE_GROUP}{trade}有限公司",
            "fddbr": people[0] if i < 4 else people[i], "xydm": _uscc(rng, region),
            "zcdz": f"福州市{district}五四路{rng.randrange(1, 200)}号" if i % 3 else "福州市鼓楼区五四路88号",
            "clrq": f"201{i}-0{i + 1}-15", "zczb": str(1_000_000 * (i + 1)), "cs": "福州市", "sf": "福建",
        })
    # the layout's full header: a column the mapping names must be in the file (empty cells are fine)
    cols = ["gpdm", "gpjc", "gpywjc", "cxzt", "gsmc", "gssx", "clrq", "zczb", "fddbr", "jyfw", "sf", "cs",
            "zcdz", "bgdz", "xydm", "hymc"]
    _write(folder / "company_basic_info.tsv", cols, firms, "\t")
    directors = [{"gpdm": f["gpdm"], "zwdm": role, "name": people[(j + k) % len(people)]}
                 for j, f in enumerate(firms) for k, role in enumerate(["dsz", "zjl", "gsjs"])]
    _write(folder / "keydirector_info.tsv", ["gpdm", "zwdm", "name"], directors, "\t")
    holders = []
    for j, f in enumerate(firms[1:], start=1):
        holders.append({"gpdm": f["gpdm"], "order": "0", "name": firms[0]["gsmc"], "gdcg": "600000", "gdcgbl": "60.00"})
        holders.append({"gpdm": f["gpdm"], "order": "1", "name": people[j], "gdcg": "400000", "gdcgbl": "40.00"})
    _write(folder / "shareholder_info.tsv", ["gpdm", "order", "name", "gdcg", "gdcgbl"], holders, "\t")
    boss_id = _id(rng, "350102")
    dishonest = [
        {"被执行人姓名/名称": firms[0]["gsmc"],
         "身份证号码/组织机构代码": firms[0]["xydm"][:11] + "****" + firms[0]["xydm"][-3:],
         "法定代表人或负责人姓名": people[0], "执行法院": "福州市鼓楼区人民法院", "省份": "福建",
         "执行依据文号": f"（2019）闽0102民初{100 + n}号", "立案时间": "20190610",
         "案号": f"（2019）闽0102执{500 + n}号",
         "做出执行依据单位": "福州市鼓楼区人民法院", "生效法律文书确定的义务": "偿还借款",
         "被执行人的履行情况": "全部未履行",
         "失信被执行人行为具体情形": "有履行能力而拒不履行生效法律文书确定义务", "发布时间": "20191101"}
        for n in range(3)
    ]
    dishonest.append({**dishonest[0], "被执行人姓名/名称": people[0], "身份证号码/组织机构代码": mask_id(boss_id),
                      "法定代表人或负责人姓名": "", "案号": "（2020）闽0102执88号"})
    _write(folder / "dishonest_records_zxgk.csv", list(dishonest[0]), dishonest, ",")
    doc = {"doc_id": "sample-0001", "title": f"{firms[0]['gsmc']}、{people[0]}借款合同纠纷执行裁定书",
           "judgment_date": "2019-09-01", "court": "福州市鼓楼区人民法院", "doc_type": "执行裁定书",
           "case_number": "（2019）闽0102执500号",
           "text": f"福州市鼓楼区人民法院\n执行裁定书\n（2019）闽0102执500号\n申请执行人：福州银泰小额贷款有限公司。\n"
                   f"被执行人：{firms[0]['gsmc']}，住所地福州市鼓楼区五四路88号。\n法定代表人：{people[0]}，该公司执行董事。\n"
                   f"被执行人：{people[0]}，男，汉族，住福州市鼓楼区。\n本院在执行申请执行人与被执行人借款合同纠纷一案中……"}
    (folder / "judgments.jsonl").write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    return folder


def _write(path: Path, cols: list[str], rows: list[dict], delimiter: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, cols, delimiter=delimiter, lineterminator="\n", restval="")
        w.writeheader()
        w.writerows(rows)
