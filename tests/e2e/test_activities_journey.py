from __future__ import annotations

import csv
import io
import re

from tests.e2e.conftest import sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_ncp_logs_an_activity_finds_it_edits_it_and_exports_the_list(page, e2e_plan, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    document = tmp_path / "study-visit-report.pdf"
    document.write_bytes(PDF)

    sign_in(page, "ncp-cz")
    page.wait_for_url("**/parties/cz/")
    page.get_by_role("link", name="Activities").first.click()
    page.get_by_role("link", name="Log an activity").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Log an activity"

    # The title field has the focus: the form can be filled by keyboard alone.
    page.keyboard.type("Study visit of Moldovan border guards")
    assert page.evaluate("document.activeElement.id") == "id_title"
    page.locator("#id_kind").select_option("working_arrangement")
    page.get_by_role("checkbox", name=re.compile(r"^I\.2 b\)")).check()
    page.get_by_label("Start date").fill("2013-05-06")
    page.get_by_label("End date").fill("2013-05-10")
    page.get_by_label("Description").fill("Five days at the Czech-Austrian border.")
    page.locator("#id_financing-0-source").select_option(label="European Union funds")
    page.locator("#id_financing-0-amount").fill("12000")
    page.locator("#id_financing-0-funder").fill("European Commission")
    page.get_by_role("button", name="Add a financing line").click()
    page.locator("#id_financing-1-source").select_option(label="national funds of the Parties")
    page.locator("#id_financing-1-amount").fill("3500.50")
    page.locator("#id_financing-1-currency").select_option("CZK")
    page.get_by_label("Documents", exact=True).set_input_files(str(document))
    page.get_by_role("button", name="Submit", exact=True).click()

    page.wait_for_url(re.compile(r".*/activities/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Study visit of Moldovan border guards"
    body = page.locator("main").inner_text()
    assert "recorded as participant in action I.2" in body
    assert "I.2 b" in body and "12000.00" in body and "3500.50" in body and "CZK" in body
    assert page.get_by_role("link", name="study-visit-report.pdf").is_visible()
    activity_url = page.url

    # Find it in the filtered list.
    page.goto("/activities/")
    page.get_by_label("Action", exact=True).select_option(label="I.2")
    page.get_by_label("Search").fill("border guards")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r".*action=.*"))
    assert "Action: I.2" in page.locator(".active-filters").inner_text()
    page.get_by_role("link", name="Study visit of Moldovan border guards").click()
    page.wait_for_url(activity_url)

    # Edit it.
    page.get_by_role("link", name="Edit").click()
    page.locator("#id_title").fill("Study visit of Moldovan and Czech border guards")
    page.locator("#id_status").select_option("completed")
    page.get_by_role("button", name="Save", exact=True).click()  # submitted: it stays so
    page.wait_for_url(activity_url)
    assert (
        "Study visit of Moldovan and Czech border guards" in page.get_by_role("heading", level=1).inner_text()
    )
    assert "Completed" in page.locator("#history-h + ol").inner_text()

    # Export the filtered list as CSV.
    page.goto("/activities/?q=border+guards")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    path = download_info.value.path()
    with open(path, encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    assert [r["title"] for r in rows] == ["Study visit of Moldovan and Czech border guards"]
    assert rows[0]["items"] == "I.2 b" and rows[0]["party"] == "CZ"
    assert "12000.00 | EUR | European Commission" in rows[0]["financing"]
