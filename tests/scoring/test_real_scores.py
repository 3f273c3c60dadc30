"""Scores on the real datasets: the Taifu group is one high-risk cluster around 杨天夫, the firm
tops the repeat-offender list, and a third of Austria's listed shells share an address."""

from __future__ import annotations

from collections import Counter

import pytest

from creditgraph.analytics.clusters import firm_clusters
from creditgraph.analytics.offenders import repeat_offenders
from creditgraph.loaders.nx_sink import NetworkXSink
from creditgraph.loaders.pipeline import load_paths

pytestmark = pytest.mark.shared_data
TAIFU = "co:uscc:91230199744190927K"


def test_taifu_is_the_riskiest_cluster_and_tops_the_repeat_offenders(real_listed_graph):
    G, _ = real_listed_graph  # the Taifu case among the listed firms and their 2018 boards, resolved
    top = firm_clusters(G).iloc[0]
    assert TAIFU in top["members"] and top["key_persons"][0][0] == "杨天夫"
    repeat = repeat_offenders(G)
    firms = {G.nodes[k].get("resolved") or k for k, d in G.nodes(data=True) if d.get("label") == "Company"}
    ranked = sorted(firms, key=lambda f: -(repeat["cases"].get(f, 0)))
    assert ranked.index(TAIFU) < len(ranked) / 100  # top 1 % of the ~15,900 firms loaded
    assert repeat.at[TAIFU, "flag"] and repeat.at[TAIFU, "courts"] >= 5


def test_share_of_austrian_shells_flagged_by_a_shared_address(shared_data, tmp_path):
    sink = NetworkXSink()
    load_paths(sink, [shared_data / "at_bmf_shell_companies"], hash_key="k", report_dir=tmp_path, progress=False)
    G = sink.graph
    address = {u: v for u, v, d in G.edges(data=True)
               if d["type"] == "REGISTERED_AT" and G.nodes[u]["label"] == "Company"}
    per_address = Counter(address.values())
    shared = sum(1 for f in address if per_address[address[f]] >= 2)
    assert len(address) == 1029 and shared == 320  # 31 %: the address indicator alone finds a third
