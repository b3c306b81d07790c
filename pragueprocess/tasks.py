from __future__ import annotations

from celery import shared_task

from . import health


@shared_task(name="pragueprocess.tasks.heartbeat", ignore_result=True, time_limit=30, soft_time_limit=20)
def heartbeat() -> None:
    """Record that the beat and a worker are alive; /healthz reports its age."""
    health.heartbeat_record()


@shared_task(
    name="pragueprocess.tasks.reminders_sweep", ignore_result=True, time_limit=600, soft_time_limit=540
)
def reminders_sweep() -> None:
    """Every minute from beat: queue what is due in every app and send the outbox."""
    from .reminders import reminders_run

    reminders_run()


@shared_task(
    name="pragueprocess.tasks.retention_daily", ignore_result=True, time_limit=900, soft_time_limit=840
)
def retention_daily() -> None:
    """Once a day from beat (claimed per day, so a second beat or a retry does nothing): erase
    personal data past its retention period."""
    from .retention import retention_daily as run

    run()


@shared_task(
    name="pragueprocess.tasks.audience_mail", ignore_result=True, time_limit=300, soft_time_limit=240
)
def audience_mail(message_pk: int) -> None:
    """The fast path after Send: queue the message's mail (once) and send the outbox; the minute
    sweep does the same for a message the broker never carried."""
    from parties.notifications import notifications_send_due

    from .audience import audience_queue

    audience_queue(message_pk)
    notifications_send_due()


@shared_task(
    name="pragueprocess.tasks.opendata_nightly", ignore_result=True, time_limit=1800, soft_time_limit=1700
)
def opendata_nightly() -> None:
    """Asked every hour by beat; builds the open-data bundle once a night (claimed per day)."""
    from .opendata import bundle_nightly

    bundle_nightly()
