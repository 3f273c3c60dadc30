"""The columnar mapping engine gives exactly the row engine's graph, report and quarantine.

A seeded 300-firm city (every profile, and one with 5 % corrupted rows) is mapped into a
``Fold`` by both engines; the folds' node and edge records, the load reports and the
quarantine files must be equal, byte for byte. Chunks of 7 rows make every chunk boundary of
the memo count. The fast pyarrow reader must have taken the city's CSV files (else the test
would compare the row reader with itself), and must refuse files only the row reader can judge.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest

from creditgraph.graph.bulk import Fold
from creditgraph.loaders import columnar, mapper
from creditgraph.loaders.arrow_source import arrow_table
from creditgraph.loaders.mapping.idvec import full_ids, valid_usccs
from creditgraph.loaders.pipeline import load_paths
from creditgraph.loaders.readers import read_rows
from creditgraph.loaders.transforms import id_number
from creditgraph.normalize import id_check_digit, normalize_uscc, uscc_check_char
from creditgraph.synth.generate import generate

KEY = "test-hash-key"


def _digest(fold: Fold) -> str:
    records = (list(fold.labels.items()), list(fold.nodes.items()), list(fold.edges.items()))
    return hashlib.sha256(repr(records).encode("utf-8")).hexdigest()


def _load(data: Path, out: Path, engine: str, workers: int = 1) -> tuple[Fold, dict, str]:
    fold = Fold()
    load_paths(fold, [data], hash_key=KEY, report_dir=out, progress=False, engine=engine, workers=workers)
    report = json.loads((out / "load-report.json").read_text(encoding="utf-8"))
    report.pop("seconds")
    if report["quarantine_file"]:  # the same file name, in each engine's own report folder
        report["quarantine_file"] = Path(report["quarantine_file"]).relative_to(out).as_posix()
    q = out / "quarantine.jsonl"
    return fold, report, q.read_text(encoding="utf-8") if q.exists() else ""


@pytest.fixture(scope="module", params=[("full", 0.0), ("full", 0.05), ("registry", 0.0), ("listed", 0.0),
                                        ("sparse", 0.0)], ids=lambda p: f"{p[0]}-dirty{p[1]}")
def city(request, tmp_path_factory) -> Path:
    profile, dirty = request.param
    out = tmp_path_factory.mktemp(f"city-{profile}")
    generate(300, seed=7, out=out, dirty=dirty, profile=profile, progress=False)
    return out / "data"


def test_both_engines_map_a_city_to_the_same_records(city, tmp_path, monkeypatch):
    monkeypatch.setattr(columnar, "CHUNK_ROWS", 7)
    rows_fold, rows_report, rows_q = _load(city, tmp_path / "rows", "rows")
    col_fold, col_report, col_q = _load(city, tmp_path / "columnar", "columnar")
    assert len(rows_fold.nodes) > 500 and len(rows_fold.edges) > 500
    assert _digest(col_fold) == _digest(rows_fold)
    assert col_fold.nodes == rows_fold.nodes and col_fold.edges == rows_fold.edges
    assert col_report == rows_report
    assert col_q == rows_q
    if "dirty" in str(city.parent.name) or rows_q:
        assert rows_q.count("\n") == rows_report["rows_quarantined"]


def test_worker_processes_give_the_same_records_in_the_same_order(city, tmp_path, monkeypatch):
    """Chunks of 50 rows of every file mapped in two worker processes, folded here in file order."""
    monkeypatch.setattr(columnar, "CHUNK_ROWS", 50)
    monkeypatch.setattr(mapper, "PARALLEL_MIN_ROWS", 1)
    rows_fold, rows_report, rows_q = _load(city, tmp_path / "rows", "rows")
    par_fold, par_report, par_q = _load(city, tmp_path / "workers", "columnar", workers=2)
    assert list(par_fold.nodes.items()) == list(rows_fold.nodes.items())
    assert list(par_fold.edges.items()) == list(rows_fold.edges.items())
    assert (par_report, par_q) == (rows_report, rows_q)


def test_the_fast_reader_takes_the_city_files(city):
    csvs = sorted(city.glob("*.csv"))
    assert csvs
    taken = [p.name for p in csvs if arrow_table(p, "csv", delimiter=None, encoding="utf-8-sig") is not None]
    assert len(taken) >= len(csvs) // 2, taken


@pytest.mark.parametrize("body, why", [
    ('a,"b,c"\n', "a quote"), ("a,b\x00\n", "NUL"), ("a,b\rc,d\n", "bare CR"), ("a\n", "short row"),
    ("a,b,c\n", "long row"), (" \n", "whitespace line"),
])
def test_the_fast_reader_leaves_what_it_cannot_judge_to_the_row_reader(tmp_path, body, why):
    path = tmp_path / "f.csv"
    path.write_bytes(("x,y\n1,2\n" + body).encode("utf-8"))
    assert arrow_table(path, "csv", delimiter=None, encoding="utf-8") is None, why


def test_the_fast_reader_gives_each_row_its_physical_line(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes("\ufeffx,y\r\n1,2\r\n\r\n3,4\r\n\n5,6".encode("utf-8"))
    table = arrow_table(path, "csv", delimiter=None, encoding="utf-8-sig")
    assert table is not None and table.header == ["x", "y"]
    assert table.lines.tolist() == [2, 4, 6]
    assert [c.to_pylist() for c in table.columns] == [["1", "3", "5"], ["2", "4", "6"]]
    gbk = tmp_path / "g.csv"
    gbk.write_bytes("x,y\n福州,2\n".encode("gbk"))
    assert arrow_table(gbk, "csv", delimiter=None, encoding="utf-8") is None


def _random_ids(rnd: random.Random, n: int) -> set[str]:
    out = set()
    for _ in range(n):
        body = (f"{rnd.randrange(10**6):06d}{rnd.randint(1890, 2035)}{rnd.randint(0, 13):02d}{rnd.randint(0, 32):02d}"
                f"{rnd.randrange(1000):03d}")
        out.add(body + (id_check_digit(body) if rnd.random() < 0.8 else rnd.choice("0123456789Xx")))
    return out | {"3501021980****1234", "３５０１０２１９８００１０１１２３４", " 350102198001011234"}


def test_full_ids_a_column_at_a_time_are_what_id_number_gives():
    """The numpy check digits answer exactly the values ``id_number`` hashes, with its output."""
    values = sorted(_random_ids(random.Random(5), 5000))
    got = full_ids(values, KEY)
    assert len(got) > 2000
    for v in values:
        try:
            want = id_number(v, hash_key=KEY)
        except ValueError:
            want = None
        if v in got:
            assert list(got[v].items()) == list(want.items())
        else:  # left to id_number: wrong, masked, or not written as a canonical full number
            assert want is None or "id_hash" not in want or not v.isascii() or " " in v or v.endswith("x")


def test_valid_usccs_a_column_at_a_time_are_what_normalize_uscc_keeps():
    rnd = random.Random(6)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    values = set()
    for _ in range(5000):
        body = "".join(rnd.choice(alphabet + ("IOSZa " if rnd.random() < 0.2 else "")) for _ in range(17))
        try:
            check = uscc_check_char(body) if rnd.random() < 0.8 else "0"
        except ValueError:  # a character outside the alphabet
            check = "0"
        values.add(body + check if rnd.random() < 0.95 else body.lower() + check)
    got = set(valid_usccs(sorted(values)))
    assert len(got) > 2000

    def canonical(v: str) -> bool:
        try:
            return normalize_uscc(v) == v
        except ValueError:
            return False
    assert {v for v in values if canonical(v)} == got


def test_the_fast_reader_splits_where_the_row_reader_does(tmp_path):
    """A TSV mapping on a .csv file splits on tabs, as ``read_rows`` does: commas stay in the cells."""
    path = tmp_path / "f.csv"
    path.write_text("a,b\tc\n1,2\t3\n", encoding="utf-8")
    table = arrow_table(path, "tsv", delimiter=None, encoding="utf-8")
    want = list(read_rows(path, "tsv"))
    assert table is not None and table.header == list(want[0][1])
    assert [c.to_pylist() for c in table.columns] == [["1,2"], ["3"]]
