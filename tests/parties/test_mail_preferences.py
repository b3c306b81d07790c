"""Each person steers their optional mail: immediately, a weekly digest, or none; essential mail always
goes. The digest: one mail per person per week with every item held, in the person's language, under
the key digest:<user>:<ISO year-week>; the one-click unsubscribe sets a category to none."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.test import Client

from parties.digest import digest_key, digest_moment, digests_queue
from parties.mailprefs import mail_preferences_save, preferences_of, unsubscribe_token
from parties.models import MailPreference, Notification
from parties.notifications import notification_queue, notifications_send_due
from tests.mailbackends import outbox_to

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # ISO week 49 of 2026: the week's digest moment


def queue(key: str, user, kind: str = "meeting.before", due: datetime | None = None, subject: str = ""):
    return notification_queue(
        key=key,
        kind=kind,
        to_email=user.email,
        recipient=user,
        subject=subject or f"Subject {key}",
        body="Body",
        due_at=due or MONDAY - timedelta(days=3),
        link=f"http://127.0.0.1:8000/meetings/{key}/",
    )[0]


def test_with_none_an_optional_mail_is_not_sent_and_says_why(ncp_a):
    mail_preferences_save(user=ncp_a, modes={"meeting_reminders": "none"})
    row = queue("r1", ncp_a)
    result = notifications_send_due(now=MONDAY)
    assert (result.sent, result.skipped) == (0, 1)
    row.refresh_from_db()
    assert row.status == "skipped" and row.reason == "preference: none (meeting_reminders)"
    assert mail.outbox == []
    assert notifications_send_due(now=MONDAY).skipped == 0  # twice is once


def test_essential_mail_always_goes_whatever_the_preferences(ncp_a):
    for category in ("meeting_reminders", "minutes_reminders"):
        MailPreference.objects.create(user=ncp_a, category=category, mode="none")
    # a stored row for an essential category (written by hand) changes nothing either
    MailPreference.objects.create(user=ncp_a, category="deadlines", mode="none")
    for kind in (
        "meeting.invitation",
        "meeting.deadline",
        "meeting.cancelled",
        "progress_reminder",
        "audience",
    ):
        queue(kind, ncp_a, kind=kind)
    assert notifications_send_due(now=MONDAY).sent == 5
    assert len(outbox_to(ncp_a.email)) == 5


def test_immediately_is_the_default_and_other_peoples_choices_do_not_count(ncp_a, ncp_b):
    mail_preferences_save(user=ncp_b, modes={"meeting_reminders": "none"})
    queue("a", ncp_a)
    queue("b", ncp_b)
    notifications_send_due(now=MONDAY)
    assert [m.to for m in mail.outbox] == [[ncp_a.email]]


def test_digest_mode_sends_one_mail_per_person_per_week_with_every_item(ncp_a, ncp_b, reader):
    for user in (ncp_a, ncp_b):
        mail_preferences_save(user=user, modes={"meeting_reminders": "digest", "minutes_reminders": "digest"})
    queue("a1", ncp_a, subject="First for A")
    queue("a2", ncp_a, subject="Second for A", kind="meeting.minutes")
    queue("a3", ncp_a, subject="Third for A")
    queue("b1", ncp_b, subject="Only for B")
    queue("r1", reader, subject="Reader, at once")  # no preference: immediately
    early = MONDAY - timedelta(days=2)
    result = notifications_send_due(now=early)
    assert (result.sent, result.held) == (1, 4)
    assert [m.to for m in mail.outbox] == [[reader.email]]
    assert digests_queue(now=early) == 0  # last week's digest moment: nothing was held before it

    # The week's moment: two beats and a rerun make one digest per person.
    from pragueprocess.reminders import reminders_run

    for _ in range(3):
        reminders_run(now=MONDAY + timedelta(minutes=1))
    digest_a, digest_b = outbox_to(ncp_a.email), outbox_to(ncp_b.email)
    assert len(digest_a) == 1 and len(digest_b) == 1
    body = digest_a[0].body
    for subject in ("First for A", "Second for A", "Third for A"):
        assert subject in body
    assert "http://127.0.0.1:8000/meetings/a1/" in body and "Only for B" not in body
    assert "(3 items)" in digest_a[0].subject and "Only for B" in digest_b[0].body
    assert digest_a[0].extra_headers["Auto-Submitted"] == "auto-generated"
    assert "List-Unsubscribe" not in digest_a[0].extra_headers
    row = Notification.objects.get(key=digest_key(ncp_a.pk, MONDAY))
    assert row.key == f"digest:{ncp_a.pk}:2026-W49" and row.kind == "mail.digest"
    assert set(Notification.objects.filter(digest=row).values_list("key", flat=True)) == {"a1", "a2", "a3"}
    assert not Notification.objects.filter(status="held").exists()


def test_mail_held_after_the_weeks_moment_waits_for_the_next_weeks_digest(ncp_a):
    mail_preferences_save(user=ncp_a, modes={"meeting_reminders": "digest"})
    queue("old", ncp_a, subject="Before Monday")
    notifications_send_due(now=MONDAY)
    assert digests_queue(now=MONDAY) == 1
    queue("new", ncp_a, subject="On Wednesday", due=MONDAY + timedelta(days=2))
    wednesday = MONDAY + timedelta(days=2, hours=1)
    notifications_send_due(now=wednesday)
    assert digests_queue(now=wednesday) == 0
    notifications_send_due(now=wednesday)
    assert len(outbox_to(ncp_a.email)) == 1
    next_monday = MONDAY + timedelta(weeks=1)
    assert digest_moment(next_monday + timedelta(hours=3)) == next_monday
    assert digests_queue(now=next_monday + timedelta(hours=3)) == 1
    notifications_send_due(now=next_monday + timedelta(hours=3))
    first, second = outbox_to(ncp_a.email)
    assert "Before Monday" in first.body and "On Wednesday" not in first.body
    assert "On Wednesday" in second.body and "Before Monday" not in second.body
    assert Notification.objects.filter(kind="mail.digest").count() == 2


def test_the_digest_is_in_the_persons_language(ncp_a):
    ncp_a.preferred_language = "ru"
    ncp_a.save()
    mail_preferences_save(user=ncp_a, modes={"meeting_reminders": "digest"})
    queue("x", ncp_a, subject="Напоминание")
    notifications_send_due(now=MONDAY)
    digests_queue(now=MONDAY)
    notifications_send_due(now=MONDAY)
    (digest,) = outbox_to(ncp_a.email)
    assert "еженедельная сводка" in digest.subject and "Напоминание" in digest.body
    assert Notification.objects.get(kind="mail.digest").language == "ru"


def test_a_cancelled_meeting_takes_its_held_reminders_out_of_the_digest(ncp_a):
    from parties.notifications import notifications_cancel

    mail_preferences_save(user=ncp_a, modes={"meeting_reminders": "digest"})
    queue("meeting:9:x:before-7d:user:1", ncp_a)
    notifications_send_due(now=MONDAY)
    assert notifications_cancel(key_prefix="meeting:9:") == 1
    assert digests_queue(now=MONDAY) == 0


def test_only_optional_categories_and_known_modes_are_saved(ncp_a):
    assert mail_preferences_save(user=ncp_a, modes={"deadlines": "none", "meeting_reminders": "weekly"}) == 0
    assert not MailPreference.objects.exists()
    assert preferences_of(ncp_a) == {
        "meeting_reminders": "immediate",
        "minutes_reminders": "immediate",
        "conversations": "immediate",
    }


# --- the pages ---------------------------------------------------------------------------------


def test_a_contact_point_chooses_on_the_details_page(ncp_a, client_for):
    client = client_for(ncp_a)
    page = client.get("/parties/my-details/").content.decode()
    assert 'action="/mail/preferences/"' in page and 'name="mail-meeting_reminders"' in page
    response = client.post(
        "/mail/preferences/",
        {"next": "details", "mail-meeting_reminders": "digest", "mail-minutes_reminders": "none"},
    )
    assert response.status_code == 302 and response["Location"] == "/parties/my-details/"
    # A category the post leaves out (conversations) keeps its choice.
    assert preferences_of(ncp_a) == {
        "meeting_reminders": "digest",
        "minutes_reminders": "none",
        "conversations": "immediate",
    }
    for url in ("/parties/my-details/", "/mail/preferences/"):
        page = client.get(url).content.decode()
        assert re.search(r'name="mail-meeting_reminders" value="digest"[^>]*checked', page), url
        assert re.search(r'name="mail-minutes_reminders" value="none"[^>]*checked', page), url


def test_a_bad_choice_is_shown_next_to_its_field_and_saves_nothing(secretariat, client_for):
    response = client_for(secretariat).post(
        "/mail/preferences/", {"mail-meeting_reminders": "always", "mail-minutes_reminders": "none"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "Select a valid choice" in page
    assert not MailPreference.objects.exists()


def _unsubscribe_url(user, category="meeting_reminders"):
    return f"/mail/unsubscribe/{unsubscribe_token(user_pk=user.pk, category=category)}/"


def test_unsubscribe_get_asks_and_changes_nothing(ncp_a):
    response = Client().get(_unsubscribe_url(ncp_a))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Meeting reminders" in page and '<form method="post">' in page
    assert not MailPreference.objects.exists()


def test_one_click_unsubscribe_post_needs_no_sign_in_and_no_csrf_token(ncp_a):
    client = Client(enforce_csrf_checks=True)
    response = client.post(_unsubscribe_url(ncp_a), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert preferences_of(ncp_a)["meeting_reminders"] == "none"
    assert client.post(_unsubscribe_url(ncp_a), {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert MailPreference.objects.filter(user=ncp_a).count() == 1
    # the other category is untouched
    assert preferences_of(ncp_a)["minutes_reminders"] == "immediate"


def test_other_pages_keep_their_csrf_check(ncp_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ncp_a)
    assert client.post("/mail/preferences/", {"mail-meeting_reminders": "none"}).status_code == 403


@pytest.mark.parametrize(
    "token", ["not-a-token", "eyJ1IjoxLCJjIjoiZGVhZGxpbmVzIn0:bad:signature"], ids=["garbage", "forged"]
)
def test_a_bad_unsubscribe_link_is_404_and_changes_nothing(ncp_a, token):
    assert Client().post(f"/mail/unsubscribe/{token}/").status_code == 404
    assert not MailPreference.objects.exists()


def test_an_essential_category_cannot_be_unsubscribed_even_with_a_signed_link(ncp_a):
    assert Client().post(_unsubscribe_url(ncp_a, "deadlines")).status_code == 404
    assert not MailPreference.objects.exists()


def test_an_unsubscribe_link_of_a_closed_account_is_404(ncp_a):
    ncp_a.is_active = False
    ncp_a.save()
    assert Client().post(_unsubscribe_url(ncp_a)).status_code == 404


def test_mail_skipped_or_sent_in_a_digest_is_erased_after_the_retention_period(ncp_a, settings):
    from pragueprocess.retention import months_before, personal_data_erase

    now = MONDAY
    old = months_before(now, settings.PERSONAL_DATA_RETENTION_MONTHS + 1)
    skipped = queue("skipped", ncp_a, due=old)
    digested = queue("digested", ncp_a, due=old)
    recent = queue("recent", ncp_a, due=now - timedelta(days=1))
    Notification.objects.filter(pk=skipped.pk).update(status="skipped")
    Notification.objects.filter(pk__in=[digested.pk, recent.pk]).update(status="digested")
    personal_data_erase(now=now)
    bodies = dict(Notification.objects.values_list("key", "body"))
    assert bodies == {"skipped": "", "digested": "", "recent": "Body"}


def test_ending_a_term_cancels_the_persons_held_mail_too(ncp_a, secretariat):
    from parties.services import term_end

    mail_preferences_save(user=ncp_a, modes={"meeting_reminders": "digest"})
    queue("held", ncp_a)
    notifications_send_due(now=MONDAY)
    from parties.models import ContactPointTerm

    term = ContactPointTerm.objects.create(user=ncp_a, party=ncp_a.party, started_on=date(2020, 1, 1))
    term_end(term=term, ended_on=date(2026, 11, 1), by=secretariat)
    assert Notification.objects.get(key="held").status == "cancelled"
