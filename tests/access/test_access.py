"""The disclosure service (creditgraph/access.py) as each role meets it: which fields of persons,
records and firms it sees, which actions it may take, and that it refuses — not merely hides —
the rest. The expected matrix is written out here, so a change to access.yaml has to be made
on purpose in both places.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from creditgraph.access import Policy, mask_name
from creditgraph.errors import AccessDenied, CreditGraphError
from creditgraph.graph.lookup import Hit
from creditgraph.graph.records import Edge, Entity, Path, Subgraph

TODAY = dt.date(2026, 12, 6)
ROLES = ("public", "analyst", "regulator", "court", "admin")
MASKED = {"public", "analyst"}

#: role → the actions it may take (access.yaml); everything else is refused.
ACTIONS = {
    "public": {"search", "view"},
    "analyst": {"search", "view", "expand", "paths", "rankings", "export.csv"},
    "regulator": {"search", "search.id", "view", "expand", "paths", "hidden_assets", "rankings", "register",
                  "export.csv", "export.graphml", "export.pdf", "export.register", "governance"},
    "court": {"search", "search.id", "view", "expand", "paths", "hidden_assets", "rankings", "export.csv",
              "export.graphml", "export.pdf"},
    "admin": {"search", "search.id", "view", "expand", "paths", "hidden_assets", "rankings", "register", "export.csv",
              "export.graphml", "export.pdf", "export.register", "governance"},
}
ALL_ACTIONS = set().union(*ACTIONS.values())
PAGES = {
    "public": {"search", "entity"},
    "analyst": {"search", "entity", "paths", "rankings"},
    "regulator": {"search", "entity", "paths", "assets", "rankings", "audit", "governance"},
    "court": {"search", "entity", "paths", "assets", "rankings"},
    "admin": {"search", "entity", "paths", "assets", "rankings", "audit", "governance"},
}
#: role → the ID-derived person fields it sees.
ID_FIELDS = {
    "public": set(),
    "analyst": {"id_masked"},
    "regulator": {"id_masked", "birth_date", "birth_year", "sex", "region_code"},
    "court": {"id_masked", "birth_date", "birth_year", "sex", "region_code"},
    "admin": {"id_masked", "birth_date", "birth_year", "sex", "region_code", "id_hash"},
}
HOPS = {"public": 1, "analyst": 2, "regulator": 4, "court": 4, "admin": 4}

NAME = "张三明"
PERSON = Entity(f"pe:court:{NAME}@9f2c", "Person", {
    "name": NAME, "name_key": NAME, "id_masked": "3501021972****3656", "id_hash": "a1b2c3", "birth_date": "1972-05-04",
    "birth_year": 1972, "sex": "M", "region_code": "350102", "repeat_cases": 3, "repeat_flag": True,
    "repeat_reason": "3 cases at 2 courts over 4 years", "spread": 0.4, "resolved": f"pe:court:{NAME}@9f2c",
    "sources": ["court"], "source_ids": [f"court:{NAME}-1"]})
FIRM = Entity("co:uscc:91110105MA01ABCD2X", "Company", {
    "name": "北京泰富科技有限公司", "uscc": "91110105MA01ABCD2X", "region_code": "110105", "shell_score": 0.93,
    "shell_flag": True, "cluster": "c7",
    "shell_reasons": json.dumps([{"indicator": "rep_fronts_firms", "contribution": 1.2,
                                  "evidence": f"legal rep {NAME} is legal rep of 6 firms"}], ensure_ascii=False),
    "asset_hiding": json.dumps([{"debtor": PERSON.key, "via": PERSON.key, "mode": "new_firm"}], ensure_ascii=False),
    "sources": ["registry"], "source_ids": ["registry:1"]})
PERSON_RECORD = Entity(f"dr:(2020)京01执1号:{NAME}", "DishonestRecord", {
    "case_no": "(2020)京01执1号", "subject_name": NAME, "name": NAME, "subject_id_masked": "3501021972****3656",
    "court": "北京市第一中级人民法院", "published": "2020-06-01", "source_ids": [f"list:{NAME}"]})
FIRM_RECORD = Entity("dr:(2021)京01执2号:北京泰富科技有限公司", "DishonestRecord", {
    "case_no": "(2021)京01执2号", "subject_name": "北京泰富科技有限公司", "name": "北京泰富科技有限公司",
    "legal_rep_name": NAME, "published": "2021-01-01"})
OLD_PENALTY = Entity("pn:京市监罚〔2019〕1号", "Penalty", {
    "decision_no": "京市监罚〔2019〕1号", "subject_name": "北京泰富科技有限公司", "decided": "2019-03-01"})
NEW_PENALTY = Entity("pn:京市监罚〔2026〕9号", "Penalty", {
    "decision_no": "京市监罚〔2026〕9号", "subject_name": "北京泰富科技有限公司", "decided": "2026-03-01"})
REMOVED_LISTING = Entity("ab:abnormal:北京泰富科技有限公司:2022-01-01", "AbnormalListing", {
    "subject_name": "北京泰富科技有限公司", "listed": "2022-01-01", "removed": "2023-01-01"})
CASE = Entity("ca:(2020)京01民初1号", "Case", {"case_no": "(2020)京01民初1号", "name": f"{NAME}与李四借款合同纠纷",
                                              "title": f"{NAME}与李四借款合同纠纷一审民事判决书"})


@pytest.fixture(scope="module")
def policy() -> Policy:
    return Policy.load(secret="access-test-secret", today=lambda: TODAY)


def view(policy: Policy, role: str):
    return policy.for_role(role)


def everywhere(*things) -> str:
    return " ".join(repr(t) for t in things)


# -- the role matrix ----------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_actions_are_granted_and_refused_as_the_table_says(policy, role):
    d = view(policy, role)
    assert set(policy.actions) == ALL_ACTIONS
    for action in ALL_ACTIONS:
        assert d.may(action) == (action in ACTIONS[role]), action
        if action in ACTIONS[role]:
            d.require(action)
        else:
            with pytest.raises(AccessDenied, match=f"role {role} may not"):
                d.require(action)
    pages = ("search", "entity", "paths", "assets", "rankings", "audit", "governance")
    assert {p for p in pages if d.may_open(p)} == PAGES[role]
    assert not d.may_open("a-page-the-table-does-not-name")  # a new page stays shut until the table names it


@pytest.mark.parametrize("role", ROLES)
def test_a_person_s_name_key_and_id_fields(policy, role):
    d = view(policy, role)
    p = d.entity(PERSON)
    id_like = {"id_masked", "id_hash", "birth_date", "birth_year", "sex", "region_code"}
    assert id_like & set(p.props) == ID_FIELDS[role]
    if role in MASKED:
        assert p.name == "张*明" and p.props["name_key"] == "张*明"
        assert p.key.startswith("pe:~") and p.props["resolved"] == p.key
        assert "source_ids" not in p.props  # record ids may carry the name
        assert NAME not in everywhere(p)
        assert d.real_key(p.key) == PERSON.key
    else:
        assert p.name == NAME and p.key == PERSON.key and p.props["source_ids"] == PERSON.props["source_ids"]


@pytest.mark.parametrize("role", ROLES)
def test_inferences_per_role(policy, role):
    d = view(policy, role)
    firm, person = d.entity(FIRM), d.entity(PERSON)
    risk = {"shell_score", "shell_flag", "shell_reasons", "asset_hiding", "cluster"}
    if role == "public":
        assert not risk & set(firm.props) and "repeat_cases" not in person.props
        assert firm.props["uscc"] == FIRM.props["uscc"]  # published facts stay
        return
    assert risk <= set(firm.props) and person.props["repeat_cases"] == 3
    reasons = json.loads(firm.props["shell_reasons"])
    leads = json.loads(firm.props["asset_hiding"])
    if role == "analyst":  # scores and indicators, not the sentences that name people
        assert reasons == [{"indicator": "rep_fronts_firms", "contribution": 1.2}]
        assert leads[0]["debtor"].startswith("pe:~") and d.real_key(leads[0]["via"]) == PERSON.key
        assert NAME not in everywhere(firm)
    else:
        assert NAME in reasons[0]["evidence"] and leads[0]["debtor"] == PERSON.key


@pytest.mark.parametrize("role", ROLES)
def test_records_name_people_only_in_full_views(policy, role):
    d = view(policy, role)
    own, firms = d.entity(PERSON_RECORD), d.entity(FIRM_RECORD)
    case = d.entity(CASE)
    assert firms.props["subject_name"] == "北京泰富科技有限公司" and firms.key == d.key(FIRM_RECORD.key)
    if role in MASKED:
        assert own.props["subject_name"] == own.name == "张*明" and own.key.startswith("dr:~")
        assert firms.props["legal_rep_name"] == "张*明"
        assert case.name == "(2020)京01民初1号" and "title" not in case.props  # the parties' names
        assert NAME not in everywhere(own, firms, case)
    else:
        assert own.name == NAME and firms.props["legal_rep_name"] == NAME and NAME in case.name
    assert ("subject_id_masked" in own.props) == ("id_masked" in ID_FIELDS[role])


@pytest.mark.parametrize("role", ROLES)
def test_records_past_their_publicity_period(policy, role):
    d = view(policy, role)
    shows_expired = role not in MASKED
    assert d.entity(NEW_PENALTY).key == NEW_PENALTY.key
    for old in (OLD_PENALTY, REMOVED_LISTING):
        if shows_expired:
            assert d.entity(old).key == old.key
        else:
            with pytest.raises(AccessDenied, match="past its publicity period"):
                d.entity(old)
    kept = {e.key for e in d.entities([FIRM, OLD_PENALTY, NEW_PENALTY, REMOVED_LISTING])}
    assert (OLD_PENALTY.key in kept) == shows_expired and NEW_PENALTY.key in kept and FIRM.key in kept


def test_a_publicity_period_ends_on_its_last_day(policy):
    d = view(policy, "public")
    penalty = lambda decided: Entity("pn:x", "Penalty", {"decision_no": "x", "decided": decided})  # noqa: E731
    assert d.visible(penalty((TODAY - dt.timedelta(days=1094)).isoformat()))
    assert not d.visible(penalty((TODAY - dt.timedelta(days=1095)).isoformat()))
    assert d.visible(Entity("pn:y", "Penalty", {"decision_no": "y"}))  # undated: cannot be known to have expired


@pytest.mark.parametrize("role", ROLES)
def test_a_neighbourhood_as_each_role_sees_it(policy, role):
    d = view(policy, role)
    sub = Subgraph((FIRM, PERSON, PERSON_RECORD, OLD_PENALTY),
                   (Edge("LEGAL_REP_OF", PERSON.key, FIRM.key, {"source_ids": [f"registry:{NAME}"]}),
                    Edge("LISTED_IN", PERSON.key, PERSON_RECORD.key, {"match": "id"}),
                    Edge("LISTED_IN", FIRM.key, OLD_PENALTY.key, {"match": "uscc"}),
                    Edge("SAME_AS", PERSON.key, PERSON.key, {"evidence": json.dumps({"name": NAME})})),
                   {PERSON.key: 12})
    before = repr(sub)
    seen = d.subgraph(sub)
    assert repr(sub) == before  # a cached read is never changed
    keys = {n.key for n in seen.nodes}
    assert all(e.start in keys and e.end in keys for e in seen.edges)  # edges and nodes agree
    assert (d.key(OLD_PENALTY.key) in keys) == (role not in MASKED)
    assert d.key(PERSON.key) in seen.more
    if role in MASKED:
        assert NAME not in everywhere(seen)
        assert "evidence" not in next(e for e in seen.edges if e.type == "SAME_AS").props
    else:
        assert [n.key for n in seen.nodes] == [n.key for n in sub.nodes] and seen.edges == sub.edges
        assert [n.name for n in seen.nodes] == [n.name for n in sub.nodes]
    if role == "admin":
        assert seen == sub


@pytest.mark.parametrize("role", ROLES)
def test_search_by_id_number_needs_its_own_grant(policy, role):
    d = view(policy, role)
    hits = [Hit(PERSON, "id_hash", 0), Hit(OLD_PENALTY, "decision_no", 0)]
    if "search.id" in ACTIONS[role]:
        kind, shown = d.search(("id", hits))
        assert shown[0].entity.name == NAME
    else:
        with pytest.raises(AccessDenied, match="ID number"):
            d.search(("id", hits))
    kind, shown = d.search(("name", hits))
    assert [h.entity.key for h in shown] == [d.key(h.entity.key) for h in hits if d.visible(h.entity)]
    assert all(h.matched == hits[0].matched for h in shown[:1])


@pytest.mark.parametrize("role", ROLES)
def test_network_depth_and_path_length(policy, role):
    d = view(policy, role)
    assert d.max_hops == HOPS[role]
    d.require_hops(HOPS[role])
    with pytest.raises(AccessDenied, match=f"not {HOPS[role] + 1}"):
        d.require_hops(HOPS[role] + 1)
    assert d.neighbourhood(Subgraph((PERSON,), ()), HOPS[role]).nodes[0].key == d.key(PERSON.key)
    with pytest.raises(AccessDenied):
        d.neighbourhood(Subgraph((PERSON,), ()), HOPS[role] + 1)
    path = Path((FIRM, PERSON, PERSON_RECORD), (Edge("LEGAL_REP_OF", PERSON.key, FIRM.key),
                                                Edge("LISTED_IN", PERSON.key, PERSON_RECORD.key)))
    through_old = Path((FIRM, OLD_PENALTY), (Edge("LISTED_IN", FIRM.key, OLD_PENALTY.key),))
    if "paths" not in ACTIONS[role]:
        with pytest.raises(AccessDenied):
            d.paths([path], max_hops=2)
        return
    found = d.paths([path, through_old], max_hops=2 * HOPS[role])
    assert len(found) == (1 if role in MASKED else 2)
    assert found[0].nodes[1].key == d.key(PERSON.key)
    with pytest.raises(AccessDenied):
        d.paths([path], max_hops=2 * HOPS[role] + 1)


@pytest.mark.parametrize("role", ROLES)
def test_rankings_leads_and_listings(policy, role):
    d = view(policy, role)
    if "rankings" in ACTIONS[role]:
        assert [e.key for e in d.ranked("shell_score", [FIRM, OLD_PENALTY])] == \
            [FIRM.key] + ([OLD_PENALTY.key] if role not in MASKED else [])
    else:
        with pytest.raises(AccessDenied):
            d.ranked("paid_in_capital", [FIRM])
    leads = [{"firm": FIRM.key, "firm_name": FIRM.name, "debtor": PERSON.key, "via": PERSON.key, "mode": "new_firm"}]
    if "hidden_assets" in ACTIONS[role]:
        assert d.leads(leads) == leads  # roles that see leads see names
    else:
        with pytest.raises(AccessDenied):
            d.leads(leads)
    rows = [{"key": PERSON_RECORD.key, "label": "DishonestRecord", "props": dict(PERSON_RECORD.props),
             "subject": PERSON.key, "via": NAME, "relation": f"{NAME} (LEGAL_REP_OF)", "confidence": 0.97},
            {"key": OLD_PENALTY.key, "label": "Penalty", "props": dict(OLD_PENALTY.props), "subject": FIRM.key,
             "via": "self", "relation": "own record", "confidence": 1.0}]
    shown = d.listings(rows)
    if role in MASKED:
        assert len(shown) == 1 and NAME not in everywhere(shown)
        assert shown[0]["relation"] == "张*明 (LEGAL_REP_OF)" and shown[0]["confidence"] == 0.97
    else:
        assert [r["key"] for r in shown] == [r["key"] for r in rows] and shown[0]["via"] == NAME


@pytest.mark.parametrize("role", ROLES)
def test_display_names_and_register_queries(policy, role):
    d = view(policy, role)
    names = {PERSON.key: NAME, FIRM.key: FIRM.name, PERSON_RECORD.key: NAME, FIRM_RECORD.key: FIRM.name,
             CASE.key: CASE.props["name"]}
    shown = d.names(names)
    if role in MASKED:
        assert shown == {d.key(PERSON.key): "张*明", FIRM.key: FIRM.name, d.key(PERSON_RECORD.key): "张*明",
                         d.key(FIRM_RECORD.key): FIRM.name, CASE.key: "(2020)京01民初1号"}
    else:
        assert shown == names
    # what a page records names the token it was handed; the register keeps the store key
    query = {"key": d.key(PERSON.key), "keys": [d.key(FIRM_RECORD.key)], "text": "泰富", "stale": "pe:~zzzz"}
    assert d.real_query(query) == {"key": PERSON.key, "keys": [FIRM_RECORD.key], "text": "泰富", "stale": "pe:~zzzz"}
    assert d.gate("view", 7) == 7


def test_an_unknown_role_or_token_is_refused(policy):
    with pytest.raises(AccessDenied, match="unknown role 'guest'"):
        policy.for_role("guest")
    with pytest.raises(AccessDenied, match="earlier run"):
        view(policy, "public").real_key("pe:~aaaaaaaaaaaaaaaaaaaaaaaa")


def test_tokens_are_stable_per_secret_and_do_not_carry_the_name(policy):
    a, b = view(policy, "public"), view(policy, "analyst")
    assert a.key(PERSON.key) == b.key(PERSON.key) != PERSON.key
    other = Policy.load(secret="another-deployment", today=lambda: TODAY).for_role("public")
    assert other.key(PERSON.key) != a.key(PERSON.key)
    assert view(policy, "regulator").real_key(a.key(PERSON.key)) == PERSON.key  # a shared link opens for all
    assert a.key(FIRM.key) == FIRM.key and a.real_key("泰富") == "泰富"


@pytest.mark.parametrize("name, masked", [("张三明", "张*明"), ("张三", "张*"), ("欧阳小明", "欧**明"),
                                          ("阿卜杜拉·买买提", "阿******提"), ("John Smith", "J*** S****"), ("", "")])
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("change, message", [
    ({"names": "masked", "risk": "evidence"}, "needs names: full"),
    ({"actions": ["search", "export.xlsx"]}, "unknown action 'export.xlsx'"),
    ({"ids": ["passport"]}, "unknown field group 'passport'"),
    ({"max_hops": 0}, "max_hops must be at least 1"),
])
def test_a_bad_table_is_refused_naming_the_place(tmp_path, change, message):
    import yaml

    from creditgraph.access import POLICY_FILE

    table = yaml.safe_load(POLICY_FILE.read_text(encoding="utf-8"))
    table["roles"]["regulator"] |= change
    path = tmp_path / "access.yaml"
    path.write_text(yaml.safe_dump(table, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CreditGraphError, match=message) as e:
        Policy.load(path, secret="s")
    assert "regulator" in str(e.value) and str(path) in str(e.value)


def test_the_readme_table_is_the_yaml(policy):
    from pathlib import Path as FsPath

    readme = (FsPath(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for row in policy.table():
        assert "| " + " | ".join(row.values()) + " |" in readme, row["role"]


# -- users and passwords ----------------------------------------------------------------
