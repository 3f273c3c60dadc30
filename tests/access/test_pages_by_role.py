"""The explorer's pages as each role meets them (AppTest over a scored seeded city): what the
search, entity, rankings and register pages show a public user, an analyst, a court officer,
a regulator and an admin, which exports each gets, and that a refused read is an error message
naming the refusal, registered, never the data.

The disclosure itself is tested in test_access.py; here, that the pages get it for every read.
"""

from __future__ import annotations

import json

import pytest
from apptest import run_page
from cities import SCORED_HASH_KEY
from streamlit.testing.v1 import AppTest

from creditgraph.app.strings import t
from creditgraph.audit import AuditLog
from creditgraph.settings import Settings

HASH_KEY = SCORED_HASH_KEY
ID_NUMBER = "110101199003071233"  # a well-formed number (check digit included); whose, does not matter


@pytest.fixture(scope="module")
def scored(scored_arcadedb):
    """The seeded city in the embedded store, resolved and scored (shared by the session)."""
    return scored_arcadedb


@pytest.fixture
def as_role(scored, tmp_path, monkeypatch):
    """``as_role(role)``: the app wired to the scored store for one local user with ``role``."""
    import streamlit as st

    from creditgraph.app import state

    def wire(role: str) -> Settings:
        settings = Settings(data_dir=tmp_path, user=f"{role}-1", role=role, id_hash_key=HASH_KEY, _env_file=None)
        monkeypatch.setattr(state, "store", lambda: scored)
        monkeypatch.setattr(state, "settings", lambda: settings)
        st.cache_data.clear()
        st.cache_resource.clear()
        return settings

    yield wire
    st.cache_data.clear()
    st.cache_resource.clear()


def run(page: str | None = None, **params) -> AppTest:
    return run_page(page, timeout=90, **params)


@pytest.fixture(scope="module")
def debtor(scored):
    """A person with 失信 cases, and a name that search finds."""
    person = scored.ranked("Person", "repeat_cases", limit=1)[0]
    assert len(person.name) >= 2
    return person


def register(settings) -> list[dict]:
    return AuditLog(settings.data_dir / "audit" / "queries.jsonl", "-").entries()


def downloads(at: AppTest) -> int:
    return len(at.get("download_button"))


def test_public_sees_masked_people_no_ids_no_scores_no_exports(as_role, debtor):
    settings = as_role("public")
    at = run(q=debtor.name)
    table = at.dataframe[0].value
    names, keys = list(table.iloc[:, 1]), list(table.iloc[:, -1])
    assert debtor.name not in names and debtor.name[0] + "*" in " ".join(names)
    assert debtor.key not in keys and any(k.startswith("pe:~") for k in keys)
    assert downloads(at) == 0
    token = next(k for k in keys if k.startswith("pe:~"))
    at = run("app_pages/entity.py", entity=token)
    shown = " ".join(str(v) for df in at.dataframe for v in df.value.to_numpy().ravel())
    assert debtor.name not in shown and debtor.name not in at.title[0].value
    assert "id_masked" not in shown and str(debtor.props.get("id_masked") or "@") not in shown
    assert "repeat_cases" not in shown
    last = register(settings)[-1]  # the register keeps the store key the token stood for
    assert last["user"] == "public-1" and json.loads(last["query"]).get("key", "").startswith("pe:")
    assert not json.loads(last["query"])["key"].startswith("pe:~")


def test_public_search_by_id_number_is_refused_and_registered(as_role):
    settings = as_role("public")
    at = run(q=ID_NUMBER)
    assert any("may not search by an ID number" in e.value for e in at.error)
    assert not at.dataframe
    assert register(settings)[-1]["action"] == "refused"


def test_analyst_ranks_people_with_masked_names_and_ids_and_gets_csv(as_role, debtor):
    as_role("analyst")
    at = run("app_pages/rankings.py")
    assert downloads(at) >= 1
    id_column = t("col.id", "zh")
    people = next(df.value for df in at.dataframe if id_column in df.value.columns)  # repeat offenders: people
    assert len(people) and debtor.name not in " ".join(map(str, people.iloc[:, 0]))
    assert all("*" in str(v) for v in people.iloc[:, 0])
    assert all("*" in str(v) or not v for v in people[id_column])  # the masked form, never more


@pytest.mark.parametrize("role, register_page", [("analyst", False), ("court", False), ("regulator", True),
                                                 ("admin", True)])
def test_the_register_opens_only_for_its_roles(as_role, role, register_page):
    as_role(role)
    at = run(q="有限公司")
    if register_page:
        at = run("app_pages/audit.py")
        assert at.success and "有限公司" in " ".join(map(str, at.dataframe[0].value.to_numpy().ravel()))
        assert downloads(at) == 1
    else:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page("app_pages/audit.py")


def test_court_sees_the_person_in_full_with_pdf_and_graphml(as_role, debtor):
    as_role("court")
    at = run(q=debtor.name)
    assert debtor.key in set(at.dataframe[0].value.iloc[:, -1])
    at = run("app_pages/entity.py", entity=debtor.key)
    assert debtor.name in at.title[0].value
