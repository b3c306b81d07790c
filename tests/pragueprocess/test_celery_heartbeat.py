"""A real Celery worker on Redis runs the heartbeat; /healthz reports it."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker

from pragueprocess.celery import app
from pragueprocess.models import Heartbeat
from pragueprocess.tasks import heartbeat
from tests.conftest import point_celery_at


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_heartbeat_runs_on_a_real_worker_and_healthz_reports_it(client, settings):
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "integration tests run on Redis"
    point_celery_at(settings.CELERY_BROKER_URL, purge=True)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        heartbeat.delay()
        deadline = time.monotonic() + 20
        while not Heartbeat.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    assert Heartbeat.objects.count() == 1
    checks = client.get("/healthz").json()["checks"]
    assert checks["worker_heartbeat"]["ok"] is True


def test_beat_schedules_the_heartbeat(settings):
    assert settings.CELERY_BEAT_SCHEDULE["heartbeat"]["task"] == "pragueprocess.tasks.heartbeat"
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
