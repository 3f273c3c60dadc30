"""Fixtures for the robustness suite (issue 7): seed rows of every built-in layout and a
small dirty city. Helpers the tests import live in ``robust_support``.

Seed rows are known-good rows of each layout; the fuzz tests mutate them. The synthetic
city and ``loaders.sample`` cover most layouts; the six they do not (A-share executives and
industries, the Austrian sham-firm list, the P2P sample and the bare registration layout)
get a few invented rows here, shaped like the shared datasets.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from creditgraph.loaders.mapping import SourceMapping, builtin_mappings
from creditgraph.loaders.pipeline import detect
from creditgraph.loaders.sample import write_sample
from robust_support import Layout


# Invented rows in the layouts that neither the city nor the sample writes.
_HANDWRITTEN = {
    "executive_prep.csv": (
        "name,gender,age,code,jobs\n"
        "林志远,男,58,600001,董事长/董事\n"
        "陈海燕,女,45,600001,董事会秘书\n"
        "黄文斌,男,-1,600002,独立董事\n"
    ),
    "stock_industry_prep.csv": (
        "code,name,c_name\n"
        "600001,闽信科技,综合行业\n"
        "600002,闽信贸易,商业百货\n"
    ),
    "scheinfirmen.csv": (
        "Name,Anschrift,Veröffentlichung,Rechtskräftig,Seit,Geburts-Datum,Firmenbuch-Nr,UID-Nr.,Kennziffer des UR\n"
        'Alpha Bau und Handels GmbH,"1100 Wien, Quellenstraße 1",2023-12-14,2023-12-12,,,597001z,ATU00000001,\n'
        'Beta Teambau GmbH,"1020 Wien, Praterstraße 2",2025-01-21,2025-01-11,2024-06-06,,575002h,ATU00000002,R1\n'
        'Max Mustermann,"1210 Wien, Brünner Straße 3",2019-03-01,2019-02-20,,1980-05-17,,,\n'
    ),
    "nodes.csv": (
        "node_id,name,kind\n"
        "c1,福州闽信投资管理有限公司,company\n"
        "p1,林建国,person\n"
        "c2,福州闽信科技有限公司,company\n"
    ),
    "edges.csv": (
        "source_id,source_name,target_id,target_name,edge_type,label\n"
        "c1,福州闽信投资管理有限公司,c2,福州闽信科技有限公司,invests_in,15.00%\n"
        "p1,林建国,c2,福州闽信科技有限公司,invests_in,投资\n"
        "p1,林建国,c2,福州闽信科技有限公司,works_in,董事长\n"
    ),
    "enterprise_registration.csv": (
        "公司名,统一社会信用代码,地址,工商注册号,法人信息,成立日期,企业类型,登记机关\n"
        "哈尔滨甲电气有限公司,91230199744190927K,哈尔滨开发区哈平路9号,230199400002017,杨甲,"
        "2003/04/1000:00:00.000,有限责任公司(中外合资),黑龙江省哈尔滨市市场监督管理局\n"
        "哈尔滨乙小额贷款有限公司,,哈尔滨市南岗区长江路1号,230100100000001,揣乙,2010-05-20,有限责任公司,哈尔滨市市场监督管理局\n"
    ),
}


def _read_layout(path: Path, mapping: SourceMapping, beside: dict[str, str], n: int) -> Layout:
    text = path.read_text(encoding="utf-8-sig")
    if mapping.format == "jsonl":
        rows = [json.loads(l) for l in text.splitlines() if l.strip()][:n]
        header = list(rows[0])
    else:
        delim = mapping.delimiter or ("\t" if mapping.format == "tsv" else ",")
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
        header, rows = table[0], table[1 : n + 1]
    return Layout(mapping, path.name, header, rows, beside)


@pytest.fixture(scope="session")
def layouts(city, tmp_path_factory) -> dict[str, Layout]:
    """``{mapping name: Layout}`` for every built-in mapping, a few good rows each."""
    mappings = builtin_mappings()
    hand = tmp_path_factory.mktemp("handwritten")
    for name, text in _HANDWRITTEN.items():
        sub = hand / ("taifu" if name == "enterprise_registration.csv"
                      else "p2p" if name in ("nodes.csv", "edges.csv") else "misc")
        sub.mkdir(exist_ok=True)
        (sub / name).write_text(text, encoding="utf-8")
    sample = write_sample(tmp_path_factory.mktemp("sample"))
    folders = [city / "data", sample, hand / "taifu", hand / "p2p", hand / "misc"]
    out: dict[str, Layout] = {}
    for folder in folders:
        for path in sorted(folder.iterdir()):
            m, _ = detect(path, mappings)
            if m is None or m.name in out:
                continue
            beside = {spec["file"]: (folder / spec["file"]).read_text(encoding="utf-8")
                      for spec in m.lookup_files.values()}
            out[m.name] = _read_layout(path, m, beside, n=6)
    missing = {m.name for m in mappings} - set(out)
    assert not missing, f"no seed rows for the built-in layouts {sorted(missing)}: add some to this conftest"
    return out


@pytest.fixture(scope="session")
def small_city(tmp_path_factory) -> Path:
    """A dirty synthetic city (300 firms, seed 11, 5 % corrupt rows), each file cut to its
    first 40 data rows so that a load takes seconds on either store; read-only."""
    from creditgraph.synth.generate import generate

    full = tmp_path_factory.mktemp("small-city-full")
    generate(300, seed=11, out=full, dirty=0.05, progress=False)
    out = tmp_path_factory.mktemp("small-city")
    for f in sorted((full / "data").iterdir()):
        lines = f.read_text(encoding="utf-8").splitlines(keepends=True)
        (out / f.name).write_text("".join(lines[:41] if f.suffix == ".csv" else lines[:40]), encoding="utf-8")
    shutil.rmtree(full)
    return out
