"""Equity penetration: stakes multiply along chains and add across them; cycles end."""

from __future__ import annotations

import networkx as nx
import pytest

from creditgraph.analytics.control import effective_stakes, ultimate_controller


def _g(*holdings):
    G = nx.MultiDiGraph()
    for holder, firm, ratio in holdings:
        for n in (holder, firm):
            G.add_node(n, label="Person" if n.startswith("pe:") else "Company")
        G.add_edge(holder, firm, key="SHAREHOLDER_OF", type="SHAREHOLDER_OF", ratio=ratio)
    return G


def test_stakes_multiply_down_a_chain_and_add_across_chains():
    G = _g(("pe:a", "co:top", 0.6), ("co:top", "co:mid", 0.5), ("co:mid", "co:x", 0.8),
           ("pe:a", "co:x", 0.1), ("pe:b", "co:x", 0.1))
    stakes = effective_stakes(G, "co:x")
    assert stakes["pe:a"] == pytest.approx(0.6 * 0.5 * 0.8 + 0.1)
    assert ultimate_controller(G, "co:x") == ("pe:a", pytest.approx(0.34))


def test_no_controller_below_a_quarter_and_cycles_terminate():
    G = _g(("pe:a", "co:x", 0.2), ("co:y", "co:x", 0.8), ("co:x", "co:y", 1.0))
    assert ultimate_controller(G, "co:x") is None
    assert effective_stakes(G, "co:x") == {"pe:a": pytest.approx(0.2)}
