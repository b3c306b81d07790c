"""The secretariat schedules an SOM with two agenda items; Poland's contact point registers two
delegates; the secretariat sees them in the participants list."""

from __future__ import annotations

import re

from tests.e2e.conftest import sign_in


def test_som_scheduled_registered_and_seen_in_participants(page, e2e_plan):
    sign_in(page, "secretariat")
    page.goto("/meetings/new/")
    page.get_by_label("Kind").select_option("som")
    page.get_by_label("Title (English)").fill("Senior Officials' Meeting in Warsaw")
    page.get_by_label("Title (Russian)").fill("Совещание старших должностных лиц в Варшаве")
    page.get_by_label("Time zone").select_option("Europe/Warsaw")
    page.get_by_label("Starts (local time)").fill("2031-05-12T09:30")
    page.get_by_label("Ends (local time)").fill("2031-05-13T17:00")
    page.get_by_label("City").fill("Warsaw")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*/meetings/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Senior Officials' Meeting in Warsaw"
    assert "12 May 2031, 09:30" in page.content()
    meeting_url = page.url

    page.get_by_role("link", name="Edit the agenda").click()
    page.locator('[name="items-0-order"]').fill("1")
    page.locator('[name="items-0-title_en"]').fill("Opening and adoption of the agenda")
    page.locator('[name="items-0-time"]').fill("09:30")
    page.locator('[name="items-1-order"]').fill("2")
    page.locator('[name="items-1-title_en"]').fill("Monitoring of the Action Plan")
    page.locator('[name="items-1-time"]').fill("10:15")
    page.get_by_role("button", name="Save the agenda").click()
    page.wait_for_url(re.compile(r".*/agenda/$"))
    items = page.locator("ol.agenda > li").all_inner_texts()
    assert [i.split("\n")[0] for i in items] == [
        "09:30 Opening and adoption of the agenda",
        "10:15 Monitoring of the Action Plan",
    ]
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "ncp-pl")
    page.goto(meeting_url)
    page.get_by_role("link", name="Register delegates or decline").click()
    page.locator('[name="delegates-0-name"]').fill("Anna Kowalska")
    page.locator('[name="delegates-0-function"]').fill("Director, Department of Migration Policy")
    page.locator('[name="delegates-0-email"]').fill("anna.kowalska@example.pl")
    page.locator('[name="delegates-1-name"]').fill("Jan Nowak")
    page.locator('[name="delegates-1-email"]').fill("jan.nowak@example.pl")
    page.get_by_role("button", name="Register the delegates").click()
    page.wait_for_url(meeting_url)
    assert "Poland: Registered." in page.content()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "secretariat")
    page.goto(meeting_url + "participants/")
    row = page.get_by_role("row", name=re.compile("^Poland"))
    text = row.inner_text()
    assert "Registered" in text and "Anna Kowalska" in text and "Jan Nowak" in text
    assert "1 registered, 0 declined, 51 not answered" in page.content()
