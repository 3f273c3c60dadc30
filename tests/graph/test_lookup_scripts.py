"""Search finds names in either script and stock codes bare or with their market, on both stores."""

from __future__ import annotations

from creditgraph.graph.lookup import interpret, lookup
from creditgraph.graph.name_index import NameIndex
from creditgraph.graph.records import NodeRow
from creditgraph.loaders.mapping import BUILTIN_DIR, load_mapping
from creditgraph.loaders.pipeline import load_paths

EXAMPLES = BUILTIN_DIR / "examples"
KEY = "test-hash-key"


def _load(store, tmp_path):
    load_paths(store, [EXAMPLES / "tw_listed_directors.csv"], hash_key=KEY, report_dir=tmp_path,
               mapping=load_mapping(EXAMPLES / "tw_listed_directors.yaml"), progress=False)
    # a Shenzhen firm whose code is Taiwan's 2330 padded: it must stay apart
    store.upsert_nodes([NodeRow("Company", "co:stock:SZ:002330",
                                {"name": "深圳甲股份有限公司", "stock_code": "002330.SZ",
                                 "name_key": "深圳甲股份有限公司"}, "test", "1"),
                        NodeRow("Company", "co:stock:TW:2330",
                                {"name": "乙積體電路股份有限公司", "stock_code": "2330.TW",
                                 "name_key": "乙积体电路股份有限公司"}, "test", "2")])


def _keys(hits):
    return sorted(h.entity.key for h in hits)


def test_a_name_in_either_script_finds_the_same_entities(store, tmp_path):
    _load(store, tmp_path)
    names = NameIndex.build(store)
    for via in (None, names):
        trad = _keys(lookup(store, "莊永順", hash_key=KEY, names=via)[1])
        simp = _keys(lookup(store, "庄永顺", hash_key=KEY, names=via)[1])
        assert trad == simp and len(trad) == 2  # one person at each of two firms
        assert {store.get(k).name for k in trad} == {"莊永順"}  # stored as published
        firm = _keys(lookup(store, "瑞丰农经", hash_key=KEY, names=via)[1])
        assert firm == _keys(lookup(store, "瑞豐農經", hash_key=KEY, names=via)[1]) == ["co:stock:TW:9901"]
    # the in-memory index alone, by substring
    assert sorted(names.search("永顺")) == sorted(names.search("永順")) == trad


def test_stock_codes_are_found_bare_or_with_their_market_and_never_cross(store, tmp_path):
    _load(store, tmp_path)
    assert interpret("2330", hash_key=KEY)[0] == "stock"
    assert _keys(lookup(store, "2330", hash_key=KEY)[1]) == ["co:stock:TW:2330"]
    assert _keys(lookup(store, "2330.TW", hash_key=KEY)[1]) == ["co:stock:TW:2330"]
    assert _keys(lookup(store, "002330", hash_key=KEY)[1]) == ["co:stock:SZ:002330"]
    assert _keys(lookup(store, "002330.sz", hash_key=KEY)[1]) == ["co:stock:SZ:002330"]
    assert _keys(lookup(store, "9901", hash_key=KEY)[1]) == ["co:stock:TW:9901"]
