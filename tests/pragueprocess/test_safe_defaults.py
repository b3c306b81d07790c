"""Safe by default: what serves the portal (gunicorn through wsgi.py, Celery through celery.py) has
DEBUG off unless asked, and a published key is refused; manage.py, the developer's door, and `make
run` are development unless DEBUG says otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pragueprocess.test_healthz_and_settings import _manage

DB = "postgres://postgres@127.0.0.1:5432/pragueprocess"
ROOT = Path(__file__).resolve().parents[2]


def _serve(module: str, env: dict) -> subprocess.CompletedProcess:
    """Import a serving entry point in a clean environment and print the DEBUG it runs with."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL", "DEBUG"}}
    code = f"import {module}; from django.conf import settings; print(settings.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("module", ["pragueprocess.wsgi", "pragueprocess.celery"])
def test_debug_is_off_unless_asked_for(module):
    result = _serve(module, {"SECRET_KEY": "s" * 60, "DATABASE_URL": DB})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_without_debug_the_portal_needs_its_own_secret_key():
    result = _serve("pragueprocess.wsgi", {"DATABASE_URL": DB})
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_manage_py_is_the_developers_door_without_any_setting():
    result = _manage("makemigrations", "--check", "--dry-run", env={})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_production_refuses_the_development_secret_key():
    from django.conf import settings

    for key in settings.PUBLISHED_SECRET_KEYS:
        result = _manage("check", env={"DEBUG": "False", "SECRET_KEY": key, "DATABASE_URL": DB})
        assert result.returncode != 0
        assert "published development key" in result.stderr


def test_make_run_turns_debug_on():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "export DEBUG=True" in run
