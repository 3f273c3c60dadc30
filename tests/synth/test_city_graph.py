"""The seeded city, loaded into each store, still shows every planted pattern and decoy."""

from __future__ import annotations

from creditgraph.loaders.pipeline import load_paths
from creditgraph.synth.truth import check_planted, load_truth


def test_planted_patterns_are_present_in_the_loaded_graph(store, small_seeded_city, tmp_path):
    city = small_seeded_city
    report = load_paths(store, [city / "data"], hash_key="k", report_dir=tmp_path, progress=False)
    assert report.rows_quarantined == 0
    G = store.export()
    truth = load_truth(city)
    assert check_planted(G, truth) == {}

    # the check can fail: cut one shell firm from its shared address
    shell = truth.of("shell_cluster")[0]
    firm = f"co:uscc:{shell['companies'][0]}"
    G.remove_edges_from([(u, v, k) for u, v, k, d in G.out_edges(firm, keys=True, data=True)
                         if d["type"] == "REGISTERED_AT"])
    assert "the firms share no registered address" in check_planted(G, truth)[shell["id"]]
