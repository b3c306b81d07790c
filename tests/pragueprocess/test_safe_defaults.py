"""Safe by default: outside `make run` and the tests, DEBUG is off, and a published key is refused."""

from __future__ import annotations

from tests.pragueprocess.test_healthz_and_settings import _manage

DB = "postgres://postgres@127.0.0.1:5432/pragueprocess"


def test_debug_is_off_unless_asked_for():
    result = _manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)",
                     env={"SECRET_KEY": "s" * 60, "DATABASE_URL": DB})  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_without_debug_the_portal_needs_its_own_secret_key():
    result = _manage("check", env={"DATABASE_URL": DB})
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


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
