"""Delegates' personal details and sent mail bodies are erased after the retention period, by a
beat task that does its work exactly once per day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from meetings.models import Delegate
from parties.models import Notification
from pragueprocess.retention import ERASED, months_before, retention_daily
from tests.factories import DelegateFactory, InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 30, 4, 0, tzinfo=dt.UTC)


def _meeting(ended: dt.datetime):
    return MeetingFactory(starts_at=ended - dt.timedelta(hours=8), ends_at=ended)


def _sent(at: dt.datetime, key: str) -> Notification:
    return Notification.objects.create(
        key=key, kind="reminder", to_email="ncp@example.org", subject="SOM", body="Dear colleague, …",
        due_at=at, sent_at=at, status=Notification.Status.SENT,
    )  # fmt: skip


def test_old_delegates_and_mail_bodies_are_erased_recent_ones_kept(plan):
    months = settings.PERSONAL_DATA_RETENTION_MONTHS
    old = DelegateFactory(invitation=InvitationFactory(meeting=_meeting(months_before(NOW, months + 1))))
    recent = DelegateFactory(invitation=InvitationFactory(meeting=_meeting(months_before(NOW, months - 1))))
    old_mail = _sent(months_before(NOW, months + 1), "old")
    new_mail = _sent(months_before(NOW, 1), "new")

    result = retention_daily(now=NOW)
    assert (result.delegates, result.mails) == (1, 1)
    old.refresh_from_db()
    assert (old.name, old.function, old.email) == (ERASED, "", "")
    assert set(Delegate.history.filter(id=old.pk).values_list("name", "email")) == {(ERASED, "")}
    recent.refresh_from_db()
    assert recent.name.startswith("Delegate") and recent.email
    old_mail.refresh_from_db()
    new_mail.refresh_from_db()
    assert old_mail.body == "" and new_mail.body == "Dear colleague, …"
    assert Delegate.objects.count() == 2  # the rows stay: who took part, as a number


def test_the_daily_task_does_its_work_once_per_day(plan):
    months = settings.PERSONAL_DATA_RETENTION_MONTHS
    DelegateFactory(invitation=InvitationFactory(meeting=_meeting(months_before(NOW, months + 2))))
    assert retention_daily(now=NOW).delegates == 1
    DelegateFactory(invitation=InvitationFactory(meeting=_meeting(months_before(NOW, months + 2))))
    assert retention_daily(now=NOW + dt.timedelta(hours=5)) is None  # a second beat, the same day
    tomorrow = retention_daily(now=NOW + dt.timedelta(days=1))
    assert tomorrow is not None and tomorrow.delegates == 1


def test_the_beat_asks_for_it():
    entry = settings.CELERY_BEAT_SCHEDULE["retention-daily"]
    assert entry["task"] == "pragueprocess.tasks.retention_daily"


def test_months_before_keeps_the_day_or_takes_the_months_last():
    assert months_before(dt.datetime(2026, 3, 31, tzinfo=dt.UTC), 1) == dt.datetime(
        2026, 2, 28, tzinfo=dt.UTC
    )
    assert months_before(timezone.datetime(2026, 11, 30, tzinfo=dt.UTC), 24).year == 2024
