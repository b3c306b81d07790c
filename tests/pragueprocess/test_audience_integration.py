"""A real Celery worker on Redis sends the secretariat's message to an audience through a real SMTP
listener: two beats, the fast path after Send and a retry of it deliver one e-mail per recipient."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker

from parties.models import Notification, Party
from pragueprocess.audience import audience_message_send
from pragueprocess.celery import app
from pragueprocess.models import AudienceMessage
from pragueprocess.tasks import audience_mail, reminders_sweep
from tests.conftest import point_celery_at
from tests.factories import UserFactory
from tests.meetings.test_integration import Inbox, free_port


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_audience_mail_reaches_each_recipient_once_under_two_beats_and_a_retry(
    settings, plan, ncp_a, ncp_b, secretariat
):
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "integration tests run on Redis"
    ncp_al = UserFactory(
        username="ncp-al", role="contact_point", party=Party.objects.get(code="AL"), preferred_language="ru"
    )
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    point_celery_at(settings.CELERY_BROKER_URL, purge=True)
    expected = Counter({ncp_a.email: 1, ncp_b.email: 1, ncp_al.email: 1})
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            # Send: the fast path is queued after commit (the service's own enqueue_on_commit).
            message, _ = audience_message_send(
                token=uuid.uuid4(), author=secretariat, audience="contact_points",
                subject="Core group meeting", body="Dear colleagues, see you in Warsaw.",
                subject_ru="Встреча основной группы", body_ru="Уважаемые коллеги, до встречи в Варшаве.",
            )  # fmt: skip
            reminders_sweep.delay()  # two beats
            reminders_sweep.delay()
            audience_mail.delay(message.pk)  # a retry of the fast path
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                done = Notification.objects.filter(kind="audience").exclude(status="sent").count() == 0
                if done and Counter(r for r, _ in inbox.received) == expected:
                    break
                time.sleep(0.3)
            time.sleep(1.5)  # anything left in the queue would land now
    finally:
        controller.stop()
    assert Counter(r for r, _ in inbox.received) == expected
    assert Notification.objects.filter(kind="audience", status="sent").count() == 3
    assert AudienceMessage.objects.get().recipient_count == 3
    raw = {rcpt: message_from_bytes(content) for rcpt, content in inbox.received}
    assert all(m["Auto-Submitted"] == "auto-generated" for m in raw.values())
    russian = raw[ncp_al.email]
    assert "Варшаве" in russian.get_payload(decode=True).decode()
    assert "Warsaw" in raw[ncp_a.email].get_payload(decode=True).decode()
