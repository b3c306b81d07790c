"""`make run`'s embedded default from nothing: every migration, the plan and the demo on a fresh SQLite
file, as a new clone does it (SQLite rebuilds tables where PostgreSQL alters them, so a migration can
pass on one and fail on the other)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, env: dict) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_a_fresh_sqlite_database_migrates_loads_the_plan_and_seeds_the_demo_twice(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL")}
    env.update(DEBUG="True", DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}", MEDIA_ROOT=str(tmp_path))
    _manage("migrate", "--noinput", "-v", "0", env=env)
    assert "Plan loaded: 163 created" in _manage("load_action_plan", env=env)
    first = _manage("seed_demo", "--quiet-accounts", env=env)
    assert "activities" in first and " 0 activities" not in first
    again = _manage("seed_demo", "--quiet-accounts", env=env)
    assert "0 participations, 0 activities, 0 meetings" in again  # idempotent
