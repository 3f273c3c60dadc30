"""Mapping files and data files as untrusted input: each abuse ends in one clean line, never a traceback.

A lookup may not leave the data file's folder; ``record_id`` holds plain ``{column}`` fields
only; a mapping of the wrong shape is refused naming the place in it; and a line far longer
than any real row is quarantined with memory bounded by the reader's line limit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from creditgraph import cli
from creditgraph.errors import MappingError
from creditgraph.loaders.mapping import load_mapping
from creditgraph.loaders.nx_sink import NetworkXSink
from creditgraph.loaders.pipeline import load_paths

KEY = "mapping-abuse-test-key-0123456789"
USCC = "91350100M000100Y0X"  # shape only: the name_only test mapping does not check it

GOOD = """\
name: abuse_probe
source: probe
format: {fmt}
{extra}
entities:
  firm:
    label: Company
    properties:
      name: {{column: name, transform: company_name}}
"""


def _mapping(tmp_path: Path, extra: str = "", fmt: str = "csv", text: str | None = None) -> Path:
    p = tmp_path / "m.yaml"
    p.write_text(text if text is not None else GOOD.format(fmt=fmt, extra=extra), encoding="utf-8")
    return p


def _data(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir(exist_ok=True)
    (d / "firms.csv").write_text("name,code\n福州甲乙贸易有限公司,1\n", encoding="utf-8")
    return d / "firms.csv"


def _cli_error(args, caplog) -> str:
    """Run the CLI in-process; it must return 3 (a data error) with exactly one log line and no traceback."""
    caplog.clear()
    assert cli.main(args) == 3
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1, caplog.text
    msg = errors[0].getMessage()
    assert "\n" not in msg and "Traceback" not in caplog.text
    return msg


@pytest.mark.parametrize("file", ["../../../../etc/passwd", "/etc/passwd", "sub/../../x.csv", "C:\\windows\\x.csv"])
def test_a_lookup_outside_the_data_folder_is_refused(tmp_path, caplog, file):
    m = _mapping(tmp_path, f"lookups:\n  t: {{file: {json.dumps(file)}, key: code}}")
    msg = _cli_error(["mapping", "check", str(m), "--sample", str(_data(tmp_path))], caplog)
    assert "lookups.t.file" in msg and "data file's folder" in msg


def test_a_symlinked_lookup_leading_outside_is_refused_at_load(tmp_path):
    data = _data(tmp_path)
    (data.parent / "codes.csv").symlink_to("/etc/passwd")
    m = load_mapping(_mapping(tmp_path, "lookups:\n  t: {file: codes.csv, key: code}"))
    with pytest.raises(MappingError, match="leads outside the data file's folder"):
        load_paths(NetworkXSink(), [data], hash_key=KEY, report_dir=tmp_path / "r", mapping=m, progress=False)


@pytest.mark.parametrize("template", ["{name.__class__.__mro__}", "{name[0]}", "{name:>5000000}", "{name!r}",
                                      "{name:{code}}", "{}", "{name"])
def test_record_id_takes_plain_column_fields_only(tmp_path, caplog, template):
    m = _mapping(tmp_path, f"record_id: {json.dumps(template)}")
    msg = _cli_error(["mapping", "check", str(m), "--sample", str(_data(tmp_path))], caplog)
    assert "record_id" in msg


def test_record_id_is_filled_by_substitution(tmp_path):
    m = load_mapping(_mapping(tmp_path, 'record_id: "{name}:{code}/{{x}}"'))
    assert m.record_id_for({"name": "甲", "code": "7"}, "f:2") == "甲:7/{x}"
    assert m.record_id_for({"name": "甲"}, "f:2") == "f:2"  # a column the row lacks: the default


@pytest.mark.parametrize("text, where", [
    ("- name: x\n- source: y\n", "the top level must be a mapping"),
    ("just a string\n", "the top level must be a mapping"),
    ("", "not empty"),
    ("name: x\nsource: y\nentities: {}\n", "entities: "),
    ("name: x\nsource: y\nentities:\n  f: {label: Company, properties: {name: n}, colour: red}\n",
     "entities.f.colour: Extra inputs are not permitted"),
    ("name: x\nsource: y\nentities:\n  f: {label: Company, properties: [name]}\n", "entities.f.properties"),
    ("name: x\nsource: y\nentities:\n  f: {label: Company, properties: {name: n}}\nrelationships: {a: b}\n",
     "relationships: "),
    ("name: x\nsource: y\nencoding: rot-13-ish\nentities:\n  f: {label: Company, properties: {name: n}}\n",
     "encoding: unknown encoding"),
    ("name: [unclosed\n", "cannot read mapping"),
])
def test_a_malformed_mapping_gets_one_line_naming_the_place(tmp_path, caplog, text, where):
    m = _mapping(tmp_path, text=text)
    msg = _cli_error(["mapping", "check", str(m), "--sample", str(_data(tmp_path))], caplog)
    assert str(m) in msg and (where in msg if where != "not empty" else "not empty" in msg), msg


def test_the_cli_prints_one_line_for_a_list_at_the_top(tmp_path):
    m = _mapping(tmp_path, text="- a\n- b\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDITGRAPH_")}
    out = subprocess.run([sys.executable, "-m", "creditgraph.cli", "load", str(_data(tmp_path)), "--mapping", str(m),
                          "--data-dir", str(tmp_path / "d")], env=env | {"CREDITGRAPH_ID_HASH_KEY": KEY},
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 3 and out.stdout == ""
    errors = [l for l in out.stderr.splitlines() if l.startswith("ERROR")]
    assert len(errors) == 1 and "the top level must be a mapping" in errors[0], out.stderr
    assert "Traceback" not in out.stderr


_MEASURE = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from creditgraph.loaders.mapping import load_mapping
    from creditgraph.loaders.nx_sink import NetworkXSink
    from creditgraph.loaders.pipeline import load_paths

    def status(field):
        for line in open("/proc/self/status"):
            if line.startswith(field):
                return int(line.split()[1]) * 1024

    mapping, data, out = map(Path, sys.argv[1:4])
    m = load_mapping(mapping)
    base = status("VmRSS:")
    report = load_paths(NetworkXSink(), [data], hash_key="k" * 32, report_dir=out, mapping=m, progress=False)
    fr = report.files[0]
    print(json.dumps({"base": base, "peak": status("VmHWM:"), "read": fr.rows_read, "loaded": fr.rows_loaded,
                      "quarantined": fr.rows_quarantined, "reasons": dict(fr.reasons)}))
""")


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_200_mb_line_is_quarantined_within_half_a_gigabyte(tmp_path, fmt):
    """Measured in a fresh process: peak RSS (VmHWM) minus RSS before the load."""
    size = 200 * 1024 * 1024
    data = tmp_path / f"big.{fmt}"
    with data.open("w", encoding="utf-8") as fh:
        fh.write("name,code\n福州甲乙贸易有限公司,1\n" if fmt == "csv" else '{"name": "福州甲乙贸易有限公司"}\n')
        fh.write("福州丙丁有限公司," if fmt == "csv" else '{"name": "')
        chunk = "x" * (1 << 20)
        for _ in range(size // len(chunk)):
            fh.write(chunk)
        fh.write("\n" if fmt == "csv" else '"}\n')
        fh.write("福州戊己有限公司,3\n" if fmt == "csv" else '{"name": "福州戊己有限公司"}\n')
    m = _mapping(tmp_path, fmt=fmt)
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(m), str(data), str(tmp_path / "r")],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert (got["read"], got["loaded"], got["quarantined"]) == (3, 2, 1), got
    assert any("longer than" in r for r in got["reasons"]), got
    assert got["peak"] - got["base"] < 512 * 1024 * 1024, got
    quarantined = (tmp_path / "r" / "quarantine.jsonl").read_text(encoding="utf-8")
    assert len(quarantined) < 10_000  # the row's head, not the row
