"""Person resolution: evidence links records, contradictions and reviewers stop links,
a name alone never does, and the shipped model meets its targets on an unseen city."""

from __future__ import annotations

import networkx as nx
import pytest

from creditgraph.analytics.resolve.companies import company_canonical
from creditgraph.analytics.resolve.evaluate import pair_metrics
from creditgraph.analytics.resolve.mentions import mentions
from creditgraph.analytics.resolve.pairs import FEATURES, candidate_pairs, contradiction
from creditgraph.analytics.resolve import persons
from creditgraph.analytics.resolve.persons import Link, Model, resolve_persons, resolve_persons_at
from creditgraph.training.cities import HASH_KEY, city_graph
from creditgraph.training.persons import fit, labelled_pairs
from creditgraph.synth.truth import load_truth, mention_keys

FIRM, OTHER = "co:uscc:91350102MA2Y00000X", "co:uscc:91350103MA2Y00001X"


def _graph(*people, firms=(FIRM, OTHER)):
    G = nx.MultiDiGraph()
    for f in firms:
        G.add_node(f, label="Company", name=f)
    for key, props, roles in people:
        G.add_node(key, label="Person", **props)
        for firm, type_ in roles:
            G.add_edge(key, firm, key=type_, type=type_)
    return G


FULL = {"name": "林建国", "id_hash": "h1", "id_masked": "3501021972****3656", "birth_date": "1972-03-05", "sex": "M"}


def test_masked_list_entry_links_to_the_registry_holder_of_a_compatible_id():
    G = _graph(("pe:gsxt:id:h1", FULL, [(FIRM, "LEGAL_REP_OF")]),
               ("pe:zxgk:林建国@a", {"name": "林建国", "id_masked": "3501021972****3656"}, []))
    res = resolve_persons(G)
    assert res.canonical["pe:gsxt:id:h1"] == res.canonical["pe:zxgk:林建国@a"]
    (link,) = res.links
    assert link.evidence["id_overlap"] == 14 and link.evidence["same_last4"]


def test_a_visible_id_character_that_differs_rules_the_pair_out():
    G = _graph(("pe:gsxt:id:h1", FULL, []),
               ("pe:zxgk:林建国@b", {"name": "林建国", "id_masked": "3501021973****3656"}, []))
    ms = mentions(G)
    assert "ID characters [10]" in contradiction(ms["pe:gsxt:id:h1"], ms["pe:zxgk:林建国@b"])
    assert len(set(resolve_persons(G).canonical.values())) == 2


def test_same_name_alone_is_never_a_candidate():
    G = _graph(("pe:gsxt:林建国@1", {"name": "林建国"}, [(FIRM, "OFFICER_OF")]),
               ("pe:gsxt:林建国@2", {"name": "林建国"}, [(OTHER, "OFFICER_OF")]))
    assert list(candidate_pairs(mentions(G))) == []


def test_a_name_at_the_same_firm_joins_the_id_holder():
    G = _graph(("pe:gsxt:id:h1", FULL, [(FIRM, "LEGAL_REP_OF")]),
               ("pe:gsxt:林建国@1", {"name": "林建国"}, [(FIRM, "OFFICER_OF")]))
    res = resolve_persons(G)
    assert res.canonical["pe:gsxt:林建国@1"] == res.canonical["pe:gsxt:id:h1"]
    assert res.links[0].evidence["shared_firms"] == [FIRM]


def test_a_name_only_record_cannot_chain_two_different_id_holders():
    other = {**FULL, "id_hash": "h2", "id_masked": "3501021980****1234", "birth_date": "1980-01-01"}
    G = _graph(("pe:gsxt:id:h1", FULL, [(FIRM, "LEGAL_REP_OF")]), ("pe:gsxt:id:h2", other, [(FIRM, "SHAREHOLDER_OF")]),
               ("pe:gsxt:林建国@1", {"name": "林建国"}, [(FIRM, "OFFICER_OF")]))
    res = resolve_persons(G)
    assert res.canonical["pe:gsxt:id:h1"] != res.canonical["pe:gsxt:id:h2"]
    assert any("clusters contradict" in why for _, why in res.refused)


def test_a_not_same_judgement_wins_over_the_model_and_same_forces_a_link():
    G = _graph(("pe:gsxt:id:h1", FULL, [(FIRM, "LEGAL_REP_OF")]),
               ("pe:gsxt:林建国@1", {"name": "林建国"}, [(FIRM, "OFFICER_OF")]),
               ("pe:gsxt:林建国@2", {"name": "林建国"}, [(OTHER, "OFFICER_OF")]))
    res = resolve_persons(G, judgements=[("pe:gsxt:id:h1", "pe:gsxt:林建国@1", "not_same"),
                                         ("pe:gsxt:林建国@2", "pe:gsxt:id:h1", "same")])
    assert res.canonical["pe:gsxt:林建国@1"] != res.canonical["pe:gsxt:id:h1"]
    assert res.canonical["pe:gsxt:林建国@2"] == res.canonical["pe:gsxt:id:h1"]
    assert any("reviewer judged" in why for _, why in res.refused)


def test_gender_or_age_that_differ_keep_board_members_apart():
    board = [(FIRM, "OFFICER_OF")]
    G = _graph(("pe:a:宋军@1", {"name": "宋军", "sex": "M", "age": 48, "age_as_of": "2018-06-30"}, board),
               ("pe:a:宋军@2", {"name": "宋军", "sex": "M", "age": 61, "age_as_of": "2018-06-30"}, board),
               ("pe:a:宋军@3", {"name": "宋军", "sex": "F", "age": 48, "age_as_of": "2018-06-30"}, board))
    assert len(set(resolve_persons(G).canonical.values())) == 3


@pytest.fixture(scope="module")
def city_resolution(city):
    G = city_graph(city)
    truth = mention_keys(city, hash_key=HASH_KEY)
    firms = company_canonical(G)
    return G, truth, mentions(G, firms), resolve_persons(G, company_canonical=firms)


def test_shipped_model_meets_the_targets_on_an_unseen_city(city_resolution):
    # person_model.json was trained on a 20k city with seed 11; the fixture is seed 7
    G, truth, ms, res = city_resolution
    m = pair_metrics(res.canonical, truth, ms)
    assert m["masked"]["precision"] >= 0.99 and m["masked"]["f1"] >= 0.97, m
    # name-only records are now joined across firms by context (all-pairs recall 0.76 here, was 0.67)
    # without giving up precision: co-officer names vouch only when rare ones are shared
    assert m["all"]["precision"] >= 0.99 and m["all"]["recall"] >= 0.74, m


@pytest.fixture(scope="module")
def noid_city(tmp_path_factory):
    """The standard city (1,000 companies, seed 7) with the registry's person-ID columns blanked."""
    from creditgraph.training.cities import make_city

    return make_city(tmp_path_factory.mktemp("noid_city"), 1000, seed=7, profile="noid")


@pytest.fixture(scope="module")
def noid_resolution(noid_city):
    G = city_graph(noid_city)
    truth = mention_keys(noid_city, hash_key=HASH_KEY)
    firms = company_canonical(G)
    return G, truth, mentions(G, firms), resolve_persons(G, company_canonical=firms)


@pytest.mark.parametrize("which", ["full", "noid"])
def test_honest_namesakes_are_not_merged_with_repeat_offenders(which, city, noid_city, request):
    # without ID numbers the twin and the offender differ only in context: the twin's clean
    # firm shares nothing with the offender's
    G, truth, ms, res = request.getfixturevalue("city_resolution" if which == "full" else "noid_resolution")
    city = city if which == "full" else noid_city
    decoys = load_truth(city).of("same_name")
    assert decoys
    cluster_pids: dict[str, set[int]] = {}
    for k, pid in truth.items():
        cluster_pids.setdefault(res.canonical[k], set()).add(pid)
    for decoy in decoys:
        twin, offender = decoy["persons"][0], decoy["facts"]["namesake_of"]
        assert not any({twin, offender} <= pids for pids in cluster_pids.values()), decoy["id"]


def test_without_ids_context_joins_people_and_keeps_precision(noid_resolution):
    from creditgraph.analytics.resolve.evaluate import inferable_pairs, noid_metrics
    from creditgraph.analytics.resolve.mentions import firm_context

    G, truth, ms, res = noid_resolution
    firms = company_canonical(G)
    m = noid_metrics(res.canonical, truth, ms, inferable_pairs(ms, truth, firm_context(G, firms)))
    # Measured: precision 0.989, recall 0.74 of the pairs context could join. The target
    # (0.99 / 0.9) is not met: most of the rest hang on one co-officer name that is common, which
    # this resolution refuses to trust (it merged 2 % of name-only pairs wrongly when it did).
    assert m["precision"] >= 0.985 and m["recall_inferable"] >= 0.72, m


def test_threshold_comes_from_the_held_out_precision_recall_curve(city_resolution):
    G, truth, ms, _ = city_resolution
    X, y = labelled_pairs(ms, truth)
    model, report = fit(X, y, min_precision=0.99)
    assert report["held_out_precision"] >= 0.99 and 0 < model.threshold < 1
    assert len(model.coef) == len(FEATURES)
    shipped = Model.load()
    assert shipped.provenance["held_out_precision"] >= shipped.provenance["min_precision"]


def test_resolving_at_several_thresholds_at_once_equals_one_run_each(noid_resolution, monkeypatch):
    """``resolve_persons_at`` (evaluate's curve) scores the candidates once and clusters in one
    greedy pass; each threshold's result is what a run with the model's threshold set to it
    gives: links, keys, refusals."""
    G, _, _, default = noid_resolution
    base = Model.load()
    firms = company_canonical(G)
    thresholds = (0.05, base.threshold, 0.95)
    per_threshold = persons._cluster
    monkeypatch.setattr(persons, "_cluster", lambda *a: pytest.fail("clustered per threshold, not in one pass"))
    at = resolve_persons_at(G, thresholds, model=base, company_canonical=firms)
    monkeypatch.setattr(persons, "_cluster", per_threshold)  # for the runs one threshold at a time
    assert list(at) == list(thresholds)
    for t in thresholds:
        one = resolve_persons(G, model=Model(base.coef, base.intercept, t, base.provenance), company_canonical=firms)
        assert (at[t].links, at[t].canonical, at[t].refused, at[t].candidates) == (
            one.links, one.canonical, one.refused, one.candidates)
    assert at[base.threshold].canonical == default.canonical
    assert len(at[0.05].links) > len(at[0.95].links)


def test_a_rounded_score_tie_across_a_threshold_clusters_each_threshold_on_its_own():
    """Links merge best first by rounded score, then keys: a link under the threshold can come
    before one over it. Then one greedy pass would merge in another order, so each threshold
    is clustered on its own, and the results are still a run each's."""
    G = _graph(*((f"pe:gsxt:林建国@{x}", {"name": "林建国"}, [(FIRM, "OFFICER_OF")]) for x in "abc"))
    ms, _ = persons.mentions_of(G, {})
    a, b, c = sorted(ms)
    scored = [(Link(a, b, 0.5, {}), None, 0.49996), (Link(a, c, 0.5, {}), None, 0.50004)]
    at = persons._cluster_at(ms, scored, 2, [0.5, 0.4])
    for t in (0.5, 0.4):
        one = persons._cluster(ms, *persons._above(scored, t), 2, [], {})
        assert (at[t].links, at[t].canonical, at[t].refused) == (one.links, one.canonical, one.refused)
    assert [l.b for l in at[0.5].links] == [c] and len(set(at[0.4].canonical.values())) == 1


def test_pairs_are_counted_as_pair_by_pair(city_resolution):
    """``pair_metrics`` counts pairs and masked pairs per group with array operations: the same
    counts as checking every pair of every cluster and of every true person."""
    from itertools import combinations

    from creditgraph.analytics.resolve.evaluate import _masked_pair

    G, truth, ms, res = city_resolution
    clusters: dict[str, list[str]] = {}
    people: dict[int, list[str]] = {}
    for k in (k for k in truth if k in res.canonical):
        clusters.setdefault(res.canonical[k], []).append(k)
        people.setdefault(truth[k], []).append(k)

    def masked(groups, only=True):
        return [(a, b) for g in groups.values() for a, b in combinations(g, 2)
                if not only or _masked_pair(ms[a], ms[b])]

    got = pair_metrics(res.canonical, truth, ms)
    for part, only in (("masked", True), ("all", False)):
        predicted, m = masked(clusters, only), got[part]
        assert (m["predicted_pairs"], m["true_pairs"], m["correct_pairs"]) == (
            len(predicted), len(masked(people, only)), sum(truth[a] == truth[b] for a, b in predicted))
        assert m["correct_pairs"] > 100


def _comparable(res):
    return (sorted((l.a, l.b, l.score, l.method, repr(sorted(l.evidence.items()))) for l in res.links),
            res.canonical, sorted((l.a, l.b, why) for l, why in res.refused), res.candidates)


@pytest.mark.parametrize("which", ["city_resolution", "noid_resolution"])
def test_resolving_a_batch_of_names_at_a_time_equals_resolving_all_at_once(which, request):
    """Batches of whole name blocks (what keeps a 1M city's people within memory) give the same
    links, clusters, refusals and candidates as one batch, with reviewer judgements and earlier
    clusters that tie records of different names, full and incremental."""
    G, _, ms, whole = request.getfixturevalue(which)
    firms = company_canonical(G)
    by_name: dict[str, list[str]] = {}
    for k, m in ms.items():
        by_name.setdefault(m.name, []).append(k)
    names = sorted(by_name, key=lambda n: (-len(by_name[n]), n))
    pair = next(n for n in reversed(names) if len(by_name[n]) == 2)
    (a, b, a2), (c, c2) = by_name[names[0]][:3], by_name[pair]   # c: another name, another batch
    judged = [(a, c, "same"), (a, b, "not_same")]
    for kw in ({}, {"judgements": judged}):
        one = resolve_persons(G, company_canonical=firms, **kw)
        many = resolve_persons(G, company_canonical=firms, batch=len(ms) // 7, **kw)
        assert _comparable(many) == _comparable(one)
        assert kw or _comparable(one) == _comparable(whole)
    assert many.canonical[a] == many.canonical[c] != many.canonical[b]

    H = G.copy()
    for k, r in one.canonical.items():
        H.nodes[k]["resolved"] = r
    for k in (a2, c2, by_name[names[1]][0]):   # new records under three names
        del H.nodes[k]["resolved"]
    one = resolve_persons(H, company_canonical=firms, incremental=True)
    many = resolve_persons(H, company_canonical=firms, incremental=True, batch=2)
    assert _comparable(many) == _comparable(one)
    assert many.canonical[c] == many.canonical[a] and {a2, c2} <= many.canonical.keys()
