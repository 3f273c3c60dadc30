"""Fixtures for the robustness suite (issue 7): seed rows of every built-in layout, a small
dirty city, full ID numbers to plant, and the scanner that looks for them.

Seed rows are known-good rows of each layout; the fuzz tests mutate them. The synthetic
city and ``loaders.sample`` cover most layouts; the six they do not (A-share executives and
industries, the Austrian sham-firm list, the P2P sample and the bare registration layout)
get a few invented rows here, shaped like the shared datasets.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from creditgraph.loaders.mapping import SourceMapping, builtin_mappings
from creditgraph.loaders.normalize import is_valid_id
from creditgraph.loaders.pipeline import detect
from creditgraph.loaders.sample import write_sample
from creditgraph.synth.ids import id_check_digit

KEY = "robustness-hash-key"

# Digit boundaries only: a number glued to letters ("ID350102…") is still a number.
_ID_SHAPE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


def full_id(first17: str) -> str:
    """A full ID number with its GB 11643 check digit (synth.ids' routine)."""
    return first17 + id_check_digit(first17)


#: Full, valid ID numbers the privacy and fuzz tests plant in the input.
PLANTED_IDS = [full_id("35010219720101123"), full_id("35012419740728563"), full_id("11010519491231002")]


def find_full_ids(text: str) -> list[str]:
    """Every 18-character run that is a valid full ID number (check digit and birth date)."""
    return [m for m in _ID_SHAPE.findall(text) if is_valid_id(m)]


@dataclass
class Layout:
    """Good rows of one built-in layout, and the files its mapping looks up beside it."""

    mapping: SourceMapping
    filename: str
    header: list[str]
    rows: list  # lists of cells (csv, tsv) or dicts (jsonl)
    beside: dict[str, str] = field(default_factory=dict)

    @property
    def delimiter(self) -> str:
        return self.mapping.delimiter or ("\t" if self.mapping.format == "tsv" else ",")

    def render(self, rows) -> str:
        """The file text for ``rows`` (header first), written the way the source writes it."""
        if self.mapping.format == "jsonl":
            return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        buf = io.StringIO()
        # CRLF, as Excel writes it: the csv module then quotes a cell holding a lone CR too.
        w = csv.writer(buf, delimiter=self.delimiter, lineterminator="\r\n")
        w.writerow(self.header)
        w.writerows(rows)
        return buf.getvalue()

    def write(self, folder: Path, rows=None) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in self.beside.items():
            (folder / name).write_text(text, encoding="utf-8")
        path = folder / self.filename
        path.write_text(self.render(self.rows if rows is None else rows), encoding="utf-8")
        return path


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
        sub = hand / ("taifu" if name == "enterprise_registration.csv" else "p2p" if name in ("nodes.csv", "edges.csv") else "misc")
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
    first 60 data rows so that a load takes seconds on either store; read-only."""
    from creditgraph.synth.generate import generate

    full = tmp_path_factory.mktemp("small-city-full")
    generate(300, seed=11, out=full, dirty=0.05, progress=False)
    out = tmp_path_factory.mktemp("small-city")
    for f in sorted((full / "data").iterdir()):
        lines = f.read_text(encoding="utf-8").splitlines(keepends=True)
        (out / f.name).write_text("".join(lines[:61] if f.suffix == ".csv" else lines[:60]), encoding="utf-8")
    shutil.rmtree(full)
    return out


def canonical(G, *, provenance_as_sets: bool = False):
    """A NetworkX export as sorted tuples, comparable with ``==``.

    ``provenance_as_sets``: compare ``sources``/``source_ids`` as sets; their order records
    which source asserted a node first, which is all that differs between load orders.
    """
    def props(d):
        out = []
        for k, v in sorted(d.items()):
            if provenance_as_sets and k in ("sources", "source_ids"):
                v = sorted(v)
            out.append((k, repr(v)))
        return tuple(out)

    nodes = sorted((n, props(d)) for n, d in G.nodes(data=True))
    edges = sorted((u, v, k, props(d)) for u, v, k, d in G.edges(keys=True, data=True))
    return nodes, edges
