"""`make lighthouse`: Lighthouse's four categories for the key pages, against Debian's Chromium.

The portal runs as in production (gunicorn, DEBUG=False, the bench's scale-1 database, seeded as
`make bench` seeds it); each page is audited by Lighthouse (installed from the npm registry into
`bench/node_modules` by `npm ci`, see bench/package.json) as the person who uses it: a contact point
for the activity pages, a reader for the dashboard, nobody for the public pages. The table goes to
`bench/results/lighthouse.md` and the full reports beside it as JSON.

    python -m bench.lighthouse [--scale 1] [--seed 2012] [--pages home,action,...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench import load, run

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
    " --disable-component-update --disable-sync"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")

# key, label, path, who is signed in (a demo account of the bench's database, or None)
PAGES = [
    ("home", "Home", "/", None),
    ("action", "Action page", "/plans/2012-2016/I/2/", None),
    ("parties", "Parties", "/parties/", None),
    ("activity_form", "Activity form", "/activities/new/", "ncp-cz"),
    ("activity_list", "Activity list", "/activities/", "ncp-cz"),
    ("party", "Party page (what is due)", "/parties/cz/", "ncp-cz"),
    ("dashboard", "Dashboard", "/plans/2012-2016/evaluation/dashboard/", "reader"),
    ("ministers", "Ministers' view", "/plans/2012-2016/evaluation/ministers/", "reader"),
    ("progress", "Progress report form", "/plans/2012-2016/evaluation/2016/cz/edit/", "ncp-cz"),
    ("meeting_form", "Meeting form", "/meetings/new/", "secretariat"),
]


def session_cookie(env: dict, username: str) -> str:
    """A signed-in session for `username`, made in a child process with the server's own settings;
    for the secretariat, verified with its second factor (its confirmed TOTP device)."""
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY\n"
        "from importlib import import_module\n"
        "from parties.models import User\n"
        f"user = User.objects.get(username={username!r})\n"
        "store = import_module(settings.SESSION_ENGINE).SessionStore()\n"
        "store[SESSION_KEY] = str(user.pk)\n"
        "store[BACKEND_SESSION_KEY] = [b for b in settings.AUTHENTICATION_BACKENDS if 'axes' not in b][0]\n"
        "store[HASH_SESSION_KEY] = user.get_session_auth_hash()\n"
        "from django_otp import DEVICE_ID_SESSION_KEY\n"
        "from parties.two_factor import TOTPDevice, second_factor_required, totp_device\n"
        "if second_factor_required(user):\n"
        "    device = totp_device(user) or TOTPDevice.objects.create(user=user, name='measured', confirmed=True)\n"
        "    store[DEVICE_ID_SESSION_KEY] = device.persistent_id\n"
        "store.save()\n"
        "print(settings.SESSION_COOKIE_NAME + '=' + store.session_key)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return done.stdout.strip().splitlines()[-1]


def audit(url: str, cookie: str | None, out: Path) -> dict[str, int]:
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--preset=desktop",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    for attempt in range(3):  # Lighthouse asks to run again after a trace it could not record
        done = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM}, cwd=ROOT)
        if done.returncode == 0:
            break
        if attempt == 2:
            done.check_returncode()
    report = json.loads(out.read_text())
    scores = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
    failing = {
        c: [
            a["id"]
            for ref in report["categories"][c]["auditRefs"]
            if ref["weight"] and (a := report["audits"][ref["id"]])["score"] is not None and a["score"] < 1
        ]
        for c in CATEGORIES
    }
    return {**scores, "failing": failing}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--seed", type=int, default=2012)
    parser.add_argument("--pages", default=",".join(p[0] for p in PAGES))
    parser.add_argument("--output", default=str(run.RESULTS / "lighthouse.md"))
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        print(f"Lighthouse is not installed: run `npm ci --prefix {LIGHTHOUSE.parents[2]}` first.")
        return 2
    state = run.ensure_database(args.scale, args.seed)
    env = run.production_env(
        state["name"], CACHE_URL=os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/4")
    )
    run.collectstatic(state["name"])
    port = load.free_port()
    server = load.start_server(env, port, workers=2, threads=2)
    cookies: dict[str, str] = {}
    rows = []
    try:
        wanted = set(args.pages.split(","))
        for key, label, path, who in PAGES:
            if key not in wanted:
                continue
            if who and who not in cookies:
                cookies[who] = session_cookie(env, who)
            out = run.RESULTS / f"lighthouse-{key}.json"
            started = time.monotonic()
            result = audit(f"http://127.0.0.1:{port}{path}", cookies.get(who), out)
            print(f"[lighthouse] {label}: " + ", ".join(f"{c} {result[c]}" for c in CATEGORIES), flush=True)
            rows.append((label, path, who or "anonymous", result, time.monotonic() - started))
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = [
        "# Lighthouse: the key pages",
        "",
        f"- Lighthouse {_version()} (desktop preset) against {_chromium()}; gunicorn, DEBUG=False, "
        f"database {state['name']} ({state['activities']} activities); run at {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "- Command: `make lighthouse` (`npm ci --prefix bench`, then `python -m bench.lighthouse`).",
        "",
        "| Page | URL | signed in as | " + " | ".join(CATEGORIES) + " | audits below 1 |",
        "|---|---|---|" + "---|" * len(CATEGORIES) + "---|",
    ]
    for label, path, who, result, _seconds in rows:
        below = "; ".join(f"{c}: {', '.join(ids)}" for c, ids in result["failing"].items() if ids) or "none"
        lines.append(
            f"| {label} | `{path}` | {who} | "
            + " | ".join(str(result[c]) for c in CATEGORIES)
            + f" | {below} |"
        )
    Path(args.output).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


def _version() -> str:
    try:
        return subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def _chromium() -> str:
    try:
        return subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return CHROMIUM


if __name__ == "__main__":
    raise SystemExit(main())
