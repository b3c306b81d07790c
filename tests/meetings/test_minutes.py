"""Minutes: draft → approved, revisions kept, the version check, who reads a draft, and the mail to
the participants exactly once per recipient and revision."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.concurrency import StaleEdit
from meetings.minutes import minutes_approve, minutes_mail_queue, minutes_save
from meetings.models import Invitation, Minutes
from parties.models import Notification
from parties.notifications import notifications_send_due
from pragueprocess.reminders import reminders_run
from tests.factories import DelegateFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(plan, party_a, party_b, partner_a, partner_b, ncp_a, ncp_b, partner):
    """An SOM held ten days ago: CZ came (a delegate registered), DE declined, UNHCR came (its
    person and a delegate), Frontex was invited and never answered."""
    now = timezone.now()
    meeting = MeetingFactory(
        starts_at=now - dt.timedelta(days=10), ends_at=now - dt.timedelta(days=10) + dt.timedelta(hours=8)
    )
    cz = Invitation.objects.create(meeting=meeting, party=party_a, answer="registered", answered_by=ncp_a)
    Invitation.objects.create(meeting=meeting, party=party_b, answer="declined")
    unhcr = Invitation.objects.create(meeting=meeting, partner=partner_a, answer="registered")
    Invitation.objects.create(meeting=meeting, partner=partner_b)
    DelegateFactory(invitation=cz, email="delegate.cz@example.org")
    DelegateFactory(invitation=unhcr, email="delegate.unhcr@example.org")
    return meeting


def _approve(meeting, user, **kwargs):
    minutes = Minutes.objects.get(meeting=meeting)
    return minutes_approve(
        meeting_pk=meeting.pk, user=user, version=minutes.version, approved_on=timezone.localdate(), **kwargs
    )


def test_each_save_keeps_a_revision_with_both_languages_and_who(held, secretariat):
    first = minutes_save(meeting_pk=held.pk, user=secretariat, version=1, text_en="Draft one.")
    second = minutes_save(
        meeting_pk=held.pk,
        user=secretariat,
        version=first.version,
        text_en="Draft two.",
        text_ru="Проект два.",
    )
    revisions = list(second.revisions.order_by("number"))
    assert [(r.number, r.text_en, r.text_ru, r.saved_by) for r in revisions] == [
        (1, "Draft one.", "", secretariat),
        (2, "Draft two.", "Проект два.", secretariat),
    ]
    assert second.state == Minutes.State.DRAFT and second.version == 3
    # The same text again writes nothing: no revision, the version stays.
    again = minutes_save(
        meeting_pk=held.pk, user=secretariat, version=3, text_en="Draft two.", text_ru="Проект два."
    )
    assert again.revisions.count() == 2 and Minutes.objects.get(pk=again.pk).version == 3


def test_a_stale_save_is_refused_and_writes_nothing(held, secretariat):
    minutes_save(meeting_pk=held.pk, user=secretariat, version=1, text_en="Theirs.")
    with pytest.raises(StaleEdit):
        minutes_save(meeting_pk=held.pk, user=secretariat, version=1, text_en="Mine.")
    minutes = Minutes.objects.get(meeting=held)
    assert minutes.text_en == "Theirs." and minutes.revisions.count() == 1


def test_the_russian_text_has_a_translation_status(held, secretariat):
    from core.translations import status_of

    minutes = minutes_save(meeting_pk=held.pk, user=secretariat, version=1, text_en="E.", text_ru="Р.")
    assert status_of(minutes, "text").status == "working"


def test_approved_minutes_are_mailed_to_each_participant_once_in_their_language(
    held, secretariat, ncp_a, ncp_b, partner
):
    ncp_a.preferred_language = "ru"
    ncp_a.save()
    minutes_save(meeting_pk=held.pk, user=secretariat, version=1, text_en="Held in Prague.", text_ru="Прага.")
    minutes = _approve(held, secretariat)
    assert minutes.is_approved and minutes.approved_revision == 1
    # A retried request, a second approval and a rerun of the queueing change nothing.
    assert _approve(held, secretariat).pk == minutes.pk
    assert minutes_mail_queue(minutes=minutes, meeting=held, now=timezone.now()) == 0
    notifications_send_due()
    notifications_send_due()
    got = Counter(m.to[0] for m in mail.outbox)
    # CZ's contact point and delegate, UNHCR's person and delegate; not DE (declined), not Frontex.
    assert got == Counter(
        {ncp_a.email: 1, "delegate.cz@example.org": 1, partner.email: 1, "delegate.unhcr@example.org": 1}
    )
    russian = next(m for m in mail.outbox if m.to == [ncp_a.email])
    assert "Протокол" in russian.subject and "Прага." in russian.body
    english = next(m for m in mail.outbox if m.to == [partner.email])
    assert "Minutes approved" in english.subject and "Held in Prague." in english.body
    assert f"/meetings/{held.pk}/minutes/" in english.body
    keys = set(Notification.objects.values_list("key", flat=True))
    assert f"meeting:{held.pk}:minutes-approved:1:user:{partner.pk}" in keys


def test_minutes_without_russian_say_so_in_a_russian_mail(held, secretariat, ncp_a):
    ncp_a.preferred_language = "ru"
    ncp_a.save()
    minutes_save(meeting_pk=held.pk, user=secretariat, version=1, text_en="English only.")
    _approve(held, secretariat)
    notifications_send_due()
    russian = next(m for m in mail.outbox if m.to == [ncp_a.email])
    assert "English only." in russian.body and "еще не переведено" in russian.body


def test_corrected_minutes_approved_anew_reach_the_participants_again(held, secretariat, ncp_a):
    minutes = minutes_save(meeting_pk=held.pk, user=secretariat, version=1, text_en="First.")
    _approve(held, secretariat)
    corrected = minutes_save(
        meeting_pk=held.pk,
        user=secretariat,
        version=Minutes.objects.get(pk=minutes.pk).version,
        text_en="Fixed.",
    )
    assert corrected.state == Minutes.State.DRAFT and corrected.approved_on is None
    _approve(held, secretariat)
    notifications_send_due()
    assert Counter(m.to[0] for m in mail.outbox)[ncp_a.email] == 2
    assert [m.body.count("Fixed.") for m in mail.outbox if m.to == [ncp_a.email]] == [0, 1]


def test_approval_needs_text_or_a_minutes_document(held, secretariat):
    with pytest.raises(ValidationError):
        minutes_approve(meeting_pk=held.pk, user=secretariat, version=1, approved_on=timezone.localdate())
    assert not Minutes.objects.filter(meeting=held, state="approved").exists()


def test_approval_at_a_later_meeting_is_recorded(held, secretariat, client_for):
    later = MeetingFactory(starts_at=timezone.now() - dt.timedelta(days=1))
    minutes = minutes_save(meeting_pk=held.pk, user=secretariat, version=1, text_en="Text.")
    response = client_for(secretariat).post(
        f"/meetings/{held.pk}/minutes/approve/",
        {
            "approved_on": timezone.localdate().isoformat(),
            "approved_at": later.pk,
            "version": minutes.version,
        },
    )
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert minutes.is_approved and minutes.approved_at == later and minutes.approved_by == secretariat


def test_a_bad_approval_date_gets_a_message_by_the_field_not_a_500(held, secretariat, client_for):
    minutes = minutes_save(meeting_pk=held.pk, user=secretariat, version=1, text_en="Text.")
    response = client_for(secretariat).post(
        f"/meetings/{held.pk}/minutes/approve/",
        {"approved_on": "2001-01-01", "approved_at": "", "version": minutes.version},
    )
    assert response.status_code == 400
    assert "on or after the day the meeting began" in response.content.decode()
    response = client_for(secretariat).post(
        f"/meetings/{held.pk}/minutes/approve/", {"approved_on": "not a date", "version": minutes.version}
    )
    assert response.status_code == 400 and 'aria-invalid="true"' in response.content.decode()
    assert not Minutes.objects.get(pk=minutes.pk).is_approved


def test_the_edit_form_requires_english(held, secretariat, client_for):
    response = client_for(secretariat).post(
        f"/meetings/{held.pk}/minutes/edit/", {"text_ru": "Р.", "version": 1}
    )
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert not Minutes.objects.filter(meeting=held).exists()


def test_a_draft_is_read_by_the_secretariat_and_the_core_group_only(
    held, secretariat, coregroup, reader, ncp_a, partner, client_for
):
    minutes_save(meeting_pk=held.pk, user=secretariat, version=1, text_en="Secret draft.")
    url = f"/meetings/{held.pk}/minutes/"
    for user in (secretariat, coregroup):
        assert "Secret draft." in client_for(user).get(url).content.decode()
        assert "Secret draft." not in client_for(user).get(held.get_absolute_url()).content.decode()
    for user in (reader, ncp_a, partner):
        response = client_for(user).get(url)
        assert response.status_code == 200 and "Secret draft." not in response.content.decode()
    _approve(held, secretariat)
    for user in (reader, ncp_a, partner):
        assert "Secret draft." in client_for(user).get(url).content.decode()
        assert "Read the minutes" in client_for(user).get(held.get_absolute_url()).content.decode()
    assert "Read the minutes" not in client_for(None).get(held.get_absolute_url()).content.decode()


def test_a_partner_of_an_organisation_not_invited_is_refused_the_minutes(held, secretariat, client_for):
    stranger = UserFactory(username="iom-person", role="partner", partner_organisation=_organisation("IOM"))
    minutes_save(meeting_pk=held.pk, user=secretariat, version=1, text_en="Text.")
    _approve(held, secretariat)
    assert client_for(stranger).get(f"/meetings/{held.pk}/minutes/").status_code == 403


def _organisation(acronym):
    from parties.models import PartnerOrganisation

    return PartnerOrganisation.objects.get(acronym=acronym)


def test_the_revision_pages_list_and_show_each_revision(held, secretariat, client_for):
    first = minutes_save(meeting_pk=held.pk, user=secretariat, version=1, text_en="One.")
    minutes_save(meeting_pk=held.pk, user=secretariat, version=first.version, text_en="Two.", text_ru="Два.")
    client = client_for(secretariat)
    listing = client.get(f"/meetings/{held.pk}/minutes/revisions/").content.decode()
    assert "Revision 2" in listing and "Revision 1" in listing
    one = client.get(f"/meetings/{held.pk}/minutes/revisions/1/").content.decode()
    assert "One." in one and "No Russian text in this revision." in one
    two = client.get(f"/meetings/{held.pk}/minutes/revisions/2/").content.decode()
    assert "Two." in two and "Два." in two
    assert client.get(f"/meetings/{held.pk}/minutes/revisions/3/").status_code == 404


def test_minutes_pages_ask_the_same_number_of_queries_at_one_and_twenty_revisions(
    held, secretariat, client_for, django_assert_max_num_queries
):
    client = client_for(secretariat)
    minutes = minutes_save(meeting_pk=held.pk, user=secretariat, version=1, text_en="Text 0.")

    def count(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    urls = [f"/meetings/{held.pk}/minutes/revisions/", f"/meetings/{held.pk}/minutes/"]
    small = [count(url) for url in urls]
    for n in range(1, 20):
        minutes = minutes_save(
            meeting_pk=held.pk, user=secretariat, version=minutes.version, text_en=f"Text {n}."
        )
    assert [count(url) for url in urls] == small


def test_a_draft_stops_the_minutes_missing_reminder(held, secretariat):
    reminders_run(now=held.ends_at + dt.timedelta(days=3, minutes=1))
    assert [m.to for m in mail.outbox if "Minutes missing" in m.subject] == [[secretariat.email]]
    minutes_save(meeting_pk=held.pk, user=secretariat, version=1, text_en="Draft.")
    reminders_run(now=held.ends_at + dt.timedelta(days=7, minutes=1))
    assert len([m for m in mail.outbox if "Minutes missing" in m.subject]) == 1


def test_russian_written_in_the_translation_editor_is_a_revision_and_refuses_an_older_form(
    held, secretariat, client_for
):
    from tests.pragueprocess.test_translations import edit_url, form_data

    minutes = minutes_save(meeting_pk=held.pk, user=secretariat, version=1, text_en="Text.")
    opened = minutes.version  # an editor opens the minutes form
    sec = client_for(secretariat)
    page = sec.get(edit_url("minutes", minutes))
    assert sec.post(edit_url("minutes", minutes), form_data(page, text__ru="Текст.")).status_code == 302
    minutes.refresh_from_db()
    assert minutes.text_ru == "Текст." and minutes.version == opened + 1
    assert list(minutes.revisions.values_list("number", "text_ru")) == [(2, "Текст."), (1, "")]
    # The form opened before the translation does not save over it.
    with pytest.raises(StaleEdit):
        minutes_save(meeting_pk=held.pk, user=secretariat, version=opened, text_en="Text, changed.")
    assert Minutes.objects.get(pk=minutes.pk).text_ru == "Текст."
