from __future__ import annotations

from celery import shared_task

from . import health


@shared_task(name="pragueprocess.tasks.heartbeat", ignore_result=True, time_limit=30, soft_time_limit=20)
def heartbeat() -> None:
    """Record that the beat and a worker are alive; /healthz reports its age."""
    health.heartbeat_record()
