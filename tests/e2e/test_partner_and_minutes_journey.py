"""The secretariat invites UNHCR to an SOM; UNHCR's contact person registers a delegate; the
secretariat writes and approves the minutes of a meeting held, and UNHCR's person reads them."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from tests.e2e.conftest import sign_in


def test_a_partner_registers_and_reads_the_approved_minutes(page, e2e_plan):
    from meetings.models import Invitation
    from parties.models import PartnerOrganisation
    from tests.factories import MeetingFactory

    unhcr = PartnerOrganisation.objects.get(acronym="UNHCR")
    som = MeetingFactory(title="Senior Officials' Meeting in Prague")
    held = MeetingFactory(
        title="Senior Officials' Meeting in Vienna", starts_at=timezone.now() - dt.timedelta(days=9)
    )
    Invitation.objects.create(meeting=held, partner=unhcr, answer="registered")

    sign_in(page, "secretariat")
    page.goto(f"/meetings/{som.pk}/invitations/")
    page.get_by_label("A selection of Parties").check()
    page.get_by_label("Czech Republic", exact=True).check()
    page.get_by_label("UNHCR").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*/participants/$"))
    assert page.get_by_role("row", name=re.compile("^UNHCR")).is_visible()

    page.goto(f"/meetings/{held.pk}/minutes/edit/")
    page.get_by_label("Minutes (English)").fill("The meeting reviewed the Action Plan.")
    page.get_by_role("button", name="Save the draft").click()
    page.wait_for_url(re.compile(r".*/minutes/$"))
    assert "Draft" in page.content()
    page.get_by_role("button", name="Approve and send to the participants").click()
    page.wait_for_url(re.compile(r".*/minutes/$"))
    assert "Approved on" in page.content()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "unhcr")
    page.goto(som.get_absolute_url())
    page.get_by_role("link", name="Register delegates or decline").click()
    page.locator('[name="delegates-0-name"]').fill("Marie Dupont")
    page.locator('[name="delegates-0-email"]').fill("marie.dupont@example.org")
    page.get_by_role("button", name="Register the delegates").click()
    page.wait_for_url(re.compile(rf".*/meetings/{som.pk}/$"))
    assert "UNHCR: Registered." in page.content()
    page.goto(held.get_absolute_url())
    page.get_by_role("link", name="Read the minutes").click()
    assert "The meeting reviewed the Action Plan." in page.content()
