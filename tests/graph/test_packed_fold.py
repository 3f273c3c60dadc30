"""A packed fold (``graph/packed.py``) holds exactly the records a plain fold holds."""

from __future__ import annotations

import datetime as dt
import hashlib
import math

import pytest
from creditgraph.graph.bulk import Fold
from creditgraph.graph.packed import PackedFold, pack, unpack
from creditgraph.graph.records import EdgeRow, NodeRow
from creditgraph.loaders.pipeline import load_paths
from creditgraph.synth.generate import generate


def _digest(fold: Fold) -> str:
    """Every record with the exact type of every value (``repr``: a date is not its text, 1 not 1.0)."""
    records = (list(fold.labels.items()), list(fold.nodes.items()), list(fold.edges.items()))
    return hashlib.sha256(repr(records).encode("utf-8")).hexdigest()


@pytest.mark.parametrize("profile,dirty", [("full", 0.05), ("listed", 0.0)])
def test_a_packed_fold_holds_what_a_fold_holds(profile, dirty, tmp_path):
    generate(300, seed=7, out=tmp_path / "city", dirty=dirty, profile=profile, progress=False)
    folds = []
    for fold in (Fold(), PackedFold()):
        load_paths(fold, [tmp_path / "city" / "data"], hash_key="test-key",
                   report_dir=tmp_path / type(fold).__name__, progress=False)
        folds.append(fold)
    plain, packed = folds
    assert len(plain.nodes) > 1000 and len(plain.edges) > 1000
    assert _digest(packed) == _digest(plain)
    assert packed.counts() == plain.counts()
    assert packed.to_tables(["name", "founded"], ["role"]).nodes["Company"].equals(
        plain.to_tables(["name", "founded"], ["role"]).nodes["Company"])


def test_a_packed_fold_merges_rows_as_a_fold_does():
    d1, d2 = dt.date(2019, 1, 1), dt.date(2020, 1, 1)
    rows = [NodeRow("Company", "co:name:甲", {"name": "甲", "status": "存续", "founded": d2}, "s1", "1", d2),
            NodeRow("Company", "co:name:甲", {"status": "注销", "city": None}, "s2", "9", d1),
            NodeRow("Person", "pe:test:张", {"name": "张"}, "s1", "2", d1)]
    edges = [EdgeRow("LEGAL_REP_OF", "pe:test:张", "co:name:甲", {}, "s1", "3", d1),
             EdgeRow("LEGAL_REP_OF", "pe:test:张", "co:name:甲", {}, "s2", "4", d2)]
    many = [NodeRow("Address", "ad:集群注册", {"text": "集群注册", "city": str(i)}, "s1", str(i), d1) for i in range(9)]
    plain, packed = Fold(), PackedFold()
    for fold in (plain, packed):
        fold.upsert_nodes(rows + many)
        fold.upsert_edges(edges)
    assert _digest(packed) == _digest(plain)
    assert isinstance(packed.nodes._d["co:name:甲"], bytes) and isinstance(packed.nodes._d["ad:集群注册"], dict)
    assert packed.nodes["co:name:甲"]["founded"] == d2 and packed.nodes.get("co:name:乙") is None


@pytest.mark.parametrize("value", [
    "甲", "", 0, 1, -2**63, 2**63 - 1, 1.0, -0.0, 0.1, 1e300, True, False, None, dt.date(1, 1, 1),
    dt.date(2024, 2, 29), ["gsxt", "zxgk"], [], "a\x00b", "\U0001f600",
    # kept as the dict itself: the text would not give these back as they were
    math.nan, math.inf, -math.inf, 2**64, (1, 2), ("a",), [1, "a"], [dt.date(2020, 1, 1)],
    dt.datetime(2020, 1, 1, 12, 0), "\ud800", {"a": 1}, b"x",
])
def test_packing_gives_back_exactly_what_it_was_given(value):
    props = {"name": "甲", "v": value, "first_seen": dt.date(2020, 1, 1)}
    back = unpack(pack(props))
    assert repr(back) == repr(props)
    assert [type(v) for v in back.values()] == [type(v) for v in props.values()]
    assert back is not props
