"""worker_crash: a real Celery worker is killed with SIGKILL in the middle of a compile; after a
restart the sweep finishes the request and exactly one report version exists."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from evaluation.models import ReportRequest, ReportVersion
from evaluation.services import _enqueue as REAL_ENQUEUE
from evaluation.services import report_request
from tests.conftest import point_celery_at

ROOT = Path(__file__).resolve().parents[2]
QUEUE = "evaluation-worker-crash-test"


def _worker(settings) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DJANGO_SETTINGS_MODULE": "pragueprocess.settings",
    }
    cmd = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "pragueprocess",
        "worker",
        "--pool=solo",
        "-Q",
        QUEUE,
        "--without-mingle",
        "--without-gossip",
        "--loglevel=WARNING",
    ]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_worker_crash_sigkill_mid_compile_then_restart_gives_one_version(plan, year2013, settings):
    from evaluation.tasks import report_compile, report_requests_sweep

    assert settings.CELERY_BROKER_URL.startswith("redis://"), "integration tests run on Redis"
    req, _ = report_request(plan=plan, kind="yearly", year=2013, user=None, enqueue=False)
    first = _worker(settings)
    try:
        report_compile.apply_async(args=[req.pk], queue=QUEUE)
        assert _wait(lambda: ReportRequest.objects.get(pk=req.pk).state == "running", 60), (
            "the worker never claimed it"
        )
        os.kill(first.pid, signal.SIGKILL)  # mid-compile: figures done, PDF not yet
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    assert ReportVersion.objects.count() == 0, "the compile finished before the kill: nothing was tested"
    assert ReportRequest.objects.get(pk=req.pk).state == "running"

    # time passes: with no heartbeat the claim goes stale; a restarted worker runs the sweep from beat
    ReportRequest.objects.filter(pk=req.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=10))
    second = _worker(settings)
    try:
        report_requests_sweep.apply_async(queue=QUEUE)
        assert _wait(lambda: ReportRequest.objects.get(pk=req.pk).state == "done", 90), (
            "not finished after restart"
        )
        report_requests_sweep.apply_async(queue=QUEUE)  # a second sweep changes nothing
        report_compile.apply_async(args=[req.pk], queue=QUEUE)  # nor a redelivered message
        time.sleep(3)
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(20)
        except subprocess.TimeoutExpired:
            second.kill()
    assert ReportVersion.objects.filter(request=req).count() == 2  # one number, in English and Russian
    assert sorted(ReportVersion.objects.values_list("number", "language")) == [(1, "en"), (1, "ru")]
    assert ReportRequest.objects.get(pk=req.pk).attempts == 2


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_the_compile_button_goes_through_redis_to_a_real_worker(
    plan, year2013, secretariat, client_for, settings, monkeypatch
):
    from celery.contrib.testing.worker import start_worker

    from evaluation import services
    from pragueprocess.celery import app

    monkeypatch.setattr(services, "_enqueue", REAL_ENQUEUE)  # the conftest stubs it out
    point_celery_at(settings.CELERY_BROKER_URL)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response = client_for(secretariat).post("/plans/2012-2016/evaluation/2013/compile/")
        assert response.status_code == 302
        assert _wait(lambda: ReportRequest.objects.filter(state="done").exists(), 60)
    assert sorted(ReportVersion.objects.values_list("number", "language")) == [(1, "en"), (1, "ru")]
