"""`make htmlcheck`: the W3C (Nu) HTML checker on the key pages, in English and in Russian.

The portal runs as in production (gunicorn, DEBUG=False, the bench's scale-1 database, seeded as
`make bench` seeds it); each page is fetched as the person who uses it (a contact point for its
Party's pages and forms, a reader for the evaluation, nobody for the public pages), saved, and
checked by the Nu checker (`vnu.jar`, installed from the npm registry into `bench/node_modules` by
`npm ci --prefix bench`; it needs a Java runtime: Debian's `default-jre-headless`). The table goes
to `bench/results/htmlcheck.md`; errors are listed under it with their line and message. The exit
status is 1 when any page has an error.

    python -m bench.htmlcheck [--scale 1] [--seed 2012] [--pages home,action,...]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench import load, run
from bench.lighthouse import session_cookie

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "bench" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# key, label, path (`{activity}`, `{meeting}`, `{report}`, `{year}` filled from the database), who
PAGES = [
    ("home", "Home", "/", None),
    ("plan", "Plan", "/plans/2012-2016/", None),
    ("action", "Action page", "/plans/2012-2016/I/2/", None),
    ("parties", "Parties", "/parties/", None),
    ("party", "Party page (what is due)", "/parties/cz/", "ncp-cz"),
    ("participation", "Participation", "/plans/2012-2016/participation/", "ncp-cz"),
    ("activity_list", "Activity list", "/activities/", "ncp-cz"),
    ("activity", "Activity page", "/activities/{activity}/", "ncp-cz"),
    ("activity_form", "Activity form", "/activities/new/", "ncp-cz"),
    ("meetings", "Meetings", "/meetings/", "ncp-cz"),
    ("meeting", "Meeting page", "/meetings/{meeting}/", "ncp-cz"),
    ("progress", "Progress report form", "/plans/2012-2016/evaluation/{year}/cz/edit/", "ncp-cz"),
    ("dashboard", "Dashboard", "/plans/2012-2016/evaluation/dashboard/", "reader"),
    ("ministers", "Ministers' view", "/plans/2012-2016/evaluation/ministers/", "reader"),
    ("report", "Compiled report", "/evaluation/reports/{report}/", "secretariat"),
    ("translations", "Translation status", "/translations/", "secretariat"),
    ("meeting_form", "Meeting form", "/meetings/new/", "secretariat"),
    ("login", "Sign-in", "/accounts/login/", None),
]

IDS = (
    "import django, json; django.setup()\n"
    "from actions.models import Activity\n"
    "from evaluation.models import ReportVersion, ReportingCycle\n"
    "from meetings.models import Meeting\n"
    "from parties.models import Party\n"
    "cz = Party.objects.get(code='CZ')\n"
    "activity = Activity.objects.filter(party=cz).order_by('pk').values_list('pk', flat=True).first()\n"
    "meeting = Meeting.objects.order_by('-starts_at').values_list('pk', flat=True).first()\n"
    "report = ReportVersion.objects.order_by('-pk').values_list('pk', flat=True).first()\n"
    "year = ReportingCycle.objects.order_by('-year').values_list('year', flat=True).first()\n"
    "print(json.dumps({'activity': activity, 'meeting': meeting, 'report': report, 'year': year}))\n"
)


def ids(env: dict) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", IDS], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def fetch(url: str, cookie: str | None, language: str) -> tuple[int, str]:
    headers = {"Accept-Language": language, "Cookie": f"django_language={language}"}
    if cookie:
        headers["Cookie"] += "; " + cookie
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            if urllib.parse.urlsplit(response.geturl()).path != urllib.parse.urlsplit(url).path:
                return 302, response.read().decode()  # sent elsewhere (to sign in): not the page
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def check(files: list[Path]) -> dict[str, list[dict]]:
    """{file name: the checker's errors} for the saved pages, in one run of the checker."""
    done = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--errors-only", *map(str, files)],
        capture_output=True,
        text=True,
    )
    found: dict[str, list[dict]] = {f.name: [] for f in files}
    for message in json.loads(done.stderr or '{"messages": []}')["messages"]:
        found[Path(message.get("url", "")).name].append(message)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--seed", type=int, default=2012)
    parser.add_argument("--pages", default=",".join(p[0] for p in PAGES))
    parser.add_argument("--output", default=str(run.RESULTS / "htmlcheck.md"))
    args = parser.parse_args(argv)
    if not VNU.exists():
        print(f"The Nu checker is not installed: run `npm ci --prefix {VNU.parents[3]}` first.")
        return 2
    if not shutil.which("java"):
        print("The Nu checker needs Java: apt-get install -y default-jre-headless")
        return 2
    state = run.ensure_database(args.scale, args.seed)
    env = run.production_env(state["name"], CACHE_URL="redis://127.0.0.1:6379/4")
    run.collectstatic(state["name"])
    values = ids(env)
    port = load.free_port()
    server = load.start_server(env, port, workers=2, threads=2)
    cookies: dict[str, str] = {}
    saved: list[tuple[str, str, str, str, int, Path]] = []
    folder = Path(tempfile.mkdtemp(prefix="htmlcheck-"))
    try:
        wanted = set(args.pages.split(","))
        for key, label, path, who in PAGES:
            if key not in wanted:
                continue
            path = path.format(**values)
            if who and who not in cookies:
                cookies[who] = session_cookie(env, who)
            for language in ("en", "ru"):
                status, html = fetch(f"http://127.0.0.1:{port}{path}", cookies.get(who), language)
                file = folder / f"{key}-{language}.html"
                file.write_text(html)
                saved.append((label, path, who or "anonymous", language, status, file))
    finally:
        server.terminate()
        server.wait(timeout=30)
    found = check([row[-1] for row in saved])
    lines = [
        "# W3C (Nu) HTML checker: the key pages",
        "",
        f"- {_version()}; gunicorn, DEBUG=False, database {state['name']} ({state['activities']} activities); "
        f"run at {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "- Command: `make htmlcheck` (`npm ci --prefix bench`, then `python -m bench.htmlcheck`).",
        "",
        "| Page | URL | signed in as | language | HTTP | errors |",
        "|---|---|---|---|---|---|",
    ]
    details = []
    for label, path, who, language, status, file in saved:
        errors = found[file.name]
        lines.append(f"| {label} | `{path}` | {who} | {language} | {status} | {len(errors)} |")
        details += [
            f"- {label} ({language}), line {e.get('lastLine', '?')}: {e.get('message', '')}" for e in errors
        ]
    total = sum(len(e) for e in found.values())
    bad = [row for row in saved if row[4] != 200]
    lines += ["", f"Errors in all: {total}.", *([""] + details if details else [])]
    Path(args.output).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    shutil.rmtree(folder, ignore_errors=True)
    return 1 if total or bad else 0


def _version() -> str:
    done = subprocess.run(["java", "-jar", str(VNU), "--version"], capture_output=True, text=True)
    return f"Nu HTML checker {done.stdout.strip() or '?'}"


if __name__ == "__main__":
    raise SystemExit(main())
