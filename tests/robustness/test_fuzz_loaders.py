"""Fuzzed input for every built-in layout: each row is loaded intact or quarantined with a reason.

Good seed rows of each layout (conftest ``layouts``) are mutated row by row: a cell replaced by
a hostile value (formula, HTML/JS, Cypher, control characters, a full ID number, random text),
a JSON value of the wrong type, a field too few or too many, the row re-encoded as GBK, a field
over ``MAX_FIELD``, a broken JSON line, blank lines between rows. The test knows for every row
what it wrote, so it checks exactly:

* the load never raises, and rows read = rows loaded + rows quarantined = rows written;
* each quarantined row is in ``quarantine.jsonl`` with its file, its first line and the reason;
* every other row reached the store intact: the store holds exactly the nodes and edges the
  mapping makes of the values written (after ``clean_text``), so no hostile value was
  escaped, truncated or mangled on the way in.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creditgraph.loaders.expanders import EXPANDERS
from creditgraph.loaders.mapping import RowError, builtin_mappings
from creditgraph.normalize import clean_text
from creditgraph.loaders.pipeline import load_paths, lookup_tables
from creditgraph.loaders.readers import MAX_FIELD
from creditgraph.loaders.transforms import scrub_ids
from robust_support import KEY, PLANTED_IDS
from recording import RecordingStore

HOSTILE = [
    "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A9)", '=HYPERLINK("http://x.invalid","点我")',
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
    "x'}) DETACH DELETE n //", '"}) MATCH (n) DETACH DELETE n RETURN 1 //', "' OR 1=1 --",
    "$rows", "{key: r.key}", "`Company`", "\\'\\\"\\\\", "MATCH (n) RETURN n",
    "\x00\x07\x1b[31m", "a\u200bb\u202ec\ufeff", "line\nbreak", "cr\rret", "tab\there", "１２３ＡＢＣ",
    "😀🏳️‍🌈", "\u2028\u2029\x85", '"', ",", "", " ", "null", "-1", "NaN", "1e309", "9" * 40,
    "2019-13-45", "（2017）黑01执750号", "91230199744190927K", "3501021972****3656",
    *PLANTED_IDS, f"身份证{PLANTED_IDS[0]}号",
]

_cell = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20))
_json_value = st.one_of(_cell, st.none(), st.integers(), st.floats(allow_nan=False), st.booleans(),
                        st.lists(st.integers(), max_size=2),
                        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))

CSV_MUTATIONS = ["keep", "cell", "cell", "fewer", "more", "gbk", "huge", "blank"]
JSONL_MUTATIONS = ["keep", "cell", "cell", "drop", "extra", "broken", "array", "gbk", "huge", "blank"]


def _json_cell(v):
    """What a JSON-lines value means after reading (readers' documented contract)."""
    if v is None or isinstance(v, (dict, list)):
        return v
    s = str(v)
    return (s.strip() or None) if "\n" in s else clean_text(s)


def _lines(text: str) -> int:
    """Physical lines of a written row, as the CSV reader counts them."""
    return text.count("\n") + text.replace("\r\n", "\n").count("\r")


def _build(layout, data):
    """Draw mutations; return (file bytes, [(first line, expected row dict | reason prefix)])."""
    jsonl = layout.mapping.format == "jsonl"
    chunks = [] if jsonl else [layout.render([])]  # the header
    line = 1 if jsonl else 1 + _lines(chunks[0])
    rows = data.draw(st.lists(st.sampled_from(layout.rows), min_size=1, max_size=6), label="rows")
    expected = []
    for base in rows:
        kind = data.draw(st.sampled_from(JSONL_MUTATIONS if jsonl else CSV_MUTATIONS), label="mutation")
        if jsonl:
            rec = dict(base)
            outcome = None
            if kind == "cell":
                rec[data.draw(st.sampled_from(sorted(rec)))] = data.draw(_json_value, label="value")
            elif kind == "drop":
                rec.pop(data.draw(st.sampled_from(sorted(rec))))
            elif kind == "extra":
                rec["extra<script>"] = data.draw(_cell)
            elif kind == "huge":
                rec["court"] = "x" * (MAX_FIELD + 1)
                outcome = "a field is longer than"
            text = json.dumps(rec, ensure_ascii=False) + "\n"
            if kind == "broken":
                text, outcome = text[: len(text) // 2] + "\n", "not valid JSON"
            elif kind == "array":
                text = json.dumps(list(rec.values()), ensure_ascii=False) + "\n"
                outcome = "a JSON line must be an object"
            elif kind == "gbk":
                rec["title"] = "福州甲" + str(rec.get("title") or "")
                text, outcome = json.dumps(rec, ensure_ascii=False) + "\n", "bytes that are not valid"
            if kind == "blank":
                chunks.append("\n")
                line += 1
            row = outcome or {k: _json_cell(v) for k, v in rec.items()}
        else:
            cells = list(base)
            outcome = None
            if kind == "cell":
                cells[data.draw(st.integers(0, len(cells) - 1))] = data.draw(_cell, label="value")
            elif kind == "fewer":
                cells, outcome = cells[:-1], f"expected {len(layout.header)} fields, got {len(cells) - 1}"
            elif kind == "more":
                cells, outcome = cells + ["=1+1"], f"expected {len(layout.header)} fields, got {len(cells) + 1}"
            elif kind == "gbk":
                cells[data.draw(st.integers(0, len(cells) - 1))] = "福州甲"
                outcome = "bytes that are not valid"
            elif kind == "huge":
                cells[data.draw(st.integers(0, len(cells) - 1))] = "y" * (MAX_FIELD + 1)
                outcome = "a field is longer than"
            elif kind == "blank":
                chunks.append("\n")
                line += 1
            text = layout.render([cells])[len(layout.render([])):]  # the row without the header
            row = outcome or {h: clean_text(c) for h, c in zip(layout.header, cells)}
        chunks.append(text.encode("gbk", "replace") if kind == "gbk" else text)
        expected.append((line, row))
        line += _lines(text)
    return b"".join(c if isinstance(c, bytes) else c.encode("utf-8") for c in chunks), expected


def _expect(layout, path: Path, expected):
    """What the store and the quarantine must hold: the mapping applied to each row written."""
    m = layout.mapping
    lookups = lookup_tables(m, path.parent)
    expand = EXPANDERS.get(m.expand) if m.expand else None
    store, quarantined = RecordingStore(), {}
    for line, row in expected:
        if isinstance(row, str):
            quarantined[line] = row
            continue
        record_id = m.record_id_for(row, f"{path.name}:{line}")
        try:
            nodes, edges = [], []
            for sub in (expand(row) if expand else [row]):
                n, e = m.apply(sub, record_id=record_id, hash_key=KEY, lookups=lookups)
                nodes += n
                edges += e
        except RowError as e:
            quarantined[line] = scrub_ids(str(e))
            continue
        store.upsert_nodes(nodes)
        store.upsert_edges(edges)
    return store, quarantined


@pytest.mark.parametrize("name", sorted(m.name for m in builtin_mappings()))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_every_row_is_loaded_intact_or_quarantined_with_its_reason(name, layouts, tmp_path_factory, data):
    layout = layouts[name]
    folder = tmp_path_factory.mktemp(name)
    layout.write(folder, rows=[])  # the lookup files beside it
    content, expected = _build(layout, data)
    path = folder / layout.filename
    path.write_bytes(content)

    store = RecordingStore()
    report = load_paths(store, [path], hash_key=KEY, report_dir=folder / "r", mapping=layout.mapping,
                        progress=False)

    fr, = report.files
    want_store, want_quarantine = _expect(layout, path, expected)
    assert (fr.rows_read, fr.rows_loaded + fr.rows_quarantined) == (len(expected), len(expected))
    assert fr.rows_quarantined == len(want_quarantine)
    qfile = folder / "r" / "quarantine.jsonl"
    got = [json.loads(l) for l in qfile.read_text(encoding="utf-8").splitlines()] if qfile.exists() else []
    assert {q["file"] for q in got} <= {str(path)}
    assert sorted(q["line"] for q in got) == sorted(want_quarantine)
    for q in got:
        assert q["reason"].startswith(want_quarantine[q["line"]]), (q, want_quarantine[q["line"]])
    assert store.nodes == want_store.nodes
    assert store.edges == want_store.edges
    written = json.loads((folder / "r" / "load-report.json").read_text(encoding="utf-8"))
    assert written["rows_read"] == written["rows_loaded"] + written["rows_quarantined"] == len(expected)


def test_seed_rows_of_every_layout_load_without_quarantine(layouts, tmp_path):
    """The fuzz oracle is only meaningful if unmutated rows load: check that they do."""
    for name, layout in layouts.items():
        path = layout.write(tmp_path / name)
        report = load_paths(RecordingStore(), [path], hash_key=KEY, report_dir=tmp_path / name / "r",
                            mapping=layout.mapping, progress=False)
        assert report.rows_quarantined == 0 and report.files[0].rows_loaded == len(layout.rows), \
            (name, report.top_reasons())


def test_an_unbalanced_quote_names_the_lines_it_swallowed(layouts, tmp_path):
    """A stray quote makes the CSV reader run on to the next quote: the rows it swallows are
    one quarantined row, whose reason gives the line range and whose raw text keeps them."""
    layout = layouts["taifu_registration"]
    good = layout.render(layout.rows).splitlines(keepends=True)
    broken = good[1].replace(",", ',"', 1)  # opens a quoted field that never closes on this line
    path = tmp_path / layout.filename
    path.write_text("".join([good[0], broken, *good[2:], good[1]]), encoding="utf-8")
    report = load_paths(RecordingStore(), [path], hash_key=KEY, report_dir=tmp_path / "r",
                        mapping=layout.mapping, progress=False)
    q, = [json.loads(l) for l in (tmp_path / "r" / "quarantine.jsonl").read_text(encoding="utf-8").splitlines()]
    last = 1 + len(good)  # the header, then every row from the broken one to the end of the file
    assert q["line"] == 2 and f"in lines 2-{last}" in q["reason"] and "unbalanced quote" in q["reason"]
    assert all(row[0] in q["raw"] for row in layout.rows)
    assert report.files[0].rows_read == report.files[0].rows_quarantined == 1
