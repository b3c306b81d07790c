"""`make load`: gunicorn under production settings on loopback, driven by locust, in numbers.

    python -m bench.load --scale 1 --duration 60 --users 100 --steps "200 400 800" --step-duration 30

The benchmark database of the scale is seeded once (as for `make bench`), with accounts enough
for every simulated person (ncp-<code>-<n>, reader-<n>, secretariat-<n>, one password). gunicorn
runs pinned to core 0 (taskset -c 0), locust to core 1. Prints requests per second and
p50/p95/p99 per page type per phase, the failures, where it broke and how, and the server's
memory; writes bench/results/load-latest.md. Exits non-zero when any request of the sustained
run failed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import runpy
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

import redis

from . import run as bench_run

ROOT = bench_run.ROOT
RESULTS = bench_run.RESULTS
LOCUST = str(Path(sys.executable).with_name("locust"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- child: accounts and ids, with production settings ------------------------------------------


def child_accounts(count: int) -> dict:
    """Make sure `count` accounts exist per role; return them with their Party's activity ids."""
    bench_run._django()
    from django.conf import settings
    from django.contrib.auth.hashers import make_password

    from actions.models import Activity
    from meetings.models import Meeting
    from parties.models import Party, User

    password_hash = make_password(settings.DEMO_PASSWORD)
    parties = list(Party.objects.order_by("order"))
    rounds = -(-count // len(parties))  # accounts per Party
    wanted = []
    for n in range(count):
        party = parties[n % len(parties)]
        round_ = n // len(parties)
        name = f"ncp-{party.code.lower()}" + (f"-{round_ + 1}" if round_ else "")
        wanted.append((name, User.Role.CONTACT_POINT, party))
    for n in range(count):
        wanted.append(("secretariat" if n == 0 else f"secretariat-{n + 1}", User.Role.SECRETARIAT, None))
        wanted.append(("reader" if n == 0 else f"reader-{n + 1}", User.Role.READER, None))
    existing = set(
        User.objects.filter(username__in=[w[0] for w in wanted]).values_list("username", flat=True)
    )
    # Existing accounts get this run's password too, and are active.
    User.objects.filter(username__in=existing).update(password=password_hash, is_active=True)
    User.objects.bulk_create(
        [
            User(
                username=name,
                role=role,
                party=party,
                password=password_hash,
                email=f"{name}@example.org",
                is_staff=role == User.Role.SECRETARIAT,
            )
            for name, role, party in wanted
            if name not in existing
        ],
        batch_size=1000,
    )
    # Each secretariat account signs in with a second factor, as the portal requires: a known key
    # per account, from which the simulated person computes its code.
    from parties.two_factor import TOTPDevice

    keys = {}
    for user in User.objects.filter(username__in=[w[0] for w in wanted if w[1] == User.Role.SECRETARIAT]):
        keys[user.username] = hashlib.sha1(f"load-{user.username}".encode()).hexdigest()
        TOTPDevice.objects.update_or_create(
            user=user, name="load", defaults={"key": keys[user.username], "confirmed": True, "last_t": -1}
        )
    by_party: dict[int, list[int]] = {}
    for pk, party_id in (
        Activity.objects.exclude(state=Activity.State.ARCHIVED).order_by("pk").values_list("pk", "party_id")
    ):
        ids = by_party.setdefault(party_id, [])
        if len(ids) < 200:
            ids.append(pk)
    return {
        "password": settings.DEMO_PASSWORD,
        "contact_point": [
            {
                "username": name,
                "party": party.code.lower(),
                # Each account of a Party edits its own share of the Party's activities, so two
                # simulated people never save the same one at once (a real version conflict).
                "activities": _share(by_party.get(party.pk, []), n // len(parties), rounds),
            }
            for n, (name, role, party) in enumerate(w for w in wanted if w[1] == User.Role.CONTACT_POINT)
        ],
        "secretariat": [
            {"username": n, "totp_key": keys[n]} for n, r, _ in wanted if r == User.Role.SECRETARIAT
        ],
        "reader": [{"username": n} for n, r, _ in wanted if r == User.Role.READER],
        "meetings": list(Meeting.objects.order_by("-starts_at").values_list("pk", flat=True)[:20]),
    }


def _share(ids: list[int], index: int, parts: int) -> list[int]:
    """The index-th of `parts` disjoint shares of ids (all of them when there are too few)."""
    share = ids[index::parts]
    return share[:10] if share else ids[:10]


# --- the server and its memory ------------------------------------------------------------------


def process_tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (gunicorn master and workers), in MB."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(c) for c in children)
        except (OSError, ValueError):
            continue
    return total / 1024


class MemorySampler(threading.Thread):
    def __init__(self, pid: int, every: float = 2.0):
        super().__init__(daemon=True)
        self.pid, self.every, self.samples, self.stop = pid, every, [], threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.samples.append((time.time(), process_tree_rss_mb(self.pid)))
            self.stop.wait(self.every)


def start_server(env: dict, port: int, workers: int | None, threads: int | None) -> subprocess.Popen:
    """gunicorn with the portal's own settings (gunicorn.conf.py, as in production), on loopback."""
    command = [
        "taskset", "-c", "0",
        sys.executable, "-m", "gunicorn", "pragueprocess.wsgi:application",
        "--config", str(ROOT / "gunicorn.conf.py"),
        "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
    ]  # fmt: skip
    if workers:
        command += ["--workers", str(workers)]
    if threads:
        command += ["--threads", str(threads)]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urlopen(f"http://127.0.0.1:{port}/bench/floor", timeout=2).read()
            return server
        except (URLError, ConnectionError, OSError):
            if server.poll() is not None:
                raise RuntimeError("gunicorn exited at start") from None
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("gunicorn did not answer within 30 s")


# --- the table ------------------------------------------------------------------------------------


def _pct(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def summarise(data: dict, memory: list[tuple[float, float]]) -> tuple[str, bool]:
    """The markdown of a run, and whether the sustained phase had failed requests."""
    lines = [
        "| Phase | Users | Page type | Requests | Req/s | p50 ms | p95 ms | p99 ms | Failed |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    sustained_failed = False
    for phase in data["phases"]:
        name = phase["name"]
        seconds = max(1e-6, (phase["ended"] or time.time()) - phase["started"])
        kinds = data["times"].get(name, {})
        failures = data["failures"].get(name, {})
        every = sorted(t for times in kinds.values() for t in times)
        failed_total = sum(len(v) for v in failures.values())
        if name.startswith("sustained") and failed_total:
            sustained_failed = True
        if every:
            lines.append(
                f"| **{name}** | {phase['users']} | all | {len(every)} | {len(every) / seconds:.1f} | "
                f"{_pct(every, 50):.0f} | {_pct(every, 95):.0f} | {_pct(every, 99):.0f} | {failed_total} |"
            )
        for kind in sorted(kinds):
            ordered = sorted(kinds[kind])
            lines.append(
                f"| {name} | {phase['users']} | {kind} | {len(ordered)} | {len(ordered) / seconds:.1f} | "
                f"{_pct(ordered, 50):.0f} | {_pct(ordered, 95):.0f} | {_pct(ordered, 99):.0f} | "
                f"{len(failures.get(kind, []))} |"
            )
    notes = []
    broke = data.get("broke")
    if broke:
        notes.append(f"- **Broke** at {broke['users']} users ({broke['phase']}): {broke['why']}.")
    else:
        last = data["phases"][-1]["users"] if data["phases"] else 0
        notes.append(f"- Did not break up to {last} users.")
    if data.get("skipped"):
        notes.append("- Not available on this branch (404, skipped): " + ", ".join(data["skipped"]) + ".")
    for phase, kinds in data["failures"].items():
        for kind, messages in kinds.items():
            notes.append(f"- Failures in {phase}, {kind}: {len(messages)}, e.g. {messages[0]}")
    if memory:
        values = [m for _, m in memory]
        notes.append(
            f"- gunicorn memory (master and workers): {values[0]:.0f} MB at start, "
            f"{max(values):.0f} MB peak, {values[-1]:.0f} MB at the end."
        )
    bounds = data.get("bounds", {})
    notes.append(
        f"- Bounds: p95 {bounds.get('p95_ms', '?'):.0f} ms per page type, "
        f"{bounds.get('dashboard_p95_ms', '?'):.0f} ms for dashboard and reports; "
        "ramp phases (users signing in) and the settle phases after them are shown but not judged."
    )
    return "\n".join(lines) + "\n\n" + "\n".join(notes), sustained_failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2012)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--steps", default="200 400 800")
    parser.add_argument("--step-duration", type=float, default=30)
    parser.add_argument("--spawn-rate", type=float, default=2, help="Sign-ins per second while ramping up.")
    parser.add_argument(
        "--think",
        default=os.environ.get("BENCH_WAIT", "2 6"),
        help="A person's pause between requests: 'MIN MAX' seconds.",
    )
    parser.add_argument("--workers", type=int, default=None, help="Default: gunicorn.conf.py's.")
    parser.add_argument("--threads", type=int, default=None, help="Default: gunicorn.conf.py's.")
    parser.add_argument("--output", default=str(RESULTS / "load-latest.md"))
    accounts_p = sub.add_parser("_accounts")
    accounts_p.add_argument("--count", type=int, required=True)
    accounts_p.add_argument("--out", required=True)
    args = parser.parse_args(argv)

    if args.command == "_accounts":
        Path(args.out).write_text(json.dumps(child_accounts(args.count)))
        return 0

    steps = [int(s) for s in args.steps.split()]
    most = max([args.users, *steps])
    info = bench_run.ensure_database(args.scale, args.seed)
    database = info["name"]
    bench_run.collectstatic(database)
    # As in production (docker-compose.yml): one cache shared by the workers, in Redis, emptied
    # first so the run starts cold.
    cache_url = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/4")
    redis.Redis.from_url(cache_url).flushdb()
    # BENCH_FLOOR: start_server() waits for /bench/floor, which is routed only then
    env = bench_run.production_env(
        database, ALLOWED_HOSTS="127.0.0.1", CACHE_URL=cache_url, BENCH_FLOOR="True"
    )
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    args.workers, args.threads = args.workers or conf["workers"], args.threads or conf["threads"]
    accounts, _ = bench_run.run_child(["_accounts", "--count", str(most)], env, module="bench.load")
    with tempfile.NamedTemporaryFile("w", suffix=".tmp", dir=RESULTS, delete=False) as accounts_file:
        json.dump(accounts, accounts_file)
    out_file = Path(accounts_file.name).with_name("load-out.tmp")
    out_file.unlink(missing_ok=True)

    port = free_port()
    print(
        f"[load] gunicorn on 127.0.0.1:{port} (core 0), {args.workers} workers x {args.threads} threads",
        flush=True,
    )
    server = start_server(env, port, args.workers, args.threads)
    sampler = MemorySampler(server.pid)
    sampler.start()
    started = datetime.now(UTC)
    # A hard cap on the whole run: every ramp may take its time-out, every hold its duration.
    cap = (
        4 * most / args.spawn_rate
        + 60 * (1 + len(steps))
        + args.duration
        + args.step_duration * len(steps)
        + 60
    )
    locust_env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        BENCH_ACCOUNTS=accounts_file.name,
        BENCH_LOAD_OUT=str(out_file),
        BENCH_USERS=str(args.users),
        BENCH_DURATION=str(args.duration),
        BENCH_STEPS=" ".join(str(s) for s in steps),
        BENCH_STEP_DURATION=str(args.step_duration),
        BENCH_SPAWN_RATE=str(args.spawn_rate),
        BENCH_MAX_SECONDS=str(int(cap)),
        BENCH_WAIT=args.think,
    )
    try:
        subprocess.run(
            [
                "taskset",
                "-c",
                "1",
                LOCUST,
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--only-summary",
                "--host",
                f"http://127.0.0.1:{port}",
                "--stop-timeout",
                "5",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],
            env=locust_env,
            cwd=ROOT,
            check=False,
            timeout=cap + 120,  # the shape stops at `cap`; this is the backstop
        )
    except subprocess.TimeoutExpired:
        print(f"[load] locust still running after {cap + 120:.0f} s: stopped", file=sys.stderr)
    finally:
        sampler.stop.set()
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        Path(accounts_file.name).unlink(missing_ok=True)
    if not out_file.exists():
        print("[load] locust wrote no results", file=sys.stderr)
        return 2
    data = json.loads(out_file.read_text())
    out_file.unlink(missing_ok=True)
    table, sustained_failed = summarise(data, sampler.samples)
    header = (
        f"# Load: gunicorn ({args.workers} workers x {args.threads} threads, core 0) under locust (core 1)\n\n"
        f"- {started:%Y-%m-%d %H:%M UTC}; {os.cpu_count()} cores ({bench_run.cpu_model()}); "
        f"scale {args.scale:g} ({info['activities']} activities), seed {args.seed}\n"
        f"- Mix: contact points 7 : secretariat 1 : readers 2, each a distinct account, think time "
        f"{args.think.replace(' ', '-')} s; {args.users} users for "
        f"{args.duration:g} s, then steps {args.steps} held {args.step_duration:g} s each; "
        f"users sign in at {args.spawn_rate:g} per second\n\n"
    )
    text = header + table + "\n"
    Path(args.output).write_text(text)
    print(text)
    print(f"[load] written to {args.output}")
    if sustained_failed:
        print("[load] requests failed in the sustained run", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
