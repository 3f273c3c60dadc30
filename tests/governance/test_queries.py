"""The governance query text: labels and properties only after a schema check, values as parameters;
the mark is written through the adapter's write_rows with exactly these parameters."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest

from creditgraph.errors import SchemaError
from creditgraph.graph import governance as gq
from creditgraph.graph.bolt_store import BoltGraphStore


def test_only_record_labels_and_declared_properties_reach_the_text():
    assert "MATCH (r:Penalty)" in gq.record_facts("Penalty", ["decided"])
    with pytest.raises(SchemaError, match="not a record label"):
        gq.set_status("Company")
    with pytest.raises(SchemaError, match="no property"):
        gq.record_facts("Penalty", ["decided} DETACH DELETE r //"])
    with pytest.raises(SchemaError, match="no property"):
        gq.set_props("DishonestRecord", ["shell_score"])


def test_taking_a_record_off_runs_one_parameterised_write():
    from creditgraph.governance import Governance
    from creditgraph.governance.lifecycle import take_off

    store = mock.create_autospec(BoltGraphStore, instance=True)
    gov = Governance(store, mock.Mock(), mock.Mock(), "reviewer")
    take_off(gov, "pn:榕市监罚〔2021〕1号", reason="period_ended", rule="penalty.period", since=dt.date(2024, 2, 1))
    store.write_rows.assert_called_once_with(
        "marking pn:榕市监罚〔2021〕1号", gq.set_status("Penalty"),
        rows=[{"key": "pn:榕市监罚〔2021〕1号",
               "status": {"active": False, "inactive_since": dt.date(2024, 2, 1), "inactive_reason": "period_ended",
                          "inactive_rule": "penalty.period"}}])
    assert gq.set_status("Penalty") == ("UNWIND $rows AS r MATCH (n:Penalty {key: r.key}) SET n += r.status "
                                        "RETURN count(n) AS written")
