"""The real datasets in ../shared/data load cleanly, idempotently and identically on both stores."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from creditgraph.loaders.pipeline import load_paths

pytestmark = pytest.mark.shared_data

KEY = "test-hash-key"
TAIFU = "co:uscc:91230199744190927K"


def _canonical(G):
    nodes = sorted((n, tuple(sorted((k, repr(v)) for k, v in d.items()))) for n, d in G.nodes(data=True))
    edges = sorted((u, v, k, tuple(sorted((a, repr(b)) for a, b in d.items())))
                   for u, v, k, d in G.edges(keys=True, data=True))
    return nodes, edges


@pytest.fixture(scope="module")
def subset(shared_data, tmp_path_factory) -> Path:
    """Every dataset, the two big ones cut to their first rows (copied to a temp folder)."""
    out = tmp_path_factory.mktemp("subset")
    for name in ("cn_dishonest_debtor_case_taifu", "cn_p2p_equity_graph_sample", "at_bmf_shell_companies"):
        shutil.copytree(shared_data / name, out / name)
    listed, dst = shared_data / "cn_listed_company_graph", out / "cn_listed_company_graph"
    dst.mkdir()
    basic = (listed / "company_basic_info.tsv").read_text(encoding="utf-8").splitlines()[:121]
    (dst / "company_basic_info.tsv").write_text("\n".join(basic) + "\n", encoding="utf-8")
    codes = {line.split("\t")[1] for line in basic[1:]}
    for name in ("keydirector_info.tsv", "shareholder_info.tsv"):
        lines = (listed / name).read_text(encoding="utf-8").splitlines()
        keep = [lines[0]] + [l for l in lines[1:] if l.split("\t")[1] in codes]
        (dst / name).write_text("\n".join(keep) + "\n", encoding="utf-8")
    ashare, dst = shared_data / "cn_ashare_executives_2018", out / "cn_ashare_executives_2018"
    dst.mkdir()
    shutil.copy(ashare / "stock_industry_prep.csv", dst)
    lines = (ashare / "executive_prep.csv").read_text(encoding="utf-8").splitlines()[:801]
    (dst / "executive_prep.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def reference(subset, tmp_path_factory) -> tuple:
    """The subset loaded into the memory store (the contract's semantics): the graph and the counts
    every store must hold after loading it."""
    from creditgraph.graph.memory import MemoryGraphStore

    memory = MemoryGraphStore()
    load_paths(memory, [subset], hash_key=KEY, report_dir=tmp_path_factory.mktemp("reference"), progress=False)
    return _canonical(memory.export()), memory.counts().as_dict()


def test_taifu_case_links_person_firm_records_and_judgments(store, shared_data, tmp_path):
    report = load_paths(store, [shared_data / "cn_dishonest_debtor_case_taifu"], hash_key=KEY,
                        report_dir=tmp_path, progress=False)
    assert report.rows_read == 129 and report.rows_quarantined == 0
    counts = store.counts()
    # 59 list rows in two layouts are 30 distinct (case number, debtor) records once the
    # brackets of the case numbers are normalised: 29 cases appear in both layouts.
    assert counts.nodes["DishonestRecord"] == 30
    firm = store.get(TAIFU)
    assert firm.props["name"] == "哈尔滨泰富电气有限公司" and firm.props["founded"] == "2003-04-10"
    # Each source names 杨天夫 in its own context (the registry row, a list entry's firm, one
    # judgment); loading never merges people by name alone — entity resolution joins them.
    yangs = store.search("杨天夫", labels=["Person"], limit=200)
    assert len(yangs) > 1 and {y.name for y in yangs} == {"杨天夫"}
    legal, parties = set(), 0
    for y in yangs:
        hood = store.neighbourhood(y.key, hops=1, limit=500)
        legal |= {e.end for e in hood.edges if e.type == "LEGAL_REP_OF" and e.start == y.key}
        parties += sum(1 for e in hood.edges if e.type == "PARTY_TO" and e.start == y.key)
    assert TAIFU in legal and "co:name:哈尔滨泰富小额贷款有限公司" in legal
    assert parties >= 25


def test_every_dataset_loads_clean_into_the_same_graph_on_every_store_and_reloads_to_it(store, subset, reference,
                                                                                        tmp_path):
    """Each store holds the reference graph after loading the real data (so the embedded store and
    Neo4j hold the same one), and a second load changes nothing."""
    first = load_paths(store, [subset], hash_key=KEY, report_dir=tmp_path / "1", progress=False)
    assert first.rows_quarantined == 0, first.top_reasons()
    assert {f.layout for f in first.files} == {
        "listed_company_basic", "listed_company_officers", "listed_company_shareholders",
        "ashare_executives", "ashare_industry", "dishonest_zxgk", "dishonest_aggregator",
        "taifu_registration", "judgments", "p2p_nodes", "p2p_edges", "at_bmf_shell_companies"}
    before = _canonical(store.export())
    assert (before, store.counts().as_dict()) == reference
    second = load_paths(store, [subset], hash_key=KEY, report_dir=tmp_path / "2", progress=False)
    assert second.nodes_created == {k: 0 for k in second.nodes_created}
    assert second.edges_created == {k: 0 for k in second.edges_created}
    assert _canonical(store.export()) == before


def test_p2p_equity_sample(store, shared_data, tmp_path):
    load_paths(store, [shared_data / "cn_p2p_equity_graph_sample"], hash_key=KEY, report_dir=tmp_path,
               progress=False)
    centre = "co:name:深圳前海图腾互联网金融服务有限公司"
    hood = store.neighbourhood(centre, hops=1)
    holders = {e.start: e.props.get("ratio") for e in hood.edges if e.type == "SHAREHOLDER_OF" and e.end == centre}
    luo = [n.key for n in hood.nodes if n.name == "罗润超"][0]
    assert holders[luo] == pytest.approx(0.4655)
    roles = {e.props.get("role") for e in hood.edges if e.type == "OFFICER_OF" and e.start == luo}
    assert {"总经理", "董事长"} <= roles
    assert any(e.type == "LEGAL_REP_OF" and e.start == luo for e in hood.edges)
