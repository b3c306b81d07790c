"""Partner organisations at meetings: invited by the secretariat, answered and registered by their
contact person (the partner role) through the same form as a Party's, and mailed like the Parties."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from meetings import services
from meetings.models import Delegate, Document, Invitation, Meeting
from meetings.reminders import queue_for_meeting
from parties.models import User
from parties.notifications import notifications_send_due
from tests.factories import MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db

REGISTER = {
    "delegates-TOTAL_FORMS": "1",
    "delegates-INITIAL_FORMS": "0",
    "delegates-MIN_NUM_FORMS": "0",
    "delegates-MAX_NUM_FORMS": "20",
    "delegates-0-name": "Marie Dupont",
    "delegates-0-function": "Senior Protection Officer",
    "delegates-0-email": "marie@example.org",
}


@pytest.fixture
def som(invited_meeting, partner_a, partner_b, secretariat):
    """The SOM in 40 days, with UNHCR and Frontex invited on its invitations page."""
    services.invitations_set(
        meeting=invited_meeting,
        mode=Meeting.InviteMode.SELECTION,
        parties=[inv.party for inv in invited_meeting.invitations.filter(party__isnull=False)],
        partners=[partner_a, partner_b],
    )
    return invited_meeting


def test_the_invitations_page_invites_partner_organisations(
    invited_meeting, secretariat, client_for, party_a, partner_a
):
    response = client_for(secretariat).post(
        f"/meetings/{invited_meeting.pk}/invitations/",
        {"invite_mode": "selection", "parties": [party_a.pk], "partners": [partner_a.pk]},
    )
    assert response.status_code == 302
    rows = Invitation.objects.filter(meeting=invited_meeting)
    assert list(rows.filter(partner__isnull=False).values_list("partner__acronym", flat=True)) == ["UNHCR"]
    assert list(invited_meeting.partners.values_list("acronym", flat=True)) == ["UNHCR"]


def test_an_organisation_that_answered_stays_invited_one_that_did_not_is_dropped(som, partner_a, partner_b):
    Invitation.objects.filter(meeting=som, partner=partner_a).update(answer="declined")
    services.invitations_set(meeting=som, mode=Meeting.InviteMode.ALL, parties=(), partners=[])
    left = Invitation.objects.filter(meeting=som, partner__isnull=False)
    assert list(left.values_list("partner__acronym", "answer")) == [("UNHCR", "declined")]


def test_an_invitation_names_a_party_or_an_organisation_never_both_nor_neither(som, party_a, partner_a):
    for fields in ({"party": party_a, "partner": partner_a}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Invitation.objects.create(meeting=MeetingFactory(), **fields)


def test_the_partner_registers_its_delegates_on_the_partys_form(som, partner, client_for):
    client = client_for(partner)
    assert client.get(f"/meetings/{som.pk}/register/").url == f"/meetings/{som.pk}/register/partner/unhcr/"
    page = client.get(f"/meetings/{som.pk}/register/partner/UNHCR/")
    assert page.status_code == 200 and "UNHCR: delegates to" in page.content.decode()
    assert client.post(f"/meetings/{som.pk}/register/partner/unhcr/", REGISTER).status_code == 302
    invitation = Invitation.objects.get(meeting=som, partner__acronym="UNHCR")
    assert invitation.answer == "registered" and invitation.answered_by == partner
    assert list(invitation.delegates.values_list("name", flat=True)) == ["Marie Dupont"]
    # Twice the same request: one list, not two.
    client.post(f"/meetings/{som.pk}/register/partner/unhcr/", REGISTER)
    assert Delegate.objects.filter(invitation=invitation).count() == 1
    detail = client.get(som.get_absolute_url()).content.decode()
    assert "Your organisation&#x27;s registration" in detail or "Your organisation's registration" in detail


def test_the_partner_declines(som, partner, client_for):
    response = client_for(partner).post(f"/meetings/{som.pk}/register/partner/unhcr/", {"decline": "1"})
    assert response.status_code == 302
    assert Invitation.objects.get(meeting=som, partner__acronym="UNHCR").answer == "declined"


def test_the_partner_cannot_write_another_organisations_or_a_partys_registration(
    som, partner, client_for, caplog
):
    client = client_for(partner)
    with caplog.at_level(logging.INFO, logger="pragueprocess.security"):
        assert client.post(f"/meetings/{som.pk}/register/partner/frontex/", REGISTER).status_code == 404
        assert client.post(f"/meetings/{som.pk}/register/cz/", REGISTER).status_code == 404
    assert not Delegate.objects.filter(invitation__meeting=som).exists()
    assert sum("denied" in r.getMessage() or hasattr(r, "security") for r in caplog.records) >= 2


def test_mass_assignment_a_partner_cannot_steer_the_organisation(som, partner, client_for, partner_b):
    data = {**REGISTER, "partner": partner_b.pk, "party": 1, "answer": "declined"}
    assert client_for(partner).post(f"/meetings/{som.pk}/register/partner/unhcr/", data).status_code == 302
    assert Invitation.objects.get(meeting=som, partner=partner_b).answer == "pending"
    assert Invitation.objects.get(meeting=som, partner__acronym="UNHCR").answer == "registered"


def test_the_partner_gets_the_invitation_and_the_deadline_reminder(som, partner):
    som.registration_deadline = som.starts_at - dt.timedelta(days=35)  # before any "days before" one
    som.save()
    queue_for_meeting(som.pk, now=timezone.now())
    queue_for_meeting(som.pk, now=som.registration_deadline - dt.timedelta(days=2))
    notifications_send_due(now=som.registration_deadline - dt.timedelta(days=2))
    mine = [m for m in mail.outbox if m.to == [partner.email]]
    assert len(mine) == 2
    assert "Your organisation is invited" in mine[0].body
    assert "Your organisation has not yet answered" in mine[1].body


def test_a_partner_that_registered_gets_no_deadline_reminder(som, partner, client_for):
    som.registration_deadline = som.starts_at - dt.timedelta(days=10)
    som.save()
    client_for(partner).post(f"/meetings/{som.pk}/register/partner/unhcr/", REGISTER)
    queue_for_meeting(som.pk, now=som.registration_deadline - dt.timedelta(days=2))
    notifications_send_due(now=som.registration_deadline - dt.timedelta(days=2))
    assert not [m for m in mail.outbox if m.to == [partner.email] and "not yet answered" in m.body]


def test_the_partner_sees_documents_of_the_meetings_its_organisation_is_invited_to_only(
    som, partner, client_for, secretariat
):
    from django.core.files.base import ContentFile

    other = MeetingFactory()

    def document(meeting):
        return Document.objects.create(
            meeting=meeting, title="Agenda", kind="agenda", language="en",
            file=ContentFile(b"%PDF-1.4 test", name="x"), filename="agenda.pdf",
            content_type="application/pdf", size=13,
        )  # fmt: skip

    mine, theirs = document(som), document(other)
    client = client_for(partner)
    assert client.get(f"/meetings/{som.pk}/documents/{mine.pk}/").status_code == 200
    assert client.get(f"/meetings/{other.pk}/documents/{theirs.pk}/").status_code == 403
    assert (
        f"/meetings/{other.pk}/documents/{theirs.pk}/"
        not in client.get(other.get_absolute_url()).content.decode()
    )


def test_the_partners_calendar_feed_has_its_organisations_meetings_only(som, partner, client):
    MeetingFactory(title="Not for UNHCR")
    feed = client.get(f"/meetings/feed/{partner.calendar_token}.ics").content.decode()
    assert som.title in feed and "Not for UNHCR" not in feed


def test_the_participants_list_names_the_partner_organisations(
    som, secretariat, client_for, partner, party_a
):
    client_for(partner).post(f"/meetings/{som.pk}/register/partner/unhcr/", REGISTER)
    page = client_for(secretariat).get(f"/meetings/{som.pk}/participants/").content.decode()
    assert "UNHCR" in page and "Marie Dupont" in page and "Frontex" in page
    csv = client_for(secretariat).get(f"/meetings/{som.pk}/participants.csv")
    assert b"UNHCR" in b"".join(csv.streaming_content if csv.streaming else [csv.content])
    assert client_for(secretariat).get(f"/meetings/{som.pk}/attendance/").status_code == 200


def test_a_partner_account_needs_its_organisation(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="orphan", role=User.Role.PARTNER)


def test_the_secretariat_creates_a_partner_account_in_the_admin(secretariat, client_for, partner_a):
    client = client_for(secretariat)
    user = UserFactory(username="new-person")
    url = f"/admin/parties/user/{user.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | dict)}
    data.update(
        {"username": "new-person", "role": "partner", "partner_organisation": "", "version": user.version,
         "date_joined_0": "2026-01-01", "date_joined_1": "10:00:00", "preferred_language": "en"}
    )  # fmt: skip
    data.pop("last_login", None)
    data.pop("password", None)
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Choose the partner organisation of its contact person." in refused.content.decode()
    data["partner_organisation"] = partner_a.pk
    assert client.post(url, data).status_code == 302
    user.refresh_from_db()
    assert user.role == "partner" and user.partner_organisation == partner_a


def test_the_partners_what_is_due_lists_its_open_registration(som, partner, client_for):
    from pragueprocess.due import due_for

    lines = [(d.kind, d.url) for d in due_for(partner) if d.kind == "registration"]
    assert lines == [("registration", f"/meetings/{som.pk}/register/partner/unhcr/")]
    client_for(partner).post(f"/meetings/{som.pk}/register/partner/unhcr/", {"decline": "1"})
    assert not [d for d in due_for(partner) if d.kind == "registration"]
