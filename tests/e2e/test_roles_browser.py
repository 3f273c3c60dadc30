"""Issue 21 in the browser: with logins on, a public user sees a natural person's name masked
and no hidden-assets page; a court officer, signed in after, sees the name in full and the page.
In a module of its own: it turns logins on for its explorer. Screenshots 19-… and 20-….
"""

from __future__ import annotations

import re

import pytest
from browsing import search_names, settled, shot, sign_in, zh

pytestmark = pytest.mark.e2e
OWN_EXPLORER = True  # its users file turns logins on: not the shared explorer's city


def test_signed_in_roles_see_what_their_table_gives(browser, explorer, plant, monkeypatch):
    """Issue 21: logins and role-tiered disclosure in the browser. The public sees a natural
    person's name masked and no hidden-assets page; a court officer, signed in after, sees the
    name in full and the page. (The service's refusals are tested below the pages: tests/access.)"""
    import io

    from playwright.sync_api import expect

    from creditgraph.cli import main as cli_main
    from creditgraph.disclosure import mask_name

    if not explorer.data_dir.name:
        pytest.skip("an external explorer (CREDITGRAPH_E2E_URL): its users file is not ours to write")
    users = explorer.data_dir / "users.yaml"
    for name, role, password in [("gongzhong", "public", "public-pass-1"), ("zhixing", "court", "court-pass-22")]:
        monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
        assert cli_main(["users", "--users-file", str(users), "add", name, "--role", role, "--password-stdin"]) == 0
    page = browser.page
    nominee = plant["nominee"]
    try:
        page.goto(f"{explorer.url}/?lang=zh")
        sign_in(page, "gongzhong", "public-pass-1")
        nav = page.get_by_test_id("stSidebarNav")
        expect(nav).to_be_visible()
        expect(nav).not_to_contain_text(zh("nav.assets"))
        search_names(page, nominee)
        expect(page.get_by_role("link", name=re.compile("^" + re.escape(mask_name(nominee)))).first).to_be_visible()
        expect(page.get_by_role("link", name=re.compile("^" + re.escape(nominee)))).to_have_count(0)
        shot(browser, "19-public-masked-names")

        page.get_by_role("button", name="退出登录").click()
        settled(page)
        sign_in(page, "zhixing", "court-pass-22")
        expect(page.get_by_test_id("stSidebarNav")).to_contain_text(zh("nav.assets"))
        search_names(page, nominee)
        expect(page.get_by_role("link", name=re.compile("^" + re.escape(nominee))).first).to_be_visible()
        shot(browser, "20-court-full-names")
    finally:
        users.unlink(missing_ok=True)
