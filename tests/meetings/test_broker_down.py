"""Scheduling a meeting with the broker down succeeds fast; the sweep sends the mail later."""

from __future__ import annotations

import logging
import time

import pytest
from django.core import mail

from meetings.models import Meeting
from pragueprocess.celery import app
from pragueprocess.reminders import reminders_run
from tests.conftest import point_celery_at


@pytest.mark.django_db(transaction=True)
def test_broker_down_scheduling_a_meeting_succeeds_and_nothing_is_lost(
    client_for, secretariat, ncp_a, settings, caplog
):
    # An earlier test's Celery worker leaves the root logger at its own level (error): the warning
    # is asked for at its logger.
    caplog.set_level(logging.WARNING, logger="core.background")
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # a closed port
    old_url = app.conf.broker_url
    point_celery_at(settings.CELERY_BROKER_URL)
    try:
        started = time.monotonic()
        response = client_for(secretariat).post(
            "/meetings/new/",
            {
                "kind": "som",
                "title_en": "SOM with the broker down",
                "timezone": "Europe/Warsaw",
                "starts_local": "2031-05-12T09:30",
                "ends_local": "2031-05-13T17:00",
                "offsets": "30, 7, 1",
                "status": "planned",
            },
        )
        elapsed = time.monotonic() - started
    finally:
        point_celery_at(old_url)
    assert response.status_code == 302, response.content[:2000]
    assert elapsed < 3, f"took {elapsed:.1f}s"
    assert "broker unavailable" in caplog.text  # the fast path was tried, failed, and was logged
    meeting = Meeting.objects.get(title="SOM with the broker down")
    assert meeting.invitations.count() == 52  # an SOM invites all Parties
    # Nothing lost: the minute sweep (beat, or `manage.py send_reminders`) sends the invitation.
    reminders_run()
    assert [m.to for m in mail.outbox if "Invitation" in m.subject] == [[ncp_a.email]]
