"""An objection end to end in a real browser: an operator finds a repeat offender, files an
objection on one of its 失信 records, sees it shown 异议中, a reviewer upholds it, and the
record is shown withdrawn with the scores recomputed.

Uses the fixtures of ``tests/e2e/conftest.py`` (the explorer over the scored seeded city, headless
system Chromium kept offline) and the helpers of ``browsing.py``. The page is
``app/app_pages/governance.py``; it must be in the explorer's navigation (``app/streamlit_app.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browsing import no_exception, settled

from creditgraph.synth.truth import load_truth

pytestmark = pytest.mark.e2e
OWN_EXPLORER = True  # an upheld objection withdraws a record: not the shared explorer's city

APP = Path(__file__).resolve().parents[2] / "app" / "streamlit_app.py"


@pytest.fixture(scope="module")
def debtor(city) -> str:
    """A planted repeat-offender firm (several 失信 records)."""
    for t in load_truth(city).of("repeat_offender"):
        if "company" in t["subject"]:
            return f"co:uscc:{t['subject']['company']}"
    pytest.fail("the seeded city plants no repeat-offender firm")


def test_an_objection_is_filed_shown_upheld_and_the_record_withdrawn(explorer, browser, debtor):
    from playwright.sync_api import expect

    if "app_pages/governance.py" not in APP.read_text(encoding="utf-8"):
        from ci_rules import skip_or_fail

        skip_or_fail("the governance page is not in the explorer's navigation (app/streamlit_app.py) yet")
    page = browser.page
    page.goto(f"{explorer.url}/governance?lang=zh")
    settled(page)
    panel = page.get_by_role("tabpanel", name="异议")
    box = panel.get_by_label("异议主体编号")
    box.fill(debtor)
    box.press("Enter")
    settled(page)
    records = panel.get_by_test_id("stTable").first
    expect(records).to_contain_text("dr:")
    expect(records).to_contain_text("有效")
    cells = records.locator("tbody tr").filter(has_text="dr:").first.locator("td, th").all_inner_texts()
    record = next(c.strip() for c in cells if c.strip().startswith("dr:"))
    panel.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name=record, exact=True).click()
    settled(page)
    panel.get_by_label("异议理由").fill("the debt was settled in full; receipt attached")
    panel.get_by_role("button", name="提交").first.click()
    settled(page)
    no_exception(page)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("异议中")
    shown = panel.get_by_test_id("stTable").filter(has_text=record).first
    expect(shown.get_by_role("row").filter(has_text=record).first).to_contain_text("异议中")
    page.screenshot(path=str(browser.artifacts / "governance-1-filed.png"), full_page=True)

    panel.get_by_label("理由", exact=True).fill("the court confirmed performance")
    panel.get_by_role("button", name="提交").last.click()
    settled(page)
    no_exception(page)
    done = page.get_by_test_id("stAlertContentSuccess")
    expect(done).to_contain_text("记录已撤销，评分已重新计算")
    expect(done).to_contain_text(re.compile(r"\d+ 个节点的评分已更新"))
    box = panel.get_by_label("异议主体编号")
    box.fill(debtor)
    box.press("Enter")
    settled(page)
    row = panel.get_by_test_id("stTable").first.get_by_role("row").filter(has_text=record).first
    expect(row).to_contain_text("已撤销（异议成立）")
    page.screenshot(path=str(browser.artifacts / "governance-2-withdrawn.png"), full_page=True)
