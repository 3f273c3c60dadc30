"""Exports of the explorer: what a spreadsheet, a graph tool and a PDF reader get.

Every entity string is external data, so each format is tested with the same hostile
values: an HTML/JS payload, an Excel DDE formula and a Cypher statement must come out as
literal text. The PDF tests need a CJK font and poppler's ``pdftotext`` (pypdf misreads
CFF CID fonts, py-pdf/pypdf#2295); they skip without them locally and fail under CI.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess

import networkx as nx
import pandas as pd
import pytest

from creditgraph.app.export import (CJK_FONT_ENV, entity_report_pdf, find_cjk_font, subgraph_graphml,
                                    table_csv)
from creditgraph.errors import CreditGraphError, ReportError
from creditgraph.graph.records import Edge, Entity, Subgraph

HTML = "<script>alert(1)</script>"
DDE = "=cmd|' /C calc'!A0"
CYPHER = "MATCH (n) DETACH DELETE n //"
PAYLOADS = (HTML, DDE, CYPHER)


def _csv_rows(data: bytes) -> list[list[str]]:
    import csv

    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# ---------------------------------------------------------------------------------------- CSV

def test_csv_starts_with_bom_and_keeps_chinese():
    data = table_csv(pd.DataFrame({"名称": ["北京测试科技有限公司"]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert _csv_rows(data) == [["名称"], ["北京测试科技有限公司"]]


@pytest.mark.parametrize("cell", ["=1+1", "+86 10 1234", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1", DDE])
def test_csv_prefixes_formula_like_text(cell):
    rows = _csv_rows(table_csv(pd.DataFrame({"v": [cell]})))
    assert rows[1] == ["'" + cell]


def test_csv_leaves_plain_text_and_payloads_literal():
    cells = [HTML, CYPHER, '说 "你好", 再见', "a=b", "line1\nline2"]
    rows = _csv_rows(table_csv(pd.DataFrame({"v": cells})))
    assert [r[0] for r in rows[1:]] == cells


def test_csv_numbers_stay_numbers():
    df = pd.DataFrame({"amount": [-1.5, 2.0], "cases": [-3, 4], "mixed": [-7, "-7"]})
    data = table_csv(df)
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[1:] == ["-1.5,-3,-7", "2.0,4,\"'-7\""]  # the number -7 bare; the text "-7" defused
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert back["amount"].tolist() == [-1.5, 2.0] and back["cases"].tolist() == [-3, 4]


def test_csv_defuses_headers_and_quotes_text():
    data = table_csv(pd.DataFrame({"=HYPERLINK(\"x\")": ["a,b"]}))
    assert data.decode("utf-8-sig").splitlines() == ['"\'=HYPERLINK(""x"")"', '"a,b"']


def test_csv_leaves_missing_cells_empty():
    rows = _csv_rows(table_csv(pd.DataFrame({"v": ["x", None], "n": [1.0, float("nan")]})))
    assert rows[2] == ["", ""]


# ------------------------------------------------------------------------------------ GraphML

@pytest.fixture
def view() -> Subgraph:
    firm = Entity("co:uscc:91110108MA01ABCD2X", "Company", {
        "name": f"北京测试科技有限公司{HTML}", "shell_score": 0.91, "shell_flag": True,
        "sources": ["gsxt", "失信"], "dissolved": None, "note": "a\x00b", "flag_or_count": True})
    rep = Entity('pe:src:"<&>', "Person", {"name": DDE, "id_masked": "1101011980****1234", "birth_year": 1980})
    owner = Entity("co:name:x", "Company", {"name": CYPHER, "flag_or_count": 1})
    return Subgraph(
        (firm, rep, owner),
        (Edge("LEGAL_REP_OF", rep.key, firm.key), Edge("OFFICER_OF", rep.key, firm.key, {"role": "董事"}),
         Edge("OFFICER_OF", rep.key, firm.key, {"role": "监事"}),
         Edge("SHAREHOLDER_OF", owner.key, firm.key, {"ratio": 0.3})),
        {firm.key: 12})


def test_graphml_round_trips_names_keys_and_props(view):
    G = nx.read_graphml(io.BytesIO(subgraph_graphml(view)))
    firm = G.nodes["co:uscc:91110108MA01ABCD2X"]
    assert isinstance(G, nx.MultiDiGraph) and G.number_of_edges() == 4
    assert firm["name"] == f"北京测试科技有限公司{HTML}" and firm["label"] == "Company"
    assert firm["key"] == "co:uscc:91110108MA01ABCD2X" and firm["more"] == 12
    assert firm["shell_score"] == 0.91 and firm["shell_flag"] is True
    assert json.loads(firm["sources"]) == ["gsxt", "失信"] and "dissolved" not in firm
    assert G.nodes['pe:src:"<&>']["name"] == DDE and G.nodes["co:name:x"]["name"] == CYPHER
    roles = sorted(d.get("role", "") for _, _, d in G.edges('pe:src:"<&>', data=True))
    assert roles == ["", "监事", "董事"]
    assert {d["type"] for *_, d in G.edges(data=True)} == {"LEGAL_REP_OF", "OFFICER_OF", "SHAREHOLDER_OF"}


def test_graphml_escapes_markup_and_drops_illegal_characters(view):
    xml = subgraph_graphml(view).decode("utf-8")
    assert "<script>" not in xml and "&lt;script&gt;alert(1)&lt;/script&gt;" in xml
    assert 'id="pe:src:&quot;&lt;&amp;&gt;"' in xml
    assert "\x00" not in xml and "a\ufffdb" in xml


def test_graphml_writes_mixed_types_as_text(view):
    G = nx.read_graphml(io.BytesIO(subgraph_graphml(view)))
    values = {G.nodes["co:uscc:91110108MA01ABCD2X"]["flag_or_count"], G.nodes["co:name:x"]["flag_or_count"]}
    assert values == {"True", "1"}


# ---------------------------------------------------------------------------------------- PDF

@pytest.fixture(scope="module")
def pdf_tools():
    """A CJK font and pdftotext, or a skip (locally) / failure (CI=true)."""
    from ci_rules import skip_or_fail  # the project's one skip-but-not-in-CI rule

    try:
        find_cjk_font()
    except ReportError as e:
        skip_or_fail(str(e))
    if not shutil.which("pdftotext"):
        skip_or_fail("pdftotext not found: apt-get install poppler-utils")


def _firm() -> Entity:
    return Entity("co:uscc:91110108MA01ABCD2X", "Company", {
        "name": f"北京测试科技有限公司{HTML}", "uscc": "91110108MA01ABCD2X", "status": "存续（在营、开业、在册）",
        "org_type": "有限责任公司", "industry": "软件和信息技术服务业", "founded": "2015-03-01",
        "registered_capital": 10_000_000.0, "province": "北京市", "city": "北京市",
        "shell_score": 0.914, "shell_flag": True,
        "shell_reasons": json.dumps([{"indicator": "firms_at_address", "value": 38.0, "contribution": 1.2,
                                      "evidence": f"38 firms registered at {DDE}"},
                                     {"indicator": "rep_fronts_firms", "value": 9.0, "contribution": 0.8,
                                      "evidence": "legal rep 张三 is legal rep of 9 firms"}], ensure_ascii=False),
        "repeat_cases": 3, "repeat_flag": True, "repeat_reason": "3 dishonest cases in 2 courts over 2 years",
        "spread": 0.42, "cluster": "cl-00012",
        "asset_hiding": json.dumps([{"debtor": "pe:x", "case_no": "(2020)京01执1号", "mode": "new_firm"}]),
    })


def _view(firm: Entity, people: int = 3) -> Subgraph:
    addr = Entity("ad:北京市海淀区中关村大街1号", "Address",
                  {"text": "北京市海淀区中关村大街1号", "district": "海淀区"})
    ps = [Entity(f"pe:{i}", "Person", {"name": f"张三{i}", "id_masked": "1101011980****1234"}) for i in range(people)]
    edges = [Edge("REGISTERED_AT", firm.key, addr.key), Edge("LEGAL_REP_OF", "pe:0", firm.key)]
    edges += [Edge("OFFICER_OF", p.key, firm.key, {"role": "董事"}) for p in ps]
    ps.append(Entity("pe:evil", "Person", {"name": CYPHER}))
    edges.append(Edge("SHAREHOLDER_OF", "pe:evil", firm.key, {"ratio": 0.6}))
    return Subgraph((firm, addr, *ps), tuple(edges), {})


def _listings(n: int) -> list[dict]:
    return [{"via": "self" if i % 2 else "张三0", "relation": "own record" if i % 2 else "张三0 (LEGAL_REP_OF)",
             "key": f"dr:{i}", "label": "DishonestRecord", "confidence": 1.0 if i % 2 else 0.87, "subject": "x",
             "props": {"case_no": f"(2021)京0108执{i}号", "court": "北京市海淀区人民法院", "published": "2021-05-01",
                       "subject_name": HTML}} for i in range(n)]


def _report(entity: Entity | None = None, *, listings: list[dict] | None = None, view: Subgraph | None = None,
            lang: str = "zh") -> bytes:
    entity = entity or _firm()
    return entity_report_pdf(entity, scores=entity.props, listings=_listings(3) if listings is None else listings,
                             neighbours=view or _view(entity), generated_by="李分析 <analyst@bank.cn>",
                             generated_at=dt.datetime(2026, 1, 2, 9, 30, tzinfo=dt.timezone.utc), lang=lang)


def _text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                         check=True, timeout=60)
    return out.stdout.decode("utf-8")


@pytest.fixture(scope="module")
def report(pdf_tools) -> bytes:
    return _report()


def test_pdf_is_one_page_with_a_subset_cjk_font_embedded(report):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(report))
    assert len(reader.pages) == 1
    fonts = [f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]
    assert fonts, "no font on the page"
    for font in fonts:
        assert font["/Subtype"] == "/Type0"
        desc = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        stream = next(desc[k].get_object() for k in ("/FontFile2", "/FontFile3") if k in desc)
        assert re.fullmatch(r"/[A-Z]{6}\+.+", str(desc["/FontName"]))  # subset tag
        assert 1_000 < len(stream.get_data()) < 2_000_000  # glyphs embedded, not the 20 MB collection
        assert "/ToUnicode" in font
    assert len(report) < 500_000


def test_pdf_text_extracts_in_chinese_with_payloads_literal(report):
    text = _text(report)
    for expected in ("企业信用报告", f"北京测试科技有限公司{HTML}", "91110108MA01ABCD2X", "海淀区",
                     "北京市海淀区中关村大街1号", "空壳公司风险", "0.91", "该地址注册了 38 家企业：" + DDE,
                     "重复失信", "(2021)京0108执1号", "北京市海淀区人民法院", "法定代表人", "张三0", CYPHER,
                     "李分析 <analyst@bank.cn>", "2026-01-02 09:30", "声明"):
        assert expected in text, expected


def test_pdf_truncates_listings_to_one_page_and_says_how_many_more(pdf_tools):
    text = _text(pdf := _report(listings=_listings(200), view=_view(_firm(), people=30)))
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    shown = len(re.findall(r"\(2021\)京0108执\d+号", text))
    assert 5 < shown < 200
    assert f"另有 {200 - shown} 条未列出" in text
    assert "个关联主体未列出" in text


def test_pdf_of_a_person_shows_only_the_masked_id(pdf_tools):
    person = Entity("pe:gsxt:abc", "Person", {"name": "王五", "id_masked": "110101198001011234",
                                              "id_hash": "deadbeefcafe", "repeat_cases": 2, "repeat_flag": False})
    text = _text(_report(person, listings=[], view=Subgraph((person,), (), {})))
    assert "个人信用报告" in text and "王五" in text
    assert "110101********1234" in text and "110101198001011234" not in text
    assert "deadbeefcafe" not in text


def test_pdf_in_english_and_without_scores(pdf_tools):
    firm = Entity("co:name:acme", "Company", {"name": "Acme 有限公司"})
    text = _text(_report(firm, listings=[], view=Subgraph((firm,), (), {}), lang="en"))
    assert "Company credit report" in text and "No scores" in text and "Notice:" in text


def test_pdf_rejects_an_unknown_language():
    with pytest.raises(ValueError, match="lang"):
        _report(lang="fr")


# ------------------------------------------------------------------------------------- fonts

def test_font_from_env_must_have_chinese_glyphs(monkeypatch, tmp_path):
    monkeypatch.setenv(CJK_FONT_ENV, str(tmp_path / "missing.ttf"))
    with pytest.raises(ReportError, match=f"{CJK_FONT_ENV}.*fonts-noto-cjk"):
        find_cjk_font()
    fake = tmp_path / "fake.ttf"
    fake.write_bytes(b"not a font")
    monkeypatch.setenv(CJK_FONT_ENV, str(fake))
    with pytest.raises(ReportError, match="not a font file with Chinese glyphs"):
        find_cjk_font()


def test_no_font_anywhere_is_a_clear_creditgraph_error(monkeypatch):
    import creditgraph.fonts as fonts

    monkeypatch.delenv(CJK_FONT_ENV, raising=False)
    monkeypatch.setattr(fonts, "_KNOWN_FONTS", ())
    monkeypatch.setattr(fonts, "_fc_match", lambda: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    with pytest.raises(CreditGraphError, match="apt-get install fonts-noto-cjk"):
        find_cjk_font()


def test_collection_face_is_the_simplified_chinese_one(pdf_tools):
    from fontTools.ttLib import TTCollection

    path, face = find_cjk_font()
    if not (path.suffix.lower() == ".ttc" and "Noto" in path.name):
        pytest.skip(f"{path} is not a Noto CJK collection")
    assert TTCollection(str(path), lazy=True).fonts[face]["name"].getDebugName(1).endswith(" SC")
