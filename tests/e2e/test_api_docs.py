from __future__ import annotations


def test_api_documentation_renders_from_the_portals_own_assets(page, e2e_plan, live_server):
    """The API's documentation: Swagger UI from the portal's static files, under its CSP, listing the
    endpoints and trying one of them in the browser."""
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.goto("/api/docs/")
    page.get_by_text("/api/activities/").first.wait_for()
    assert page.get_by_text("/api/plans/{slug}/").first.is_visible()
    # Try one: the parties' list, answered by the portal.
    page.get_by_text("/api/parties/", exact=True).first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    status = page.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip().startswith("200")
    assert not [u for u in outside if not u.startswith("data:")], outside
    assert not [m for m in blocked if "script" in m], blocked
