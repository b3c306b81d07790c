"""A thread's mail through a real Celery worker on Redis and a real SMTP listener on 127.0.0.1: the
fast path after the message, two beats and a rerun by hand deliver each message once per recipient."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker

from parties.models import Notification
from parties.notifications import notifications_send_due
from parties.tasks import send_due_notifications
from parties.threads import message_post
from pragueprocess.celery import app
from tests.conftest import point_celery_at
from tests.factories import ActivityFactory, UserFactory
from tests.meetings.test_integration import Inbox, free_port


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_real_worker_and_smtp_listener_deliver_each_thread_message_once(
    settings, plan, ncp_a, ncp_b, secretariat, party_a
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
    other_secretary = UserFactory(username="sec-2", role="secretariat")
    activity = ActivityFactory(party=party_a)
    expected = Counter({secretariat.email: 1, other_secretary.email: 1, ncp_a.email: 1})
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            # The Party asks (its fast path queues a send), two beats run, the secretariat answers,
            # and someone reruns the sweep by hand: each message reaches each recipient once.
            message_post(user=ncp_a, record=activity, party=party_a, text="A question", url="/", about="x")
            send_due_notifications.delay()
            send_due_notifications.delay()
            message_post(
                user=secretariat, record=activity, party=party_a, text="The answer", url="/", about="x"
            )
            notifications_send_due()
            send_due_notifications.delay()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                done = not Notification.objects.exclude(status="sent").exists()
                if done and Counter(r for r, _ in inbox.received) == expected:
                    break
                time.sleep(0.3)
            time.sleep(1.5)  # anything left in the queue would land now
    finally:
        controller.stop()
    assert Counter(r for r, _ in inbox.received) == expected  # never to the author, nor Party B
    assert Notification.objects.filter(status="sent", kind="thread_message").count() == 3
