"""The regulator (监管) and the analyst (分析师) in a real browser: rankings to the planted
shells' nominee and the black list; a firm's network at two hops with its GraphML, and a person
expanded in place by a double click. Screenshots 13-… to 16-… and 18-… in test-artifacts/e2e/.
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import quote

import pytest
from browsing import follow, grid_text, href_key, linked_rows, network_drawn, no_exception, open_tab, settled, shot, \
    pixels_of, zh

from creditgraph.app.strings import label_name, rel_name

pytestmark = pytest.mark.e2e


def test_regulator_rankings_to_the_nominee_and_the_black_list(browser, explorer, plant):
    """Regulator (监管): rankings → the top shell → its nominee legal rep, one person with the
    cluster's firms → the black list (governance's 黑榜: firms and people), one row per entity."""
    from playwright.sync_api import expect

    page = browser.page
    page.goto(f"{explorer.url}/rankings?lang=zh")
    cells = grid_text(page.get_by_role("tabpanel", name=zh("rank.shell")).get_by_test_id("stDataFrame"))
    assert plant["all_shell_names"] & set(cells[:60]), cells[:60]
    settled(page)
    shot(browser, "13-regulator-rankings")

    page.goto(f"{explorer.url}/entity?entity={quote(plant['key'], safe='')}&lang=zh")
    follow(page, linked_rows(page, rel_name("LEGAL_REP_OF"), plant["nominee"]).first.get_by_role("link"))
    fronted = linked_rows(page, rel_name("LEGAL_REP_OF"))
    hrefs = [a.get_attribute("href") for a in fronted.get_by_role("link").all()]
    in_cluster = {k for k in plant["cluster_keys"] for h in hrefs if href_key(k).search(h)}
    assert len(in_cluster) >= len(plant["cluster_keys"]) - 1, (len(in_cluster), len(plant["cluster_keys"]))
    shot(browser, "14-regulator-nominee")

    page.goto(f"{explorer.url}/rankings?lang=zh")
    panel = open_tab(page, zh("rank.redblack"))
    expect(panel.get_by_role("heading", name=zh("rank.black"))).to_be_visible()
    black = panel.get_by_test_id("stDataFrame").first  # the 黑榜, above the 红榜
    grid_text(black)
    shown = [next((c for c in r.locator("td").all_text_contents() if c.strip()), "")
             for r in black.locator("tbody tr").all()]
    assert shown and all(shown), shown
    assert "None" not in black.locator("td").all_text_contents()
    # The grid shows the columns that fit; every column (the entity's key among them) is in the
    # list's CSV, row for row as the grid holds them.
    with page.expect_download() as download:
        panel.get_by_test_id("stDownloadButton").first.get_by_role("button", name=zh("export.csv")).click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_bytes().decode("utf-8-sig"))))
    settled(page)
    assert [r[zh("col.name")] for r in rows][:len(shown)] == shown, "the CSV is not the list on screen"
    keys = [r[zh("col.key")] for r in rows]
    assert len(keys) == len(set(keys)), "the black list shows an entity twice"
    firms = [r[zh("col.name")] for r in rows if r[zh("col.type")] == label_name("Company", "zh")]
    assert firms and len(firms) == len(set(firms)), "the black list shows a firm twice"
    no_exception(page)
    shot(browser, "15-regulator-black-list")


def test_analyst_two_hop_network_and_graphml(browser, explorer, plant):
    """Analyst (分析师): the planted firm's network at two hops, labelled, with a legend, and its
    GraphML (the path query is test_path_query_and_csv_download's)."""
    import networkx as nx
    from playwright.sync_api import expect

    page = browser.page
    page.goto(f"{explorer.url}/entity?entity={quote(plant['key'], safe='')}&lang=zh&view={quote(zh('entity.network'))}")
    panel = open_tab(page, zh("entity.network"))
    network_drawn(page, panel)
    one = int(re.search(r"(\d+) 个节点", panel.get_by_text(re.compile(r"\d+ 个节点")).first.text_content())[1])
    page.goto(f"{explorer.url}/entity?entity={quote(plant['key'], safe='')}&lang=zh&hops=2"
              f"&view={quote(zh('entity.network'))}")
    panel = open_tab(page, zh("entity.network"))
    network_drawn(page, panel)
    two = int(re.search(r"(\d+) 个节点", panel.get_by_text(re.compile(r"\d+ 个节点")).first.text_content())[1])
    assert two > one
    expect(panel.get_by_text(re.compile("高风险企业"))).not_to_have_count(0)  # the legend
    no_exception(page)
    shot(browser, "16-analyst-two-hops")
    with page.expect_download() as download:
        panel.get_by_role("button", name=zh("export.graphml")).click()
    G = nx.read_graphml(download.value.path())
    assert G.number_of_nodes() >= two - 1 and plant["key"] in G


def test_analyst_expands_a_person_in_place(browser, explorer, hiding):
    """A double click on a person drawn in the debtor's network loads that person's next hop into
    the view (more nodes), without redrawing it from scratch."""
    from playwright.sync_api import expect

    page = browser.page
    page.goto(f"{explorer.url}/entity?entity={quote(hiding['debtor'], safe='')}&lang=zh"
              f"&view={quote(zh('entity.network'))}")
    panel = open_tab(page, zh("entity.network"))
    network_drawn(page, panel)
    count = panel.get_by_text(re.compile(r"\d+ 个节点"))
    before = int(re.search(r"(\d+) 个节点", count.first.text_content())[1])
    frame = panel.locator('iframe[title*="st_link_analysis"]')
    page.wait_for_timeout(1500)  # the fit animation
    where = pixels_of(frame.screenshot(), (0x2a, 0x9d, 0x8f))  # a person (人员), as COLOURS draws one
    if where is None:
        pytest.skip("no person drawn in the debtor's one-hop view")
    box = frame.bounding_box()
    page.mouse.dblclick(box["x"] + where[0], box["y"] + where[1])
    expect(count.first).not_to_have_text(re.compile(rf"^{before} 个节点"), timeout=30_000)
    settled(page)
    assert int(re.search(r"(\d+) 个节点", count.first.text_content())[1]) > before
    no_exception(page)
    shot(browser, "18-analyst-expanded")


