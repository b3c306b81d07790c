"""The checks behind /healthz: the database, the broker, and the age of the worker heartbeat."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

HEARTBEAT_KEY = "worker-heartbeat"


def heartbeat_record() -> None:
    from .models import Heartbeat

    Heartbeat.objects.update_or_create(name=HEARTBEAT_KEY, defaults={"beat_at": timezone.now()})


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure of the database is "down", whatever its kind
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True}


def check_broker() -> dict:
    from kombu import Connection

    url = settings.CELERY_BROKER_URL
    try:
        with Connection(
            url, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS, connect_timeout=2
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            if url.startswith(("redis://", "rediss://")):
                conn.default_channel.client.ping()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True}


def check_heartbeat(db_ok: bool) -> dict:
    """The worker's heartbeat is informative: a quiet worker delays e-mail, it does not break pages."""
    if not db_ok:
        return {"ok": False, "age_seconds": None}
    from .models import Heartbeat

    beat = Heartbeat.objects.filter(name=HEARTBEAT_KEY).first()
    if beat is None:
        return {"ok": False, "age_seconds": None}
    age = timezone.now() - beat.beat_at
    return {"ok": age < timedelta(minutes=5), "age_seconds": int(age.total_seconds())}


def run_checks() -> tuple[bool, dict]:
    database = check_database()
    broker = check_broker()
    heartbeat = check_heartbeat(database["ok"])
    healthy = database["ok"] and broker["ok"]
    return healthy, {"database": database, "broker": broker, "worker_heartbeat": heartbeat}
