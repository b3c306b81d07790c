from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from parties.models import Notification
from parties.notifications import MAX_ATTEMPTS, notification_queue, notifications_send_due
from tests import mailbackends


def queue(key: str, to: str = "a@example.org", due=None):
    return notification_queue(
        key=key,
        kind="meeting.invitation",
        to_email=to,
        subject="Subject",
        body="Body",
        due_at=due or timezone.now(),
    )


@pytest.mark.django_db
def test_queueing_the_same_key_twice_keeps_one_row():
    first, created = queue("k1")
    second, created_again = queue("k1")
    assert created and not created_again
    assert first.pk == second.pk and Notification.objects.count() == 1


@pytest.mark.django_db
def test_reminders_idempotent_twice_in_a_row():
    queue("k1", "a@example.org")
    queue("k2", "b@example.org")
    queue("later", "c@example.org", due=timezone.now() + timedelta(days=1))
    assert notifications_send_due().sent == 2
    assert notifications_send_due().sent == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert Notification.objects.get(key="later").status == "pending"


@pytest.mark.django_db(transaction=True)
def test_reminders_idempotent_two_senders_at_once_on_postgresql():
    assert connection.vendor == "postgresql"
    for i in range(30):
        queue(f"k{i}", f"r{i}@example.org")
    barrier = threading.Barrier(2)
    errors = []

    def sender():
        try:
            barrier.wait()
            notifications_send_due()
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    per_recipient = {}
    for m in mail.outbox:
        per_recipient[m.to[0]] = per_recipient.get(m.to[0], 0) + 1
    assert len(per_recipient) == 30 and set(per_recipient.values()) == {1}
    assert Notification.objects.filter(status="sent").count() == 30


@pytest.mark.django_db
def test_reminders_smtp_retry_backs_off_then_marks_failed(settings):
    settings.EMAIL_BACKEND = "tests.mailbackends.FlakyBackend"
    mailbackends.REFUSED.clear()
    mailbackends.REFUSED.add("down@example.org")
    queue("bad", "down@example.org")
    queue("good", "up@example.org")
    result = notifications_send_due()
    assert (result.sent, result.retried) == (1, 1)
    bad = Notification.objects.get(key="bad")
    assert bad.status == "pending" and bad.attempts == 1 and bad.next_attempt_at > timezone.now()
    assert "SMTPServerDisconnected" in bad.last_error
    # Not retried before its back-off has passed.
    assert notifications_send_due().retried == 0
    now = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        now += timedelta(hours=2)
        notifications_send_due(now=now)
    bad.refresh_from_db()
    assert bad.status == "failed" and bad.attempts == MAX_ATTEMPTS
    assert len(mailbackends.outbox_to("up@example.org")) == 1
    assert mailbackends.outbox_to("down@example.org") == []
    mailbackends.REFUSED.clear()


@pytest.mark.django_db
def test_a_claim_left_by_a_dead_sender_is_released():
    n, _ = queue("k1")
    Notification.objects.filter(pk=n.pk).update(
        status="sending", claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert notifications_send_due().sent == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_send_reminders_command_runs_one_pass():
    from io import StringIO

    from django.core.management import call_command

    queue("k1")
    out = StringIO()
    call_command("send_reminders", stdout=out)
    call_command("send_reminders", stdout=StringIO())
    assert "Sent 1" in out.getvalue()
    assert len(mail.outbox) == 1
