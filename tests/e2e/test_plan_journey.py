from __future__ import annotations

from tests.e2e.conftest import sign_in


def test_visitor_reads_the_plan_follows_an_action_then_ncp_signs_in_and_out(page, e2e_plan):
    page.goto("/plans/2012-2016/")
    assert (
        page.get_by_role("heading", level=1).inner_text().startswith("Prague Process Action Plan 2012-2016")
    )
    page.get_by_role("link", name="Action I.2").click()
    page.wait_for_url("**/plans/2012-2016/I/2/")
    assert page.get_by_role("heading", level=1).inner_text() == "Action I.2"
    assert "Integrated Border Management" in page.content()

    sign_in(page, "ncp-cz")
    page.wait_for_url("**/parties/cz/")
    assert "Signed in as" in page.locator("header").inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == "Czech Republic"

    page.get_by_role("button", name="Sign out").click()
    assert "You are signed out" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_role("link", name="Sign in").first.is_visible()


def test_skip_link_is_first_in_keyboard_order(page, e2e_plan):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
