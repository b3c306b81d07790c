"""The Parties' e-mails are written in templates (templates/parties/email/) and rendered in the
recipient's language, whatever language the page that queued them was in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import translation

from parties.models import Notification
from parties.services import invitation_create
from pragueprocess.reminders import reminders_run
from tests.factories import ContactPointTermFactory

pytestmark = pytest.mark.django_db


def test_yearly_confirmation_is_written_in_the_contact_points_language(party_a, party_b, ncp_a, ncp_b):
    ncp_a.preferred_language, ncp_a.title = "ru", "Head of Unit & <Deputy>"
    ncp_a.save()
    ContactPointTermFactory(user=ncp_a, party=party_a)
    ContactPointTermFactory(user=ncp_b, party=party_b)
    with translation.override("en"):
        reminders_run(now=dt.datetime(2014, 2, 3, 9, 0, tzinfo=dt.UTC))
    russian = next(m for m in mail.outbox if m.to == [ncp_a.email])
    english = next(m for m in mail.outbox if m.to == [ncp_b.email])
    assert (
        russian.subject == "Портал Пражского процесса: просим подтвердить ваши контактные данные на 2014 год"
    )
    assert "Должность: Head of Unit & <Deputy>\n" in russian.body  # plain text: nothing escaped
    assert english.subject == "Prague Process portal: please confirm your contact details for 2014"
    assert english.body.startswith(f"Dear {ncp_b.get_full_name()},\n\nOnce a year")


def test_invitation_is_written_in_the_portals_language_not_the_inviters_page(secretariat, party_a):
    with translation.override("ru"):
        invitation, _token = invitation_create(
            email="new.person@example.org", party=party_a, kind="deputy", invited_by=secretariat
        )
    queued = Notification.objects.get(key=f"invitation:{invitation.pk}")
    assert queued.language == "en"
    assert queued.subject == f"Prague Process portal: you are invited as contact point of {party_a}"
    assert f"to the portal as deputy contact point of {party_a.name}.\n" in queued.body


def test_invitation_to_a_former_contact_point_is_written_in_their_language(secretariat, party_a, ncp_a):
    ncp_a.preferred_language, ncp_a.is_active = "ru", False
    ncp_a.save()
    invitation, _token = invitation_create(
        email=ncp_a.email, party=party_a, kind="primary", invited_by=secretariat
    )
    queued = Notification.objects.get(key=f"invitation:{invitation.pk}")
    assert queued.language == "ru" and queued.body.startswith("Здравствуйте!\n")
