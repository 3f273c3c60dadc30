"""The court officer (执行法官) at work in a real browser, in Chinese and once in English: from a
debtor to the assets that moved after its judgment, the PDF report, and the network drawing's
details of a tapped node, in the reader's language and beside the drawing.

Screenshots 10-… to 12-…, 17-… and 21-… in test-artifacts/e2e/.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from urllib.parse import quote

import pytest
from browsing import follow, grid_text, network_drawn, no_exception, open_tab, pixels_of, settled, shot, zh

from creditgraph.app.strings import t

pytestmark = pytest.mark.e2e


def test_court_officer_from_debtor_to_moved_assets_and_pdf(browser, explorer, hiding):
    """Court officer (执行法官): the debtor by name → its judgment → the firm founded after it, by
    name and linked → that firm's page names the debtor → the debtor's own page, badge 高风险,
    lists what moved → its PDF report says so too."""
    from playwright.sync_api import expect

    page = browser.page
    page.goto(f"{explorer.url}/assets?lang=zh")
    box = page.get_by_label(zh("assets.debtor"))
    box.fill(hiding["debtor_name"])
    box.press("Enter")
    expect(page.get_by_text(re.compile(r"^判决 .+（\d{4}-\d{2}-\d{2}）$")).first).to_be_visible()
    assert hiding["hidden_name"] in grid_text(page.get_by_test_id("stDataFrame").first)
    firm_link = page.get_by_role("link", name=f"{hiding['hidden_name']} · 企业", exact=True)
    expect(firm_link.first).to_be_visible()
    settled(page)
    no_exception(page)
    shot(browser, "10-officer-debtor-judgments")

    assert follow(page, firm_link.first) == hiding["hidden"]
    risk = open_tab(page, zh("entity.risk"))
    expect(risk.get_by_role("heading", name=zh("entity.received"))).to_be_visible()
    assert hiding["debtor_name"] in grid_text(risk.get_by_test_id("stDataFrame").last)
    shot(browser, "11-officer-receiving-firm")

    assert follow(page, risk.get_by_role("link", name=f"{hiding['debtor_name']} · 企业", exact=True).first) \
        == hiding["debtor"]
    expect(page.get_by_test_id("stCaptionContainer").filter(has_text=zh("risk.high")).first).to_be_visible()
    risk = open_tab(page, zh("entity.risk"))
    expect(risk.get_by_role("heading", name=zh("entity.moved"))).to_be_visible()
    expect(risk.get_by_role("link", name=f"{hiding['hidden_name']} · 企业", exact=True).first).to_be_visible()
    no_exception(page)
    shot(browser, "12-officer-debtor-page")

    from creditgraph.app.export import find_cjk_font
    from creditgraph.errors import ReportError

    try:
        find_cjk_font()
    except ReportError as e:
        pytest.skip(f"no CJK font for the PDF: {e}")
    exports = open_tab(page, zh("entity.export"))
    exports.get_by_role("button", name=zh("export.pdf")).click()
    settled(page)
    with page.expect_download() as download:
        exports.get_by_role("button", name=zh("export.pdf_download")).click()
    data = download.value.path().read_bytes()
    (browser.artifacts / "debtor-report.pdf").write_bytes(data)
    assert data.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
        text = text.decode("utf-8")
        assert "判决后转移的资产" in text and hiding["hidden_name"][:8] in text, text[:2000]


def test_court_officer_in_english(browser, explorer, hiding):
    """The court officer's first steps with the language switch on English."""
    from playwright.sync_api import expect

    page = browser.page
    page.goto(f"{explorer.url}/assets?lang=en")
    expect(page.get_by_role("heading", name=t("nav.assets", "en"))).to_be_visible()
    box = page.get_by_label(t("assets.debtor", "en"))
    box.fill(hiding["debtor_name"])
    box.press("Enter")
    expect(page.get_by_text(re.compile(r"^Judgment .+ \(\d{4}-\d{2}-\d{2}\)$")).first).to_be_visible()
    link = page.get_by_role("link", name=f"{hiding['hidden_name']} · Company", exact=True).first
    expect(link).to_be_visible()
    follow(page, link)
    risk = open_tab(page, t("entity.risk", "en"))
    expect(risk.get_by_role("heading", name=t("entity.received", "en"))).to_be_visible()
    no_exception(page)
    shot(browser, "17-officer-english")




def test_a_tapped_node_s_details_are_chinese_and_beside_the_drawing(browser, explorer, hiding):
    """Tapping the debtor in its drawn network shows its details beside the drawing, in Chinese
    (its name, its class, its fields by their Chinese names); the drawing shows no panel of its
    own and no English (issue 22: the component's "No selected elements", ``id`` and ``name``)."""
    from playwright.sync_api import expect

    page = browser.page
    page.goto(f"{explorer.url}/entity?entity={quote(hiding['debtor'], safe='')}&lang=zh"
              f"&view={quote(zh('entity.network'))}")
    panel = open_tab(page, zh("entity.network"))
    network_drawn(page, panel)
    iframe = panel.locator('iframe[title*="st_link_analysis"]')
    frame = iframe.element_handle().content_frame()
    expect(frame.locator("#infopanel")).to_be_hidden()
    assert not re.search(r"[A-Za-z]", frame.locator("body").inner_text()), frame.locator("body").inner_text()
    page.wait_for_timeout(1500)  # the fit animation
    where = pixels_of(iframe.screenshot(), (0xd6, 0x28, 0x28))  # the debtor: a high-risk firm (高风险企业)
    assert where is not None, "the debtor is not drawn as a high-risk firm"
    box = iframe.bounding_box()
    page.mouse.click(box["x"] + where[0], box["y"] + where[1])
    details = panel.locator("[class*='st-key-node-details-']")
    expect(details.first).to_be_visible(timeout=30_000)
    settled(page)
    expect(details.first).to_contain_text("高风险企业")
    expect(details.first).to_contain_text(f"{zh('col.risk')}：{zh('risk.high')}")
    text = details.first.inner_text()
    assert not re.search(r"\b(id|name|label)\b", text), text
    assert not re.search(r"[A-Za-z]{3,}", text.replace(hiding["debtor_name"], "")), text
    no_exception(page)
    shot(browser, "21-officer-node-details")
