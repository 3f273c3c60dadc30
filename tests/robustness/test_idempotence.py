"""Idempotent loads on both stores, beyond what tests/loaders and tests/graph already prove.

Already covered elsewhere: a reload of the same node/edge rows changes nothing
(graph/test_contract), and the shared datasets reload to the same graph
(loaders/test_real_data). Here: a dirty synthetic city, whose quarantined rows must not
change between loads either; a reload in other batch sizes (MERGE must not depend on where
batches split); and loading two independent sources in either order.
"""

from __future__ import annotations

from creditgraph.loaders.pipeline import load_paths
from robust_support import KEY, canonical

# The registry (工商) and the court and regulator lists: independent sources that meet on firms.
REGISTRY = ("enterprise_registration.csv", "key_personnel.csv", "shareholders.csv")


def _split(city):
    files = sorted(city.iterdir())
    a = [f for f in files if f.name in REGISTRY]
    b = [f for f in files if f.name not in REGISTRY]
    assert len(a) == 3 and len(b) >= 5
    return a, b


def test_reload_in_other_batches_and_either_source_order_gives_the_same_graph(store, small_city, tmp_path):
    registry, lists = _split(small_city)

    first = load_paths(store, registry + lists, hash_key=KEY, report_dir=tmp_path / "1", progress=False)
    assert first.rows_quarantined > 0  # the city is dirty on purpose
    a_then_b = store.export()

    again = load_paths(store, registry + lists, hash_key=KEY, report_dir=tmp_path / "2", batch_rows=23,
                       progress=False)
    assert again.nodes_created == {k: 0 for k in again.nodes_created}
    assert again.edges_created == {k: 0 for k in again.edges_created}
    assert (again.rows_read, again.rows_quarantined) == (first.rows_read, first.rows_quarantined)
    assert canonical(store.export()) == canonical(a_then_b)

    store.wipe()
    load_paths(store, lists, hash_key=KEY, report_dir=tmp_path / "3", progress=False)
    load_paths(store, registry, hash_key=KEY, report_dir=tmp_path / "4", progress=False)
    b_then_a = store.export()
    # Equal except the order of the provenance lists, which records who asserted a node first.
    assert canonical(b_then_a, provenance_as_sets=True) == canonical(a_then_b, provenance_as_sets=True)
    shared = [n for n, d in a_then_b.nodes(data=True) if len(d["sources"]) > 1]
    assert shared, "the two sources must meet on some nodes for the order to matter"
