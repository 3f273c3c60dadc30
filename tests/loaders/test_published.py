"""Real data as published: names kept byte for byte, roles made canonical, stock codes in their
market, organisation-held seats as two linked entities (issue 20)."""

from __future__ import annotations

import csv

import pytest

from creditgraph import normalize as nz
from creditgraph.errors import MappingError
from creditgraph.loaders.keys import node_key
from creditgraph.loaders.mapping import BUILTIN_DIR, Condition, load_mapping
from creditgraph.loaders.pipeline import load_paths
from creditgraph.loaders.transforms import stock_code
from creditgraph.roles import canonical_roles, has_role, roles
from recording import RecordingStore

EXAMPLES = BUILTIN_DIR / "examples"
KEY = "test-hash-key"


@pytest.fixture(scope="module")
def tw(tmp_path_factory):
    store = RecordingStore()
    report = load_paths(store, [EXAMPLES / "tw_listed_directors.csv"], hash_key=KEY,
                        report_dir=tmp_path_factory.mktemp("report"),
                        mapping=load_mapping(EXAMPLES / "tw_listed_directors.yaml"), progress=False)
    return store, report


def _sample_rows():
    with (EXAMPLES / "tw_listed_directors.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_traditional_sample_is_stored_byte_identical(tw):
    store, report = tw
    assert report.rows_quarantined == 0
    stored = {n.props["name"] for n in store.nodes.values()}
    published = {r["公司名稱"] for r in _sample_rows()} | {
        p for r in _sample_rows() for p in r["姓名"].replace("－", "-").split("-")}
    assert stored <= published  # every stored name is a cell's text, byte for byte
    # ... and every cell is stored, but for one seat holder written twice (（股） and (股)):
    # one firm under one key, whose name is the text of the row written last
    assert published - stored == {"鴻達投資(股)"}
    roles_stored = {e.props["role"] for e in store.edges.values() if e.type == "OFFICER_OF"}
    assert roles_stored == {r["職稱"] for r in _sample_rows()}  # posts as published too


def test_script_variants_are_not_merged_at_load(tw):
    store, _ = tw
    firm = "co:stock:TW:9901"
    at_firm = sorted(store.nodes[e.start].props["name"] for e in store.edges.values()
                     if e.type == "OFFICER_OF" and e.end == firm and e.start.startswith("pe:"))
    assert at_firm == sorted(["莊永順", "李世傑", "李世杰", "韓千山"])


def test_name_key_is_the_simplified_match_form(tw):
    store, _ = tw
    by_name = {n.props["name"]: n.props for n in store.nodes.values() if "name" in n.props}
    assert by_name["莊永順"]["name_key"] == "庄永顺"
    assert by_name["李世傑"]["name_key"] == by_name["李世杰"]["name_key"] == "李世杰"
    assert by_name["瑞豐農經股份有限公司"]["name_key"] == "瑞丰农经股份有限公司"
    assert nz.name_key("哈尔滨泰富电气有限责任公司") == nz.name_key("哈爾濱泰富電氣有限公司")
    assert nz.name_key("甲（股）") == nz.name_key("甲(股)")


def test_the_functions_resolution_uses_keep_their_behaviour():
    assert nz.normalize_person_name(" 楊 天 夫 ") == "杨天夫"
    assert nz.to_simplified(nz.normalize_person_name("莊永順")) == "庄永顺"
    assert nz.normalize_company_name("哈爾濱泰富電氣有限公司") == "哈尔滨泰富电气有限公司"


@pytest.mark.parametrize("post", ["獨立董事", "独立董事", "Independent Director", "independent  director",
                                  "独立董事(历任)", "dldsxr", "獨立董事（離任）"])
def test_independent_director_is_one_canonical_role_in_every_script(post):
    assert canonical_roles(post) == ("independent_director",)
    assert has_role(post, "independent_director")


@pytest.mark.parametrize("post, expected", [
    ("董事兼總經理", ("director", "general_manager")),
    ("执行董事兼总经理", ("executive_director", "general_manager")),
    ("董事、总经理", ("director", "general_manager")),
    ("Director & CEO", ("director", "general_manager")),
    ("董事长/董事", ("chair", "director")),
    ("董事会秘书", ("board_secretary",)),  # a whole post is not split
    ("董事會秘書", ("board_secretary",)),
    ("監察人", ("supervisor",)),
    ("dsz", ("chair",)), ("zjl", ("general_manager",)), ("dshms", ("board_secretary",)),
    ("gsds", ("director",)), ("gsjs", ("supervisor",)), ("gsgg", ("executive",)),
    ("法人董事代表人", ("juristic_person_director_representative",)),
    ("大股東", ("major_holder",)),
    ("园丁", ()), ("", ()), (None, ()),
])
def test_combined_posts_split_into_canonical_roles(post, expected):
    assert canonical_roles(post) == expected


def test_every_role_has_simplified_traditional_or_english_spellings():
    vocab = roles()
    for rid in ("legal_rep", "chair", "vice_chair", "director", "independent_director", "supervisor",
                "chief_supervisor", "general_manager", "deputy_general_manager", "cfo", "board_secretary",
                "manager", "juristic_person_director_representative", "major_holder", "executive_director",
                "employee_supervisor"):
        assert canonical_roles(vocab[rid].label) == (rid,)
        assert canonical_roles(vocab[rid].en) == (rid,)
    with pytest.raises(KeyError):
        has_role("董事", "no_such_role")


def test_officer_edges_carry_canonical_roles(tw):
    store, _ = tw
    got = {(e.props["role"], tuple(e.props["roles"])) for e in store.edges.values() if e.type == "OFFICER_OF"}
    assert ("董事兼總經理", ("director", "general_manager")) in got
    assert ("獨立董事", ("independent_director",)) in got
    assert ("財務主管", ("cfo",)) in got


def test_stock_keys_of_two_markets_never_collide():
    sz, tw = stock_code("002330"), stock_code("2330", market="TW")
    assert (sz, tw) == ("002330.SZ", "2330.TW")
    keys = {node_key("Company", {"stock_code": c, "name": "x"}, source="s") for c in (sz, tw)}
    assert keys == {"co:stock:SZ:002330", "co:stock:TW:2330"}
    assert stock_code("000002.SZ") == "000002.SZ" and stock_code("600000") == "600000.SH"
    assert stock_code("2330.tw") == "2330.TW"
    with pytest.raises(ValueError, match="names no market"):
        stock_code("2330")  # never padded into Shenzhen's 002330


def test_an_unknown_transform_option_is_an_error(tmp_path):
    text = (EXAMPLES / "tw_listed_directors.yaml").read_text(encoding="utf-8")
    path = tmp_path / "m.yaml"
    path.write_text(text.replace("market: TW", "markt: TW"), encoding="utf-8")
    with pytest.raises(MappingError, match="unknown option"):
        load_mapping(path)


def test_seats_held_by_organisations_are_counted(tw):
    store, _ = tw
    seats = [e for e in store.edges.values() if e.type == "OFFICER_OF" and e.start.startswith("co:")]
    holders = {}
    for e in seats:
        holders.setdefault(store.nodes[e.start].props["name"], []).append(e.props["role"])
    # 鴻達投資 holds three seats (one written with full-width brackets and dash: the same firm)
    assert sorted(len(v) for v in holders.values()) == [1, 3]
    assert sorted(holders[next(n for n in holders if n.startswith("鴻達"))]) == sorted(["董事", "董事長", "監察人"])
    reps = [e for e in store.edges.values() if e.type == "REPRESENTS"]
    assert sorted(store.nodes[e.start].props["name"] for e in reps) == ["王志明", "陳美玲", "陳美玲"]
    assert len({e.start for e in reps}) == 2  # 陳美玲 is one person at the organisation she represents
    assert all(store.nodes[e.end].label == "Company" for e in reps)


@pytest.mark.parametrize("when, row, holds", [
    (Condition("a", "gt", 0.0), {"a": "1,200"}, True),
    (Condition("a", "gt", 0.0), {"a": "0"}, False),
    (Condition("a", "gt", 0.0), {"a": "n/a"}, False),
    (Condition("a", "le", 5.0), {"a": "5"}, True),
    (Condition("a", "present", True, frozenset({"不適用"})), {"a": "不適用"}, False),
    (Condition("a", "equals", "x", frozenset({"x"})), {"a": "x"}, False),  # a null value is absent
    (Condition(None, "not", None, frozenset(), Condition("a", "contains", "代表")), {"a": "法人代表"}, False),
    (Condition(None, "not", None, frozenset(), Condition("a", "contains", "代表")), {"a": None}, True),
])
def test_when_conditions(when, row, holds):
    assert when.holds(row) is holds


def test_keys_of_simplified_data_are_unchanged():
    """A store loaded before names were kept as published keeps its keys for Simplified data."""
    assert node_key("Company", {"name": "哈尔滨泰富电气有限公司（中外合资）"}, source="s") == \
        "co:name:哈尔滨泰富电气有限公司(中外合资)"
    assert node_key("Person", {"name": "杨 天 夫"}, source="s") == "pe:s:杨天夫"
    assert node_key("DishonestRecord", {"case_no": "(2019)闽01执1号", "subject_name": "福州甲有限公司（分公司）"},
                    source="s") == "dr:(2019)闽01执1号:福州甲有限公司(分公司)"
