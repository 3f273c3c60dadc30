"""What the browser tests share: reading the explorer's pages the way a person does (tabs,
links, the network drawing, data grids, the sign-in form), in Chinese unless told otherwise.

Plain functions over a Playwright page; the fixtures (the running explorer, the browser, the
planted cases) are tests/e2e/conftest.py's.
"""

from __future__ import annotations

import io
import re
from urllib.parse import quote, unquote

import pytest

from creditgraph.app.strings import rel_name, t

__all__ = ["zh", "href_key", "shot", "no_exception", "open_tab", "network_drawn", "follow", "settled", "linked_rows",
           "to_nominee", "grid_text", "sign_in", "search_names", "pixels_of"]


def zh(key: str, **values) -> str:
    return t(key, "zh", **values)


def href_key(key: str) -> re.Pattern:
    """An entity link's or URL's query string naming ``key`` (as the browser encodes it)."""
    return re.compile(r"entity=" + re.escape(quote(key, safe="")) + r"(&|$)")


def shot(browser, name: str) -> None:
    browser.page.screenshot(path=str(browser.artifacts / f"{name}.png"), full_page=True)


def no_exception(page) -> None:
    """A page that raised shows Streamlit's exception box; none may be on screen."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stException")).to_have_count(0)


def open_tab(page, name: str):
    from playwright.sync_api import expect

    tab = page.get_by_role("tab", name=name)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")
    settled(page)
    return page.get_by_role("tabpanel", name=name)


def network_drawn(page, panel) -> None:
    """The network tab's Cytoscape view: the component iframe is there and has painted on a canvas."""
    from playwright.sync_api import expect

    iframe = panel.locator('iframe[title*="st_link_analysis"]')
    expect(iframe).to_have_count(1)  # during a rerun the previous page's view may linger a moment
    expect(iframe).to_be_visible()
    expect(iframe).to_have_attribute("src", re.compile(r"^http://127\.0\.0\.1:\d+/component/"))
    frame = iframe.element_handle().content_frame()
    expect(frame.locator("canvas").first).to_be_attached()
    # Some canvas holds non-transparent pixels: nodes were drawn, not just an empty element.
    frame.wait_for_function("""() => [...document.querySelectorAll('canvas')].some(c => {
        if (!c.width || !c.height) return false;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4) if (d[i]) return true;
        return false; })""")
    expect(panel).to_contain_text(re.compile(r"\d+ 个节点，\d+ 条关系"))


def follow(page, link, *, check_url: bool = True) -> str:
    """Click an entity link and wait until its page has replaced the one before (same-name
    people make headings alone ambiguous); then, unless told not to, check the address bar.
    Returns the entity key the link named."""
    from playwright.sync_api import expect

    href = link.get_attribute("href")
    key = unquote(re.search(r"entity=([^&]+)", href).group(1))
    link.click()
    expect(page.get_by_test_id("stCaptionContainer").filter(has_text=key).first).to_be_visible()  # the new page
    settled(page)
    if check_url:  # the address bar names what is on screen: a reload or a shared link shows the same
        expect(page).to_have_url(re.compile(r"/entity\?.*" + href_key(key).pattern), timeout=10_000)
    return key


def settled(page) -> None:
    """The script run has finished, and with it the page it was drawing: the app's script state
    (Streamlit's ``data-test-script-state``) is ``notRunning``. The running indicator is no sign
    of it: Streamlit shows the indicator only once a run has lasted 500 ms, so a page whose first
    elements came quickly was read while the rest of the run still showed the page before it
    (its elements stale, in place)."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)  # nor a connection warning


def linked_rows(page, role: str, name: str = ""):
    """The rows of the entity page's list of linked firms and people (a link and a caption with
    the roles) that show ``role`` and ``name``, on the profile tab. Waited for: the tab's script
    run may not have begun when the running indicator is first checked (seen once in CI)."""
    from playwright.sync_api import expect

    rows = (open_tab(page, zh("entity.profile")).get_by_test_id("stHorizontalBlock")
            .filter(has_text=role).filter(has_text=name))
    try:
        expect(rows.first).to_be_visible(timeout=20_000)
    except AssertionError:
        pytest.fail(f"no linked entity with role {role!r} and name {name!r} on {page.url}")
    return rows


def to_nominee(browser, explorer, plant, *, shots: bool = False, check_url: bool = True) -> tuple[str, str]:
    """From the planted firm's page to its legal rep (法定代表人): one click opens the resolved
    person behind every record of the nominee. Returns the key the link named and the key shown."""
    from playwright.sync_api import expect

    page = browser.page
    page.goto(f"{explorer.url}/entity?entity={quote(plant['key'], safe='')}&lang=zh")
    rep = follow(page, linked_rows(page, rel_name("LEGAL_REP_OF"), plant["nominee"]).first.get_by_role("link"),
                 check_url=check_url)
    assert rep.startswith("pe:"), rep
    expect(page.get_by_role("heading", name=plant["nominee"], exact=True)).to_be_visible()
    if shots:
        network_drawn(page, open_tab(page, zh("entity.network")))
        no_exception(page)
        shot(browser, "04-nominee-legal-rep")
        expect(linked_rows(page, rel_name("LEGAL_REP_OF"), plant["name"]).first).to_be_visible()
    expect(page.get_by_text(zh("entity.record_of"))).to_have_count(0)  # the link named the person, not a record
    return rep, rep


def grid_text(locator) -> list[str]:
    """The cells of a Streamlit data grid (it paints on a canvas; its cells are a table inside)."""
    from playwright.sync_api import expect

    expect(locator.locator("td").first).to_be_attached()
    return locator.locator("td").all_text_contents()


def sign_in(page, name: str, password: str) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_label("用户名")).to_be_visible()
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    settled(page)


def search_names(page, text: str):
    """Search on the default page (in this session: a page.goto would start a new, signed-out one)."""
    box = page.get_by_label(zh("search.box"))
    box.fill(text)
    box.press("Enter")
    settled(page)


def pixels_of(png: bytes, rgb: tuple[int, int, int], tol: int = 12) -> tuple[float, float] | None:
    """The centre of the first blob of colour ``rgb`` in a screenshot (a node as the canvas drew it)."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    w, h = img.size
    px = img.load()
    hit = next(((x, y) for y in range(0, h, 2) for x in range(0, w, 2)
                if all(abs(a - b) <= tol for a, b in zip(px[x, y], rgb))), None)
    if hit is None:
        return None
    blob = [(x, y) for y in range(max(0, hit[1] - 20), min(h, hit[1] + 20)) for x in range(max(0, hit[0] - 20),
                                                                                          min(w, hit[0] + 20))
            if all(abs(a - b) <= tol for a, b in zip(px[x, y], rgb))]
    return sum(x for x, _ in blob) / len(blob), sum(y for _, y in blob) / len(blob)
