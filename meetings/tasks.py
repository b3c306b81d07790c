"""Thin Celery tasks: they call plain functions the tests call directly."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from core.background import enqueue_now


@shared_task(name="meetings.tasks.meeting_mail", ignore_result=True, time_limit=300, soft_time_limit=240)
def meeting_mail(meeting_pk: int) -> None:
    """Queue what is due for one meeting now and send the outbox (the minute sweep does the same)."""
    from parties.notifications import notifications_send_due

    from .reminders import queue_for_meeting

    now = timezone.now()
    queue_for_meeting(meeting_pk, now=now)
    notifications_send_due(now=now)


def enqueue_meeting_mail(meeting_pk: int) -> bool:
    """The fast path, now: one quick broker try (`core.background.enqueue_now`). A broker that is
    down is logged, not raised: the beat's minute sweep sends the mail once it is back."""
    return enqueue_now(meeting_mail, meeting_pk)
