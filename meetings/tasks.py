"""Thin Celery tasks: they call plain functions the tests call directly."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

log = logging.getLogger(__name__)


@shared_task(name="meetings.tasks.meeting_mail", ignore_result=True, time_limit=300, soft_time_limit=240)
def meeting_mail(meeting_pk: int) -> None:
    """Queue what is due for one meeting now and send the outbox (the minute sweep does the same)."""
    from parties.notifications import notifications_send_due

    from .reminders import queue_for_meeting

    now = timezone.now()
    queue_for_meeting(meeting_pk, now=now)
    notifications_send_due(now=now)


def enqueue_meeting_mail(meeting_pk: int) -> bool:
    """The fast path after commit. A broker that is down is logged, not raised: the row is saved
    and the beat's minute sweep sends the mail once the broker is back."""
    from pragueprocess.celery import app

    try:
        with app.connection_for_write() as conn:
            # One quick connection attempt: a refused or silent broker costs at most about a second.
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
            meeting_mail.apply_async(args=[meeting_pk], retry=False, connection=conn)
    except Exception:  # any broker or connection error: the sweep picks it up
        log.warning("broker unavailable: meeting %s mail left to the sweep", meeting_pk, exc_info=True)
        return False
    return True
