from __future__ import annotations

from celery import shared_task

from .notifications import notifications_send_due


@shared_task(
    name="parties.tasks.send_due_notifications", ignore_result=True, time_limit=300, soft_time_limit=240
)
def send_due_notifications() -> None:
    """Sweep the outbox; safe to run from two beats, a retry and by hand at once."""
    notifications_send_due()
