"""The README's mapping examples, run as written: each feature it documents does what it says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from creditgraph.errors import MappingError
from creditgraph.loaders.mapping import NAME_ONLY_RISK, load_mapping, load_mappings
from creditgraph.loaders.pipeline import load_paths
from recording import RecordingStore

README = Path(__file__).parents[2] / "README.md"
KEY = "test-hash-key"


def _examples() -> dict[str, tuple[str, str]]:
    text = README.read_text(encoding="utf-8")
    found = re.findall(r"<!-- example: (\w+) -->\n```yaml\n(.*?)```\n```csv\n(.*?)```", text, re.S)
    return {name: (mapping, sample) for name, mapping, sample in found}


@pytest.fixture
def example(tmp_path):
    def write(name: str, *, sample: str | None = None) -> tuple[Path, Path]:
        mapping, csv = _examples()[name]
        (tmp_path / "maps").mkdir(exist_ok=True)
        (tmp_path / "data").mkdir(exist_ok=True)
        m, d = tmp_path / "maps" / f"{name}.yaml", tmp_path / "data" / f"{name}.csv"
        m.write_text(mapping, encoding="utf-8")
        d.write_text(sample if sample is not None else csv, encoding="utf-8")
        return m, d
    return write


def _load(mapping, data, tmp_path):
    store = RecordingStore()
    report = load_paths(store, [data], hash_key=KEY, report_dir=tmp_path / "report", mapping=mapping,
                        progress=False)
    return store, report


def test_the_readme_holds_its_examples():
    assert set(_examples()) == {"listed_seats", "name_only"}


def test_listed_seats_example(example, tmp_path):
    m, d = example("listed_seats")
    store, report = _load(load_mapping(m), d, tmp_path)
    assert report.rows_quarantined == 0
    firm = "co:stock:TW:9901"
    assert store.nodes[firm].props["stock_code"] == "9901.TW"
    officers = {(e.start, e.props["role"]): e.props for e in store.edges.values() if e.type == "OFFICER_OF"}
    people = {store.nodes[s].props["name"]: s for s, _ in officers if s.startswith("pe:")}
    assert set(people) == {"李世傑", "李世杰"}  # script variants: two people, each as published
    assert officers[(people["李世傑"], "董事兼總經理")] == {
        "role": "董事兼總經理", "shares": 830_000.0, "roles": ["director", "general_manager"]}  # multiply: 1000
    assert officers[(people["李世杰"], "獨立董事")]["roles"] == ["independent_director"]
    holdings = [e for e in store.edges.values() if e.type == "SHAREHOLDER_OF"]
    assert [(e.start, e.props["amount"]) for e in holdings] == [(people["李世傑"], 830_000.0)]  # gt: 0; "-" is empty
    seat = [s for s, _ in officers if s.startswith("co:")]
    assert [store.nodes[s].props["name"] for s in seat] == ["鴻達投資(股)"]
    reps = [e for e in store.edges.values() if e.type == "REPRESENTS"]
    assert [(store.nodes[e.start].props["name"], e.end, e.props["seat_at"]) for e in reps] == [
        ("陳美玲", seat[0], "瑞豐農經股份有限公司")]


def test_a_column_the_mapping_names_must_be_in_the_header(example, tmp_path):
    m, d = example("listed_seats", sample="代號,公司,職稱,姓名\n9901,瑞豐農經股份有限公司,董事,李世傑\n")
    with pytest.raises(MappingError, match="'持股張數'.*not in the header"):
        _load(load_mapping(m), d, tmp_path)


def test_name_only_example(example, tmp_path):
    m, d = example("name_only")
    store, report = _load(load_mapping(m), d, tmp_path)
    persons = sorted(n.props["name"] for n in store.nodes.values() if n.label == "Person")
    assert persons == ["庄永顺", "莊永順"]  # keys keep the script: not merged at load
    assert report.rows_quarantined == 1  # 不公开 is this property's null value: no name
    assert report.risks() == {NAME_ONLY_RISK: 2}
    assert report.as_dict()["risks"] == {NAME_ONLY_RISK: 2}


def test_identity_is_required_where_an_entity_may_be_a_person(example, tmp_path):
    m, _ = example("name_only")
    m.write_text(m.read_text(encoding="utf-8").replace("    identity: name_only", "    #"), encoding="utf-8")
    with pytest.raises(MappingError, match="entity subject may be a Person but declares no identity"):
        load_mapping(m)


def test_a_mapping_folder_loads_several_layouts_in_one_load(example, tmp_path):
    m1, d1 = example("listed_seats")
    example("name_only")
    mappings = load_mappings(m1.parent)
    assert sorted(m.name for m in mappings) == ["listed_seats", "penalties_named"]
    store, report = _load(mappings, d1.parent, tmp_path)
    assert sorted(f.layout for f in report.files) == ["listed_seats", "penalties_named"]
    assert {"Penalty", "Company", "Person"} <= {n.label for n in store.nodes.values()}


def test_several_mappings_each_need_detect_headers(example, tmp_path):
    m1, _ = example("listed_seats")
    m2, _ = example("name_only")
    m2.write_text(m2.read_text(encoding="utf-8").replace("detect:", "#detect:"), encoding="utf-8")
    with pytest.raises(MappingError, match="needs detect.headers"):
        load_mappings(m1.parent)


def test_mapping_check_dry_runs_the_example(example, capsys):
    from creditgraph.cli import main

    m, d = example("listed_seats")
    assert main(["mapping", "check", str(m), "--sample", str(d), "--rows", "3"]) == 0
    out = capsys.readouterr().out
    assert "(Company) co:stock:TW:9901" in out and "-[REPRESENTS]->" in out and "roles=['independent_director']" in out
    m, d = example("listed_seats", sample="代號,公司,職稱,姓名\n9901,瑞豐,董事,李世傑\n")
    assert main(["mapping", "check", str(m), "--sample", str(d)]) == 1
    assert "MISSING columns (the load would stop): 持股張數" in capsys.readouterr().out
