"""Meeting mail through the outbox: each (meeting, start, kind, recipient) exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from meetings import services
from meetings.minutes import minutes_save
from meetings.models import Invitation, Meeting
from meetings.reminders import queue_due
from parties.models import Notification
from parties.notifications import MAX_ATTEMPTS
from pragueprocess.reminders import reminders_run
from tests import mailbackends
from tests.factories import DelegateFactory, MeetingFactory, UserFactory


def per_recipient(kind_word: str = "") -> Counter:
    return Counter(m.to[0] for m in mail.outbox if kind_word in m.subject)


def at(meeting, days_before: float) -> datetime:
    return meeting.starts_at - timedelta(days=days_before)


@pytest.mark.django_db
def test_reminders_idempotent_twice_in_a_row(invited_meeting, ncp_a, ncp_b):
    delegate = DelegateFactory(invitation=invited_meeting.invitations.get(party__code="CZ"))
    now = at(invited_meeting, 29.9)  # the 30-day reminder is due
    reminders_run(now=now)
    reminders_run(now=now)
    reminders_run(now=now + timedelta(minutes=1))
    reminders = per_recipient("Reminder")
    assert reminders == Counter({ncp_a.email: 1, ncp_b.email: 1, delegate.email: 1})
    invitations = per_recipient("Invitation")
    assert invitations == Counter({ncp_a.email: 1, ncp_b.email: 1})
    # Each carries the calendar entry.
    assert all(m.attachments and m.attachments[0][0] == "meeting.ics" for m in mail.outbox)


@pytest.mark.django_db(transaction=True)
def test_reminders_idempotent_two_passes_at_once_on_postgresql(plan, party_a, party_b):
    assert connection.vendor == "postgresql"
    people = [UserFactory(role="contact_point", party=party_a) for _ in range(10)]
    people += [UserFactory(role="contact_point", party=party_b) for _ in range(10)]
    start = timezone.now() + timedelta(days=7, hours=-1)
    meeting = MeetingFactory(
        starts_at=start, ends_at=start + timedelta(hours=4), scheduled_at=timezone.now() - timedelta(days=40)
    )
    Invitation.objects.create(meeting=meeting, party=party_a)
    Invitation.objects.create(meeting=meeting, party=party_b)
    barrier = threading.Barrier(2)
    errors = []
    now = timezone.now()

    def beat():
        try:
            barrier.wait()
            reminders_run(now=now)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    counts = per_recipient("Reminder")
    assert set(counts) == {p.email for p in people} and set(counts.values()) == {1}
    assert Notification.objects.filter(kind="meeting.before").count() == 20


@pytest.mark.django_db
def test_only_the_latest_due_offset_goes_out_and_none_before_scheduling(invited_meeting, ncp_a):
    # Scheduled 10 days before the meeting: no "30 days" reminder, the 7-day one when due.
    invited_meeting.scheduled_at = at(invited_meeting, 10)
    invited_meeting.save()
    reminders_run(now=at(invited_meeting, 9))
    assert per_recipient("Reminder") == Counter()
    reminders_run(now=at(invited_meeting, 6.9))
    reminders_run(now=at(invited_meeting, 0.9))
    subjects = sorted(m.subject for m in mail.outbox if m.to == [ncp_a.email] and "Reminder" in m.subject)
    assert subjects == [
        f"Reminder: {invited_meeting.title} in 1 day",
        f"Reminder: {invited_meeting.title} in 7 days",
    ]


@pytest.mark.django_db
def test_reminders_reschedule_rearms_and_never_sends_a_stale_one(invited_meeting, ncp_a, secretariat):
    meeting = invited_meeting
    delegate = DelegateFactory(invitation=meeting.invitations.get(party__code="DE"))
    old_due = at(meeting, 7)
    # The 7-day reminder is queued for the old time but not yet sent (queued at its due moment).
    queue_due(now=old_due)
    assert Notification.objects.filter(kind="meeting.before", status="pending").count() == 3
    new_start = meeting.starts_at + timedelta(days=14)
    services.meeting_reschedule(
        meeting_pk=meeting.pk,
        user=secretariat,
        version=meeting.version,
        starts_at=new_start,
        ends_at=new_start + timedelta(hours=8),
    )
    assert Notification.objects.filter(kind="meeting.before", status="pending").count() == 0
    assert Notification.objects.filter(kind="meeting.before", status="cancelled").count() == 3
    reminders_run(now=old_due + timedelta(minutes=1))
    # Nothing for the old time; what goes out speaks of the new one (21 days ahead: the 30-day one).
    assert per_recipient("in 7 days") == Counter()
    assert {m.subject for m in mail.outbox if "Reminder" in m.subject} <= {
        f"Reminder: {meeting.title} in 30 days"
    }
    assert all(
        f"DTSTART:{new_start.astimezone(UTC):%Y%m%dT%H%M%SZ}" in m.attachments[0][1] for m in mail.outbox
    )
    # An updated invitation goes out for the new time, then the new 7-day reminder at its moment.
    assert per_recipient("Updated invitation")[ncp_a.email] == 1
    assert per_recipient("Updated invitation")[delegate.email] == 1
    reminders_run(now=new_start - timedelta(days=7))
    reminders_run(now=new_start - timedelta(days=7) + timedelta(minutes=1))
    assert per_recipient("in 7 days")[ncp_a.email] == 1
    meeting.refresh_from_db()
    assert meeting.sequence == 1 and meeting.version == 2


@pytest.mark.django_db
def test_reminders_reschedule_cancelled_meeting_sends_one_notice_and_no_more(
    invited_meeting, ncp_a, ncp_b, secretariat
):
    meeting = invited_meeting
    delegate = DelegateFactory(invitation=meeting.invitations.get(party__code="DE"))
    queue_due(now=at(meeting, 7))  # pending reminders
    services.meeting_cancel(meeting_pk=meeting.pk, user=secretariat, version=meeting.version)
    services.meeting_cancel(meeting_pk=meeting.pk, user=secretariat, version=None)  # twice: no effect
    for days in (7, 6.99, 1, 0.5):
        reminders_run(now=at(meeting, days))
    assert per_recipient("Cancelled") == Counter({ncp_a.email: 1, ncp_b.email: 1, delegate.email: 1})
    assert per_recipient("Reminder") == Counter()
    cancel_mail = next(m for m in mail.outbox if "Cancelled" in m.subject)
    assert "METHOD:CANCEL" in cancel_mail.attachments[0][1]


@pytest.mark.django_db
def test_reminders_smtp_retry_delays_only_the_failing_recipient(invited_meeting, ncp_a, ncp_b, settings):
    settings.EMAIL_BACKEND = "tests.mailbackends.FlakyBackend"
    mailbackends.REFUSED.clear()
    mailbackends.REFUSED.add(ncp_b.email)
    try:
        now = timezone.now()  # the invitations are due (back-off counts from the real clock)
        first = reminders_run(now=now)
        assert (first.sent, first.retried) == (1, 1)
        assert per_recipient() == Counter({ncp_a.email: 1})
        failing = Notification.objects.filter(to_email=ncp_b.email)
        assert all(n.status == "pending" and n.next_attempt_at > now for n in failing)
        for _ in range(MAX_ATTEMPTS):
            now += timedelta(hours=2)
            reminders_run(now=now)
        assert set(failing.values_list("status", flat=True)) == {"failed"}
        assert failing.get().attempts == MAX_ATTEMPTS
        assert per_recipient() == Counter({ncp_a.email: 1})
    finally:
        mailbackends.REFUSED.clear()


@pytest.mark.django_db
def test_failed_mail_is_listed_for_the_secretariat(invited_meeting, ncp_b, secretariat, client_for):
    Notification.objects.create(
        key="meeting:x:failed",
        kind="meeting.before",
        to_email=ncp_b.email,
        subject="Reminder: x",
        body="b",
        due_at=timezone.now(),
        status="failed",
        last_error="SMTPServerDisconnected: gone",
    )
    page = client_for(secretariat).get("/meetings/reminders/?status=failed")
    assert page.status_code == 200
    assert b"SMTPServerDisconnected" in page.content and ncp_b.email.encode() in page.content


@pytest.mark.django_db
def test_beat_dst_reminder_at_nine_in_paris_on_the_day_clocks_change(plan, party_a, ncp_a):
    paris = ZoneInfo("Europe/Paris")
    # Clocks go forward in Paris on Sunday 29 March 2026. The meeting is at 09:00 on 3 April
    # (CEST, UTC+2); the 7-day reminder falls at 09:00 CET on 27 March... (see the second case)
    # and a 1-day reminder of a meeting on Monday 30 March falls on the day of the change.
    start = datetime(2026, 3, 30, 9, 0, tzinfo=paris)
    meeting = MeetingFactory(
        timezone="Europe/Paris",
        starts_at=start,
        ends_at=start + timedelta(hours=6),
        reminder_offsets=[1],
        scheduled_at=datetime(2026, 3, 1, tzinfo=UTC),
    )
    Invitation.objects.create(meeting=meeting, party=party_a)
    # 09:00 in Paris on 29 March 2026 (CEST) is 07:00 UTC.
    right = datetime(2026, 3, 29, 7, 0, tzinfo=UTC)
    tick = datetime(2026, 3, 28, 22, 0, tzinfo=UTC)
    first_sent = None
    while tick <= datetime(2026, 3, 29, 22, 0, tzinfo=UTC):
        reminders_run(now=tick)
        reminders_run(now=tick)  # a second beat at the same minute
        if first_sent is None and per_recipient("Reminder"):
            first_sent = tick
        tick += timedelta(minutes=5)
    assert per_recipient("Reminder") == Counter({ncp_a.email: 1})
    assert first_sent == right
    n = Notification.objects.get(kind="meeting.before")
    assert n.due_at == right and n.due_at.astimezone(paris).hour == 9


@pytest.mark.django_db
def test_beat_dst_offset_across_the_change_keeps_the_wall_clock_time(plan, party_a, ncp_a):
    paris = ZoneInfo("Europe/Paris")
    start = datetime(2026, 4, 3, 9, 0, tzinfo=paris)  # CEST: 07:00 UTC
    meeting = MeetingFactory(
        timezone="Europe/Paris",
        starts_at=start,
        ends_at=start + timedelta(hours=6),
        reminder_offsets=[7],
        scheduled_at=datetime(2026, 3, 1, tzinfo=UTC),
    )
    Invitation.objects.create(meeting=meeting, party=party_a)
    # Seven days earlier, 27 March, is still CET: 09:00 local is 08:00 UTC, not 07:00.
    reminders_run(now=datetime(2026, 3, 27, 7, 30, tzinfo=UTC))
    assert per_recipient("Reminder") == Counter()
    reminders_run(now=datetime(2026, 3, 27, 8, 0, tzinfo=UTC))
    assert per_recipient("Reminder") == Counter({ncp_a.email: 1})


@pytest.mark.django_db
def test_deadline_reminder_only_to_parties_that_have_not_answered(invited_meeting, ncp_a, ncp_b, secretariat):
    meeting = invited_meeting
    meeting.registration_deadline = meeting.starts_at - timedelta(days=10)
    meeting.save()
    services.registration_decline(invitation_pk=meeting.invitations.get(party__code="DE").pk, user=ncp_b)
    reminders_run(now=meeting.registration_deadline - timedelta(days=2))
    assert per_recipient("Registration closes") == Counter({ncp_a.email: 1})


@pytest.mark.django_db
def test_minutes_reminders_to_the_secretariat_until_minutes_exist(invited_meeting, secretariat):
    meeting = invited_meeting
    reminders_run(now=meeting.ends_at + timedelta(days=3, minutes=1))
    reminders_run(now=meeting.ends_at + timedelta(days=3, minutes=2))
    assert per_recipient("Minutes missing") == Counter({secretariat.email: 1})
    minutes_save(meeting_pk=meeting.pk, user=secretariat, version=1, text_en="Held.")  # a draft is enough
    reminders_run(now=meeting.ends_at + timedelta(days=7, minutes=1))
    assert per_recipient("Minutes missing") == Counter({secretariat.email: 1})


@pytest.mark.django_db
def test_reminder_in_the_recipients_language(invited_meeting, ncp_a):
    ncp_a.preferred_language = "ru"
    ncp_a.save()
    reminders_run(now=at(invited_meeting, 7))
    mine = [m for m in mail.outbox if m.to == [ncp_a.email]]
    assert mine
    n = Notification.objects.filter(recipient=ncp_a).first()
    assert n.language == "ru"


@pytest.mark.django_db
def test_cancelled_meetings_are_skipped_by_the_pass(invited_meeting):
    Meeting.objects.filter(pk=invited_meeting.pk).update(status="cancelled")
    assert queue_due(now=at(invited_meeting, 7)) == 0


@pytest.mark.django_db
def test_send_reminders_by_hand_twice_sends_once(invited_meeting, ncp_a, ncp_b):
    from io import StringIO

    from django.core.management import call_command

    call_command("send_reminders", stdout=StringIO())
    call_command("send_reminders", stdout=StringIO())
    assert per_recipient("Invitation") == Counter({ncp_a.email: 1, ncp_b.email: 1})


@pytest.mark.django_db
def test_reminders_reschedule_through_the_edit_form_cancels_the_old_ones(
    invited_meeting, client_for, secretariat
):
    meeting = invited_meeting
    queue_due(now=at(meeting, 7))
    assert Notification.objects.filter(kind="meeting.before", status="pending").count() == 2
    form = client_for(secretariat).get(f"/meetings/{meeting.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "actions"}
    data.update(
        kind="som",
        title=meeting.title,
        timezone=meeting.timezone,
        status="planned",
        starts_local="2031-06-01T10:00",
        ends_local="2031-06-01T18:00",
        deadline_local="",
    )
    response = client_for(secretariat).post(f"/meetings/{meeting.pk}/edit/", data)
    assert response.status_code == 302
    assert Notification.objects.filter(kind="meeting.before", status="pending").count() == 0
    meeting.refresh_from_db()
    assert meeting.sequence == 1 and meeting.starts_at == datetime(2031, 6, 1, 8, 0, tzinfo=UTC)
