from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_healthz_is_ok_with_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["checks"]["database"]["ok"] and data["checks"]["broker"]["ok"]


def test_healthz_is_503_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_refuse_to_start_without_secret_key():
    result = _manage("check", env={"DEBUG": "False", "DATABASE_URL": "postgres://postgres@127.0.0.1/x"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_refuse_to_start_without_database_url():
    result = _manage("check", env={"DEBUG": "False", "SECRET_KEY": "x" * 60})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_check_deploy_passes_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DEBUG": "False",
            "SECRET_KEY": "k8$Zq!7pL2x@Vn4#rT9wYb6&Hc1^Jd3*Fs5(Gm0)Ea8-Ku2+Qo7=Wi4_Xl9",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/pragueprocess",
            "ALLOWED_HOSTS": "portal.example.org",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_security_headers_are_sent(client, plan):
    response = client.get("/plans/2012-2016/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"


def test_seed_demo_refuses_without_debug_unless_forced(settings, plan):
    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")


def test_seed_demo_makes_the_demo_accounts(plan):
    from io import StringIO

    from django.core.management import call_command

    from parties.models import User

    out = StringIO()
    call_command("seed_demo", "--scale", "0.01", "--force", stdout=out)
    call_command("seed_demo", "--scale", "0.01", "--force", stdout=StringIO())  # idempotent
    assert User.objects.filter(username__in=["secretariat", "reader", "coregroup"]).count() == 3
    assert User.objects.filter(username__startswith="ncp-", role="contact_point").count() == 52
    cz = User.objects.get(username="ncp-cz")
    assert cz.party.code == "CZ"
    assert User.objects.get(username="ncp-eu").party.name == "the European Commission"
    assert "ncp-cz" in out.getvalue() or "ncp-<code>" in out.getvalue()
