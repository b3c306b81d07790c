"""`make bench`: seed a database per scale once, measure every key page under production settings,
run the heavy jobs in their own processes, print the table and write bench/results/latest.md.

    python -m bench.run --scales "1 50" --requests 30 [--seed 2012] [--no-jobs] [--export-scale 100]

Databases are named pp_bench_s<scale> on the server of DATABASE_URL (default: PostgreSQL on
127.0.0.1 as postgres), created and seeded when missing or when the code that shapes them changed
(migrations, seeders); otherwise reused. Each scale is measured in a fresh child process with
DEBUG=False and a SECRET_KEY set here; the heavy jobs each run in their own child, whose peak RSS
is read from os.wait4(). The year's compile runs at the largest scale measured; the exports at
--export-scale (100 by default: the bar is flat memory for 100,000 rows).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PY = sys.executable
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
BENCH_SECRET_KEY = "bench-only-secret-key-not-for-any-real-deployment-0123456789"
BENCH_PASSWORD = "bench-password-2012"


def db_name(scale: float) -> str:
    return "pp_bench_s" + f"{scale:g}".replace(".", "_")


def db_url(name: str) -> str:
    base = urlsplit(os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_SERVER)
    if not base.scheme.startswith("postgres"):
        base = urlsplit(DEFAULT_SERVER)
    return urlunsplit(base._replace(path="/" + name))


def production_env(database: str, **extra: str) -> dict[str, str]:
    """The environment of a production process on loopback, for the children and gunicorn."""
    env = dict(os.environ)
    env.update(
        DEBUG="False",
        SECRET_KEY=BENCH_SECRET_KEY,
        DATABASE_URL=db_url(database),
        SECURE_SSL_REDIRECT="False",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DEMO_PASSWORD=BENCH_PASSWORD,
        BENCH_FLOOR="True",
        API_ANON_RATE="1000000/minute",  # the bench's one client is not an anonymous crowd  # routes /bench/floor, the baseline every page is read against
        DJANGO_SETTINGS_MODULE="pragueprocess.settings",
        LOG_LEVEL="ERROR",
        PYTHONPATH=str(ROOT),
    )
    env.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/5")
    env.update(extra)
    return env


def fingerprint() -> str:
    """What shapes a seeded database: the migrations and the seeders. A change means reseed."""
    digest = hashlib.sha256()
    files = sorted(ROOT.glob("*/migrations/0*.py")) + sorted(ROOT.glob("*/demo.py"))
    files.append(ROOT / "pragueprocess" / "demo_scale.py")
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _server_connect(dbname: str = "postgres"):
    import psycopg

    return psycopg.connect(db_url(dbname), autocommit=True)


def database_state(name: str) -> dict | None:
    """The seed record of a benchmark database, or None when it is missing or unseeded."""
    import psycopg

    with _server_connect() as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return None
    try:
        with _server_connect(name) as conn:
            row = conn.execute(
                "SELECT seed, scale, fingerprint, seconds, activities FROM bench_seed ORDER BY id DESC LIMIT 1"
            ).fetchone()
    except psycopg.Error:
        return None
    if row is None:
        return None
    return dict(zip(["seed", "scale", "fingerprint", "seed_seconds", "activities"], row, strict=True))


def ensure_database(scale: float, seed: int, log=print) -> dict:
    """Create, migrate and seed pp_bench_s<scale> unless it already holds this seed and code."""
    name = db_name(scale)
    state = database_state(name)
    if (
        state
        and state["seed"] == seed
        and float(state["scale"]) == scale
        and state["fingerprint"] == fingerprint()
    ):
        log(f"[bench] reusing {name} ({state['activities']} activities)")
        return {"name": name, **state}
    log(f"[bench] creating {name} and seeding scale {scale:g} (seed {seed})")
    with _server_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = production_env(name)
    manage = [PY, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "load_action_plan"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    start = time.monotonic()
    seeded = subprocess.run(
        [*manage, "seed_demo", "--force", "--quiet-accounts", "--scale", f"{scale:g}", "--seed", str(seed)],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    log(seeded.stdout.strip())
    # The seeder's own time (without starting Python and Django) when it says it.
    said = re.search(r"in ([0-9.]+) s\.", seeded.stdout)
    seconds = float(said.group(1)) if said else time.monotonic() - start
    with _server_connect(name) as conn:
        conn.execute("VACUUM ANALYZE")
        activities = conn.execute("SELECT count(*) FROM actions_activity").fetchone()[0]
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_seed (id serial PRIMARY KEY, seed int, scale float8,"
            " fingerprint text, seconds float8, activities int, at timestamptz DEFAULT now())"
        )
        conn.execute(
            "INSERT INTO bench_seed (seed, scale, fingerprint, seconds, activities) VALUES (%s, %s, %s, %s, %s)",
            [seed, scale, fingerprint(), seconds, activities],
        )
    log(f"[bench] seeded {name}: {activities} activities in {seconds:.1f} s")
    return {"name": name, "seed": seed, "scale": scale, "seed_seconds": seconds, "activities": activities}


def collectstatic(database: str) -> None:
    """The manifest static storage of production needs collected files to render any page."""
    subprocess.run(
        [PY, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0"],
        env=production_env(database),
        check=True,
        cwd=ROOT,
    )


def run_child(args: list[str], env: dict, module: str = "bench.run") -> tuple[dict, float]:
    """Run `python -m <module> <args>` writing JSON to a file; return (its JSON, its peak RSS in MB)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(suffix=".tmp", dir=RESULTS, delete=False, prefix="child-") as out:
        path = Path(out.name)
    try:
        process = subprocess.Popen([PY, "-m", module, *args, "--out", str(path)], env=env, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        rss_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
        if process.returncode != 0:
            raise RuntimeError(f"bench child {args} exited {process.returncode}")
        return json.loads(path.read_text()), rss_mb
    finally:
        path.unlink(missing_ok=True)


# --- children: run with production settings in their own process -------------------------------


def _django():
    import logging

    import django

    django.setup()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # 404s are expected: "not available"


def _users() -> dict:
    from parties.models import User

    by_name = {u.username: u for u in User.objects.filter(username__in=["secretariat", "reader", "ncp-cz"])}
    return {
        "secretariat": by_name.get("secretariat"),
        "reader": by_name.get("reader"),
        "contact_point": by_name.get("ncp-cz"),
    }


def child_measure(requests: int) -> dict:
    _django()
    import django
    from django.db import connection

    from . import measure

    result = measure.measure_pages(_users(), requests=requests)
    result["dashboard_sql"] = measure.measure_dashboard_sql(requests=requests)
    result["dashboard_uncached"] = measure.measure_dashboard_uncached(requests=max(3, requests // 4))
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        result["postgresql"] = cursor.fetchone()[0]
    result["django"] = django.get_version()
    return result


def child_job(key: str) -> dict:
    _django()
    from . import measure, pages

    job = next(j for j in pages.JOBS if j["key"] == key)
    try:
        return {"available": True, **measure.run_job(job, user=_users()["secretariat"])}
    except measure.NotAvailable as exc:
        return {"available": False, "note": f"not available ({exc})"}


# --- the orchestrator ---------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


EXPORT_JOBS = {"csv", "xlsx"}


def bench(
    *,
    scales: list[float],
    requests: int,
    seed: int,
    jobs: bool,
    output: Path,
    export_scale: float | None = None,
) -> str:
    from . import pages, report

    RESULTS.mkdir(parents=True, exist_ok=True)
    meta = {
        "cores": os.cpu_count(),
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "seed": seed,
        "requests": requests,
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "databases": {},
    }
    results: dict = {}
    top = max(scales)
    export_scale = export_scale or top
    for scale in sorted({*scales, export_scale} if jobs else set(scales)):
        info = ensure_database(scale, seed)
        meta["databases"][str(scale)] = info
    collectstatic(db_name(scales[0]))
    for scale in scales:
        print(f"[bench] measuring scale {scale:g} ({requests} requests per page)", flush=True)
        data, _ = run_child(["_measure", "--requests", str(requests)], production_env(db_name(scale)))
        meta["django"], meta["postgresql"] = data.pop("django"), data.pop("postgresql")
        results[str(scale)] = data
    job_results: dict = {}
    if jobs:
        meta["jobs_scale"] = top
        for job in pages.JOBS:
            scale = export_scale if job["key"] in EXPORT_JOBS else top
            print(f"[bench] job {job['key']} at scale {scale:g}", flush=True)
            data, rss_mb = run_child(["_job", "--key", job["key"]], production_env(db_name(scale)))
            job_results[job["key"]] = {"label": job["label"], **data, "rss_mb": rss_mb, "scale": scale}
    text = report.document(meta=meta, results=results, jobs=job_results, pages=pages.PAGES)
    output.write_text(text)
    (output.with_suffix(".json")).write_text(
        json.dumps({"meta": meta, "results": results, "jobs": job_results}, indent=1, default=str)
    )
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    parser.add_argument("--scales", default=os.environ.get("SCALES", "1 50"))
    parser.add_argument("--requests", type=int, default=int(os.environ.get("REQUESTS", "30")))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("SEED", "2012")))
    parser.add_argument("--no-jobs", action="store_true", help="Skip the exports and the report compile.")
    parser.add_argument(
        "--export-scale",
        type=float,
        default=float(os.environ.get("EXPORT_SCALE", "100")),
        help="The scale the exports run at (default 100: 100,000 activities).",
    )
    parser.add_argument("--output", default=str(RESULTS / "latest.md"))
    measure_p = sub.add_parser("_measure")
    measure_p.add_argument("--requests", type=int, required=True)
    measure_p.add_argument("--out", required=True)
    job_p = sub.add_parser("_job")
    job_p.add_argument("--key", required=True)
    job_p.add_argument("--out", required=True)
    args = parser.parse_args(argv)

    if args.command == "_measure":
        Path(args.out).write_text(json.dumps(child_measure(args.requests)))
        return 0
    if args.command == "_job":
        Path(args.out).write_text(json.dumps(child_job(args.key)))
        return 0
    scales = sorted({float(s) for s in args.scales.replace(",", " ").split()})
    text = bench(
        scales=scales,
        requests=args.requests,
        seed=args.seed,
        jobs=not args.no_jobs,
        output=Path(args.output),
        export_scale=args.export_scale,
    )
    print(text)
    print(f"[bench] written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
