"""An inspector's walk through the explorer in a real browser, against a planted shell cluster.

Search a planted shell firm by name → open it → its flags and reasons, and the drawn network →
through the network's links to the nominee legal rep the truth names, and on to the person
resolution found behind every firm the nominee fronts → a path query to another firm of the
cluster, downloaded as CSV → the rankings. Each step leaves a screenshot in
``test-artifacts/e2e/``; the last test checks that the drawing and the web socket were among
the requests (every request of every test stays on loopback: tests/e2e/conftest.py).

What only a browser shows is asserted here (links, tabs, the Cytoscape canvas, downloads,
the URL as the address bar holds it); the pages' logic is covered by tests/app with AppTest.
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import quote

import pytest
from browsing import follow, href_key, linked_rows, network_drawn, no_exception, open_tab, settled, shot, \
    to_nominee, zh

from creditgraph.app.strings import indicator_name, rel_name
from creditgraph.normalize import mask_id

pytestmark = pytest.mark.e2e


def test_search_open_flags_and_network(browser, explorer, plant):
    from playwright.sync_api import expect

    page = browser.page
    page.goto(f"{explorer.url}/?lang=zh")
    box = page.get_by_label(zh("search.box"))
    box.fill(plant["name"])
    box.press("Enter")
    hit = page.get_by_role("link", name=f"{plant['name']} · 企业", exact=True)
    expect(hit).to_be_visible()
    expect(hit).to_have_attribute("href", href_key(plant["key"]))
    expect(page).to_have_url(re.compile(r"[?&]q="))  # the search is in the URL
    no_exception(page)
    shot(browser, "01-search-results")

    assert follow(page, hit) == plant["key"]
    expect(page.get_by_role("heading", name=plant["name"])).to_be_visible()
    expect(page.get_by_text(plant["key"])).to_be_visible()

    risk = open_tab(page, zh("entity.risk"))
    shell = risk.get_by_test_id("stMetric").filter(has_text=zh("entity.shell"))
    expect(shell).to_contain_text(zh("entity.flagged"))
    # the reasons come first (asset-moving leads, when the firm has any, follow in a second grid); the grid
    # paints on a canvas; its cells are a table inside it
    reasons = risk.get_by_test_id("stDataFrame").first
    expect(reasons.locator("td").first).to_be_attached()
    expect(reasons).to_contain_text(indicator_name("same_rep_batch"))  # the nominee's batch at one address
    expect(reasons).to_contain_text(plant["nominee"])  # the evidence names the nominee
    no_exception(page)
    shot(browser, "02-entity-risk-flags")

    network_drawn(page, open_tab(page, zh("entity.network")))
    no_exception(page)
    shot(browser, "03-entity-network")
    expect(linked_rows(page, rel_name("LEGAL_REP_OF"), plant["nominee"]).first).to_be_visible()


def test_through_the_network_to_the_nominee_legal_rep(browser, explorer, plant):
    """The nominee the truth names fronts the firm; the person behind the record fronts the cluster."""
    from playwright.sync_api import expect

    page = browser.page
    to_nominee(browser, explorer, plant, shots=True)
    network_drawn(page, open_tab(page, zh("entity.network")))
    fronted = linked_rows(page, rel_name("LEGAL_REP_OF"))
    expect(fronted.first).to_be_visible()
    hrefs = [a.get_attribute("href") for a in fronted.get_by_role("link").all()]
    in_cluster = {k for k in plant["cluster_keys"] for h in hrefs if href_key(k).search(h)}
    assert len(in_cluster) >= 5, f"the nominee's page links {len(in_cluster)} firms of the planted cluster: {hrefs}"
    profile = open_tab(page, zh("entity.profile"))
    expect(profile).to_contain_text(mask_id(plant["nominee_id"]))
    no_exception(page)
    shot(browser, "05-nominee-resolved-person")


def test_the_full_id_number_cannot_be_read_off_the_persons_page(browser, explorer, plant):
    """The masked ID (first 10 + **** + last 4) hides only the month and day of birth; the page
    must not show them elsewhere, or the whole number is on screen."""
    from playwright.sync_api import expect

    page = browser.page
    to_nominee(browser, explorer, plant, check_url=False)  # the address bar is the test above's business
    profile = open_tab(page, zh("entity.profile"))
    expect(profile).to_contain_text(mask_id(plant["nominee_id"]))
    text = page.locator("body").text_content()
    masks = re.findall(r"(\d{10})\*{4}(\d{3}[\dX])", text)
    dates = re.findall(r"(\d{4})-(\d{2})-(\d{2})", text)
    readable = {head + month + day + tail for head, tail in masks for year, month, day in dates if year == head[6:]}
    assert plant["nominee_id"] not in text
    assert plant["nominee_id"] not in readable, "the masked ID and the birth date on the page give the full number"


def test_path_query_and_csv_download(browser, explorer, plant):
    from playwright.sync_api import expect

    page = browser.page
    page.goto(f"{explorer.url}/paths?lang=zh")
    for label, key in ((zh("paths.from"), plant["key"]), (zh("paths.to"), plant["other_key"])):
        box = page.get_by_label(label)
        box.fill(key)
        box.press("Enter")
    heading = re.compile("^" + re.escape(zh("paths.path", i=1, n=0)).replace("0", r"\d+"))
    first = page.get_by_role("heading", name=heading)
    expect(first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/paths\?.*from=" + re.escape(quote(plant["key"], safe=""))))
    expect(page.locator('iframe[title*="st_link_analysis"]')).to_be_visible()
    no_exception(page)
    shot(browser, "06-paths")

    with page.expect_download() as download:
        page.get_by_test_id("stDownloadButton").get_by_role("button", name=zh("export.csv")).click()
    assert download.value.suggested_filename == "paths.csv"
    data = download.value.path().read_bytes()
    (browser.artifacts / "paths.csv").write_bytes(data)
    assert data.startswith(b"\xef\xbb\xbf"), "no UTF-8 BOM: Excel would misread the Chinese"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows, "the CSV has no rows"
    by_path: dict[str, list[dict]] = {}
    for r in rows:
        by_path.setdefault(r["path"], []).append(r)
    for n, hops in by_path.items():
        assert hops[0][zh("col.name")] == plant["name"], f"path {n} does not start at the searched firm"
        assert hops[-1][" "] == plant["other_name"], f"path {n} does not end at the other firm"
        assert [int(h["#"]) for h in hops] == list(range(1, len(hops) + 1))
    # The nominee is legal rep of both firms, so one of the shortest paths runs through them.
    assert any(r[" "] == plant["nominee"] for r in rows), rows


def test_rankings_list_the_planted_shells(browser, explorer, plant):
    from playwright.sync_api import expect

    page = browser.page
    page.goto(f"{explorer.url}/rankings?lang=zh")
    expect(page.get_by_role("tab", name=zh("rank.shell"))).to_have_attribute("aria-selected", "true")
    table = page.get_by_role("tabpanel", name=zh("rank.shell")).get_by_test_id("stDataFrame")
    expect(table.locator("td").first).to_be_attached()
    top = table.locator("td").all_text_contents()
    assert plant["all_shell_names"] & set(top), f"no planted shell firm among the first rows shown: {top[:40]}"
    settled(page)  # the other tabs (red list) are still being read
    no_exception(page)
    shot(browser, "07-rankings")


def test_the_drawing_and_the_socket_are_served_from_loopback(browser, explorer, plant):
    """The network drawing's files and Streamlit's web socket come from the explorer itself."""
    from playwright.sync_api import expect

    page = browser.page  # at least the entity page with its network, should this test run alone
    page.goto(f"{explorer.url}/entity?entity={quote(plant['key'], safe='')}&lang=zh")
    expect(page.get_by_role("heading", name=plant["name"])).to_be_visible()
    network_drawn(page, open_tab(page, zh("entity.network")))

    asked = browser.requests
    assert any("/component/st_link_analysis" in u for u in asked), "the drawing's scripts were not seen"
    assert any(u.startswith("ws://127.0.0.1:") for u in asked), "the Streamlit web socket was not seen"




def test_a_page_opened_by_its_url_asks_for_the_server_at_its_root(browser, explorer):
    """A bookmarked or shared page link opens that page, and Streamlit looks for its server at
    the root only: no ``/<page>/_stcore/health`` or ``/host-config`` probe (answered 404,
    logged as console errors: streamlit/streamlit#7074). Any 404 fails every test (conftest)."""
    from playwright.sync_api import expect

    page = browser.page
    asked = len(browser.requests)
    page.goto(f"{explorer.url}/rankings?lang=zh")
    expect(page.get_by_role("tab", name=zh("rank.shell"))).to_be_visible()
    settled(page)
    expect(page).to_have_url(re.compile(r"/rankings\?lang=zh$"))
    probes = [u for u in browser.requests[asked:] if "/_stcore/" in u and not u.startswith("ws:")]
    assert probes and all(re.match(r"^http://127\.0\.0\.1:\d+/_stcore/", u) for u in probes), probes
