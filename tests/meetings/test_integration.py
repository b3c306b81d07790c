"""A real Celery worker on Redis sends the meeting mail through a real SMTP listener on 127.0.0.1."""

from __future__ import annotations

import socket
import time
from collections import Counter
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from meetings.models import Invitation
from meetings.tasks import enqueue_meeting_mail
from parties.models import Notification
from pragueprocess.celery import app
from pragueprocess.tasks import reminders_sweep
from tests.conftest import point_celery_at
from tests.factories import DelegateFactory, MeetingFactory


class Inbox:
    def __init__(self):
        self.received: list[tuple[str, bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        for rcpt in envelope.rcpt_tos:
            self.received.append((rcpt, envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_real_worker_and_smtp_listener_deliver_each_reminder_once(
    settings, plan, ncp_a, ncp_b, party_a, party_b
):
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "integration tests run on Redis"
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    point_celery_at(settings.CELERY_BROKER_URL, purge=True)

    start = timezone.now() + timedelta(days=7, minutes=-30)  # the 7-day reminder is due
    meeting = MeetingFactory(
        starts_at=start, ends_at=start + timedelta(hours=6), scheduled_at=timezone.now() - timedelta(days=40)
    )
    Invitation.objects.create(meeting=meeting, party=party_a)
    de = Invitation.objects.create(meeting=meeting, party=party_b)
    delegate = DelegateFactory(invitation=de)
    expected = Counter({ncp_a.email: 2, ncp_b.email: 2, delegate.email: 1})  # invitation + reminder
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            # Two beats, the fast path after a save, and a rerun: the same mail, once.
            reminders_sweep.delay()
            reminders_sweep.delay()
            assert enqueue_meeting_mail(meeting.pk)
            reminders_sweep.delay()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                done = not Notification.objects.exclude(status="sent").exists()
                if done and Counter(r for r, _ in inbox.received) == expected:
                    break
                time.sleep(0.3)
            time.sleep(1.5)  # anything left in the queue would land now
    finally:
        controller.stop()
    assert Counter(r for r, _ in inbox.received) == expected
    assert Notification.objects.filter(status="sent").count() == 5
    raw = next(content for rcpt, content in inbox.received if rcpt == delegate.email)
    assert b"text/calendar" in raw and b"BEGIN:VCALENDAR" in raw


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_approved_minutes_reach_each_participant_once_through_a_real_worker_and_smtp(
    settings, plan, ncp_a, ncp_b, party_a, party_b, secretariat
):
    """Approval queues the mail; two beats, the fast path, a retried approval and a rerun of the
    queueing: each participant gets the minutes once."""
    from meetings.minutes import minutes_approve, minutes_mail_queue, minutes_save
    from meetings.models import Minutes

    assert settings.CELERY_BROKER_URL.startswith("redis://"), "integration tests run on Redis"
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    point_celery_at(settings.CELERY_BROKER_URL, purge=True)

    start = timezone.now() - timedelta(days=40)  # long past: no reminder of its own is due
    meeting = MeetingFactory(starts_at=start, ends_at=start + timedelta(hours=6), scheduled_at=start)
    cz = Invitation.objects.create(meeting=meeting, party=party_a, answer="registered")
    Invitation.objects.create(meeting=meeting, party=party_b, answer="declined")
    delegate = DelegateFactory(invitation=cz)
    minutes = minutes_save(meeting_pk=meeting.pk, user=secretariat, version=1, text_en="Held.")
    expected = Counter({ncp_a.email: 1, delegate.email: 1})
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            approved = minutes_approve(
                meeting_pk=meeting.pk, user=secretariat, version=minutes.version, approved_on=start.date()
            )
            reminders_sweep.delay()
            reminders_sweep.delay()
            # A retried approval (the same request again) and a rerun of the queueing.
            minutes_approve(
                meeting_pk=meeting.pk, user=secretariat, version=minutes.version, approved_on=start.date()
            )
            minutes_mail_queue(
                minutes=Minutes.objects.get(pk=approved.pk), meeting=meeting, now=timezone.now()
            )
            assert enqueue_meeting_mail(meeting.pk)
            reminders_sweep.delay()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                done = not Notification.objects.exclude(status="sent").exists()
                if done and Counter(r for r, _ in inbox.received) == expected:
                    break
                time.sleep(0.3)
            time.sleep(1.5)  # anything left in the queue would land now
    finally:
        controller.stop()
    assert Counter(r for r, _ in inbox.received) == expected
    assert Notification.objects.filter(kind="meeting.minutes_approved", status="sent").count() == 2
    raw = next(content for rcpt, content in inbox.received if rcpt == delegate.email)
    assert b"Minutes approved" in raw


class FlakyInbox(Inbox):
    """Refuses the first message to each address in `refuse_once` (451, try again later)."""

    def __init__(self, refuse_once: set[str]):
        super().__init__()
        self.refuse_once = set(refuse_once)
        self.refused: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        refused = self.refuse_once & set(envelope.rcpt_tos)
        if refused:
            self.refuse_once -= refused
            self.refused += sorted(refused)
            return "451 Requested action aborted: try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_real_worker_and_smtp_listener_deliver_each_decision_reminder_once(
    settings, plan, ncp_a, ncp_b, secretariat, party_a, party_b
):
    """Two beats and a rerun queue one reminder per owner; an SMTP refusal is retried and the
    retry delivers it once; the owners of another decision and the non-owners get nothing."""
    from meetings.models import Decision
    from pragueprocess.reminders import reminders_run
    from tests.factories import DecisionFactory

    assert settings.CELERY_BROKER_URL.startswith("redis://"), "integration tests run on Redis"
    inbox = FlakyInbox({ncp_b.email})
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DECISION_REMINDER_DAYS_BEFORE = 14
    point_celery_at(settings.CELERY_BROKER_URL, purge=True)

    past = MeetingFactory(
        starts_at=timezone.now() - timedelta(days=200), ends_at=timezone.now() - timedelta(days=199)
    )
    today = timezone.localdate()
    soon = DecisionFactory(meeting=past, owner_parties=[party_a, party_b], due_on=today + timedelta(days=10))
    late = DecisionFactory(meeting=past, owner_secretariat=True, due_on=today - timedelta(days=2))
    DecisionFactory(meeting=past, owner_parties=[party_a], due_on=today + timedelta(days=40))  # not yet
    DecisionFactory(meeting=past, owner_parties=[party_a], due_on=today, status=Decision.Status.DONE)
    expected = Counter({ncp_a.email: 1, ncp_b.email: 1, secretariat.email: 1})

    def delivered() -> Counter:
        return Counter(r for r, _ in inbox.received)

    def wait_for(condition) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not condition():
            time.sleep(0.3)

    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            reminders_sweep.delay()  # two beats and a rerun
            reminders_sweep.delay()
            reminders_sweep.delay()
            wait_for(lambda: inbox.refused and delivered() == expected - Counter({ncp_b.email: 1}))
            time.sleep(1.5)
            retry = Notification.objects.get(to_email=ncp_b.email)
            assert retry.status == "pending" and retry.attempts == 1 and retry.next_attempt_at
            # The back-off has passed: the next beats retry the refused one, and only it.
            reminders_run(now=retry.next_attempt_at + timedelta(seconds=1))
            reminders_sweep.delay()
            wait_for(lambda: delivered() == expected)
            time.sleep(1.5)  # anything left in the queue would land now
    finally:
        controller.stop()
    assert inbox.refused == [ncp_b.email]
    assert delivered() == expected
    keys = set(Notification.objects.filter(status="sent").values_list("key", flat=True))
    assert keys == {
        f"decision:{soon.pk}:{soon.due_on.isoformat()}:before:user:{ncp_a.pk}",
        f"decision:{soon.pk}:{soon.due_on.isoformat()}:before:user:{ncp_b.pk}",
        f"decision:{late.pk}:{late.due_on.isoformat()}:overdue:user:{secretariat.pk}",
    }
