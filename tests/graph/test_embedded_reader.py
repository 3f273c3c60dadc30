"""The embedded store's in-process reads (``graph/embedded_reader.py``) hand out what the Bolt
route does: the same ``export`` graph and the same ``export_tables`` frames, values and Python types
included, on a resolved and scored city (dates, lists, flags, counts and JSON text all present);
and a city resolved and scored with every read and write-back in process ends as the same store as
one resolved and scored over Bolt alone."""

from __future__ import annotations

import pandas as pd
import pytest

from creditgraph.analytics.resolve import records as resolution
from creditgraph.governance.lists import LIST_NODE_PROPERTIES
from creditgraph.graph.bolt_store import BoltGraphStore
from creditgraph.graph import embedded_reader as reader
from creditgraph.loaders.pipeline import load_paths
from creditgraph.resolution import run_resolution
from creditgraph.scoring import SCORING_EDGE_PROPERTIES, SCORING_NODE_PROPERTIES, run_scoring


def _resolved_and_scored(store, city, reports):
    store.wipe()
    load_paths(store, [city / "data"], hash_key="k", report_dir=reports, progress=False)
    run_resolution(store)
    assert run_scoring(store, progress=False, processes=1)["nodes_written"] > 100


def _whole(G):
    """The stored graph, comparable with ``==``: run ids (a moment, not data) left out."""
    def props(d, leave=()):
        return sorted((k, repr(v)) for k, v in d.items() if k not in leave)

    return (sorted((n, props(d)) for n, d in G.nodes(data=True)),
            sorted((u, v, k, props(d, ("run",))) for u, v, k, d in G.edges(keys=True, data=True)))


@pytest.fixture(scope="module")
def scored(stores, small_seeded_city, tmp_path_factory):
    """The seeded city resolved and scored over Bolt alone (its whole graph kept), then again in
    process; first, what both read from the empty store."""
    bolt, inproc = stores
    inproc.wipe()
    empty = (BoltGraphStore.export_tables(bolt, SCORING_NODE_PROPERTIES, SCORING_EDGE_PROPERTIES),
             inproc.export_tables(SCORING_NODE_PROPERTIES, SCORING_EDGE_PROPERTIES), inproc.export())
    _resolved_and_scored(bolt, small_seeded_city, tmp_path_factory.mktemp("r"))
    over_bolt = _whole(bolt.export())
    _resolved_and_scored(inproc, small_seeded_city, tmp_path_factory.mktemp("r"))
    return bolt, inproc, over_bolt, empty


def test_resolving_and_scoring_in_process_ends_as_the_same_store_as_over_bolt(scored):
    bolt, _, over_bolt, _ = scored
    assert _whole(bolt.export()) == over_bolt


def _typed(frame: pd.DataFrame) -> list[list[tuple[type, object]]]:
    return [[(type(v), v) for v in frame[c].tolist()] for c in frame.columns]


@pytest.mark.parametrize("props, edge_props", [(SCORING_NODE_PROPERTIES, SCORING_EDGE_PROPERTIES),
                                               (LIST_NODE_PROPERTIES, SCORING_EDGE_PROPERTIES),
                                               (resolution.NODE_PROPS, resolution.EDGE_PROPS)],
                         ids=["scoring", "lists", "resolution"])
def test_tables_read_in_process_equal_the_bolt_ones(scored, props, edge_props):
    bolt, inproc, *_ = scored
    want = BoltGraphStore.export_tables(bolt, props, edge_props)
    got = inproc.export_tables(props, edge_props)
    assert list(got.nodes) == list(want.nodes) and list(got.edges) == list(want.edges)
    for part in ("nodes", "edges"):
        for name, frame in getattr(want, part).items():
            pd.testing.assert_frame_equal(getattr(got, part)[name], frame, check_exact=True)
            assert _typed(getattr(got, part)[name]) == _typed(frame), name
    firms = got.nodes["Company"]
    assert firms["founded"].notna().any() and firms["resolved"].notna().any() and len(got.edges["SAME_AS"])


def test_the_graph_read_in_process_equals_the_bolt_one(scored):
    bolt, inproc, *_ = scored
    want, got = bolt.export(), inproc.export()
    assert want.number_of_nodes() > 1000 and want.number_of_edges() > 1000
    assert dict(got.nodes(data=True)) == dict(want.nodes(data=True))
    assert all({k: type(v) for k, v in d.items()} == {k: type(v) for k, v in got.nodes[n].items()}
               for n, d in want.nodes(data=True))

    def edges(G):
        return sorted((u, v, k, sorted((p, type(x).__name__, repr(x)) for p, x in d.items()))
                      for u, v, k, d in G.edges(keys=True, data=True))

    assert edges(got) == edges(want)
    some = sorted(want.nodes)[:5]
    assert sorted(inproc.export(some).nodes) == sorted(bolt.export(some).nodes) == some


def test_an_empty_store_reads_as_empty_tables(scored):
    want, got, graph = scored[3]
    for part in ("nodes", "edges"):
        for name, frame in getattr(want, part).items():
            pd.testing.assert_frame_equal(getattr(got, part)[name], frame)
            assert len(frame) == 0
    assert graph.number_of_nodes() == 0


def test_edge_ends_read_by_record_id_or_by_key_agree(scored):
    """An edge scan maps its ends' record ids to the keys of the nodes read before it; where an
    end was not read (here: none were) it falls back to loading the ends for their keys."""
    _, inproc, *_ = scored
    db, ends = inproc._db, reader.Ends()
    for label in ("Person", "Company"):
        reader.node_table(db, label, ["name"], ends=ends)
    by_rid = reader.edge_table(db, "OFFICER_OF", ["role"], ends=ends)
    by_key = reader.edge_table(db, "OFFICER_OF", ["role"])
    unread = reader.edge_table(db, "OFFICER_OF", ["role"], ends=reader.Ends())
    assert by_rid.num_rows > 100 and by_rid.equals(by_key) and unread.equals(by_key)
    assert by_rid.column_names == ["start", "end", "role"]
