"""`make run`: the development server, a Celery worker and beat, stopped together by Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent


def main() -> int:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    env.pop("CELERY_BROKER_URL", None)
    var = BASE / "var"
    var.mkdir(exist_ok=True)
    python = sys.executable
    commands = {
        "worker": [
            python,
            "-m",
            "celery",
            "-A",
            "pragueprocess",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
        ],
        "beat": [
            python,
            "-m",
            "celery",
            "-A",
            "pragueprocess",
            "beat",
            "--loglevel=WARNING",
            f"--schedule={var / 'celerybeat-schedule'}",
        ],
        "web": [python, "manage.py", "runserver", "127.0.0.1:8000"],
    }
    procs = {name: subprocess.Popen(cmd, cwd=BASE, env=env) for name, cmd in commands.items()}
    print(
        "Serving on http://127.0.0.1:8000 with a Celery worker and beat. Ctrl-C stops all three.", flush=True
    )

    def stop(*_):
        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 10
        for proc in procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    try:
        while all(p.poll() is None for p in procs.values()):
            time.sleep(0.5)
        failed = [n for n, p in procs.items() if p.poll() not in (None, 0)]
        if failed:
            print(f"Stopped because {', '.join(failed)} exited.", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
