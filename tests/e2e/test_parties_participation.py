"""Browser journey: a contact point declares its Party's participation and finds it in the matrix;
another Party's contact point cannot change that row."""

from __future__ import annotations

from tests.e2e.conftest import sign_in


def _matrix_cell(page, party: str, code: str) -> str:
    headers = [t.strip() for t in page.locator("table.matrix thead th.action-head").all_inner_texts()]
    row = page.locator("table.matrix tbody tr").filter(has=page.get_by_role("link", name=party, exact=True))
    cells = row.locator("td.cell").all_inner_texts()
    return cells[headers.index(code)].strip()


def test_ncp_de_declares_germany_in_iii_2_and_ncp_fr_cannot_change_it(page, e2e_plan):
    sign_in(page, "ncp-de")
    page.wait_for_url("**/parties/de/")
    assert page.get_by_role("heading", name="What your Party committed to").is_visible()
    page.get_by_role("link", name="Declare, change or withdraw participation").click()
    page.wait_for_url("**/participation/de/")

    select = page.locator("#id_action")
    select.select_option(label=select.locator("option", has_text="III.2 –").inner_text())
    page.get_by_label("Participant").check()
    page.get_by_label("Note").fill("Through the Federal Employment Agency")
    page.get_by_role("button", name="Save participation").click()
    page.wait_for_url("**/participation/de/")
    assert "saved" in page.locator(".messages").inner_text()
    declared = page.get_by_role("table").first
    assert "III.2" in declared.inner_text() and "Participant" in declared.inner_text()
    assert "declared" in page.locator("#history-h + table").inner_text()

    page.get_by_role("link", name="Participation", exact=True).first.click()
    page.wait_for_url("**/participation/")
    assert _matrix_cell(page, "Germany", "III.2") == "P"
    assert _matrix_cell(page, "France", "III.2") == ""

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "ncp-fr")
    page.wait_for_url("**/parties/fr/")
    page.goto("/plans/2012-2016/participation/de/")
    assert page.get_by_role("button", name="Save participation").count() == 0
    assert page.get_by_role("button", name="Withdraw").count() == 0
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    from actions.models import Action

    action_pk = Action.objects.get(area__numeral="III", number=2).pk
    for url, form in (
        (
            "/plans/2012-2016/participation/de/",
            {"action": str(action_pk), "role": "lead", "note": "", "fingerprint": ""},
        ),
        ("/plans/2012-2016/participation/de/withdraw/", {"action": str(action_pk)}),
    ):
        response = page.request.post(url, form={**form, "csrfmiddlewaretoken": csrf}, max_redirects=0)
        assert response.status == 403
    page.goto("/plans/2012-2016/participation/")
    assert _matrix_cell(page, "Germany", "III.2") == "P"
