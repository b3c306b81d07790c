"""The load test's simulated people, started by `make load` (bench/load.py) against gunicorn.

Contact points sign in with their own account, list activities, open one of their Party's, open it
for editing and save it with the version they were given; the secretariat looks at meetings and
registrations; readers read the dashboard and the reports; everyone sometimes opens the plan.
Page types whose probe answered 404 (pages not on this branch yet) are skipped.

The run is one locust process with a load shape: ramp up to USERS (each user signs in through the
sign-in form), settle SETTLE seconds (the sign-in backlog drains; not judged), hold for DURATION seconds, then steps of users, each held STEP_DURATION seconds,
until a held phase breaks (a failed request, or a page type's p95 over its bound). Per phase and
page type the response times are kept here and written as JSON to BENCH_LOAD_OUT.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import time
from collections import defaultdict
from pathlib import Path

from locust import HttpUser, LoadTestShape, between, events, task

from bench.forms import loopback_cookies, parse_forms
from bench.pages import LOAD_URLS
from bench.totp import totp_now

ACCOUNTS = (
    json.loads(Path(os.environ["BENCH_ACCOUNTS"]).read_text()) if os.environ.get("BENCH_ACCOUNTS") else {}
)
PASSWORD = ACCOUNTS.get("password", "")
USERS = int(os.environ.get("BENCH_USERS", "100"))
DURATION = float(os.environ.get("BENCH_DURATION", "60"))
STEPS = [int(s) for s in os.environ.get("BENCH_STEPS", "200 400 800").split()]
STEP_DURATION = float(os.environ.get("BENCH_STEP_DURATION", "30"))
SPAWN_RATE = float(os.environ.get("BENCH_SPAWN_RATE", "2"))
RAMP_TIMEOUT = float(os.environ.get("BENCH_RAMP_TIMEOUT", "0"))  # 0: twice the planned ramp, plus a minute
P95_MS = float(os.environ.get("BENCH_P95_MS", "300"))
DASHBOARD_P95_MS = float(os.environ.get("BENCH_DASHBOARD_P95_MS", "1000"))
SETTLE = float(os.environ.get("BENCH_SETTLE", "10"))  # seconds after a ramp, not judged
MAX_SECONDS = float(os.environ.get("BENCH_MAX_SECONDS", "3600"))  # the whole run, at most
WAIT = [float(s) for s in os.environ.get("BENCH_WAIT", "2 6").split()]
OUT = os.environ.get("BENCH_LOAD_OUT", "")
SLOW_TYPES = {"dashboard", "reports", "sign-in"}  # judged against DASHBOARD_P95_MS

STATE = {
    "phase": f"ramp-{USERS}",
    "phase_started": time.time(),
    "signed_in": 0,
    "available": set(),
    "skipped": set(),
    "times": defaultdict(lambda: defaultdict(list)),  # phase -> page type -> [ms]
    "failures": defaultdict(lambda: defaultdict(list)),  # phase -> page type -> [message]
    "phases": [],  # [{"name", "users", "started", "ended"}]
    "broke": None,
    "ramp_from": 0,  # users signed in when the current ramp began
    "started": time.time(),
}
_counters = defaultdict(itertools.count)


def _url(kind: str, **values) -> str:
    return LOAD_URLS[kind].format(**values)


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):
    phase = STATE["phase"]
    STATE["times"][phase][name].append(response_time)
    if exception is not None:
        STATE["failures"][phase][name].append(str(exception)[:200])


@events.test_start.add_listener
def _probe(environment, **kwargs):
    """Which page types exist: sign in as the secretariat and GET each once (404: skipped)."""
    import requests

    session = requests.Session()
    host = environment.host
    cp = ACCOUNTS["contact_point"][0]
    values = {
        "party": cp["party"],
        "party_code": cp["party"].upper(),
        "activity": (cp["activities"] or [0])[0],
        "meeting": (ACCOUNTS["meetings"] or [0])[0],
    }
    # The last secretariat account: no simulated person uses it, so its one-time code is its own.
    _sign_in_plain(session, host, ACCOUNTS["secretariat"][-1])
    for kind, template in LOAD_URLS.items():
        loopback_cookies(session.cookies)
        status = session.get(host + template.format(**values), allow_redirects=False).status_code
        (STATE["available"] if status != 404 else STATE["skipped"]).add(kind)


def _sign_in_plain(session, host: str, account: dict) -> None:
    _plain_post(session, host, "/accounts/login/", {"username": account["username"], "password": PASSWORD})
    if account.get("totp_key"):  # the secretariat's second factor
        _plain_post(session, host, "/accounts/two-factor/", {"token": totp_now(account["totp_key"])})


def _plain_post(session, host: str, path: str, data: dict) -> None:
    """GET the form at `path`, then POST `data` with its CSRF token (outside locust's statistics)."""
    page = session.get(host + path)
    loopback_cookies(session.cookies)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    session.post(
        host + path,
        data={**data, "csrfmiddlewaretoken": token},
        headers={"Referer": host + path},
        allow_redirects=False,
    )


class _Person(HttpUser):
    abstract = True
    wait_time = between(*WAIT)
    role = ""

    def on_start(self):
        accounts = ACCOUNTS[self.role]
        self.account = accounts[next(_counters[self.role]) % len(accounts)]
        self.sign_in()
        STATE["signed_in"] += 1

    def sign_in(self):
        self._form_post(
            "/accounts/login/", {"username": self.account["username"], "password": PASSWORD}, "sign-in"
        )
        if self.account.get("totp_key"):  # the secretariat's second factor
            self._form_post(
                "/accounts/two-factor/", {"token": totp_now(self.account["totp_key"])}, "second factor"
            )

    def _form_post(self, path: str, data: dict, name: str) -> None:
        """GET the form at `path` ("<name> form"), POST `data` with its CSRF token ("<name>"):
        anything but a redirect is a failure."""
        page = self.client.get(path, name=f"{name} form")
        loopback_cookies(self.client.cookies)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text or "")
        with self.client.post(
            path,
            data={**data, "csrfmiddlewaretoken": match.group(1) if match else ""},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{name} answered {response.status_code}")

    def page(self, kind: str, **values):
        """GET a page type, or skip it when it is not on this branch."""
        if kind not in STATE["available"]:
            return None
        loopback_cookies(self.client.cookies)
        return self.client.get(_url(kind, **values), name=kind)


class ContactPoint(_Person):
    weight = 7
    role = "contact_point"

    def _activity(self):
        ids = self.account.get("activities") or [0]
        return ids[next(_counters["activity"]) % len(ids)]

    @task(4)
    def list_activities(self):
        self.page("activities_own", party_code=self.account["party"].upper())

    @task(1)
    def list_all(self):
        self.page("activities")

    @task(4)
    def open_activity(self):
        self.page("activity", activity=self._activity())

    @task(2)
    def edit_and_save(self):
        if "activity_edit" not in STATE["available"]:
            return
        url = _url("activity_edit", activity=self._activity())
        loopback_cookies(self.client.cookies)
        response = self.client.get(url, name="activity_edit")
        if response.status_code != 200:
            return
        forms = [f for f in parse_forms(response.text) if f["method"] == "post"]
        form = next((f for f in forms if any(n == "version" for n, _ in f["fields"])), None)
        if form is None:
            return
        loopback_cookies(self.client.cookies)
        with self.client.post(
            form["action"] or url,
            data=form["fields"],
            headers={"Referer": self.host + url},
            name="activity_save",
            allow_redirects=False,
            catch_response=True,
        ) as saved:
            if saved.status_code not in (302, 303):
                saved.failure(f"save answered {saved.status_code} (expected a redirect)")

    @task(2)
    def own_party(self):
        self.page("party", party=self.account["party"])

    @task(1)
    def plan(self):
        self.page("plan")
        self.page("action")


class Secretariat(_Person):
    weight = 1
    role = "secretariat"

    def _meeting(self):
        ids = ACCOUNTS.get("meetings") or [0]
        return ids[next(_counters["meeting"]) % len(ids)]

    @task(3)
    def meetings(self):
        self.page("meetings")

    @task(3)
    def meeting(self):
        self.page("meeting", meeting=self._meeting())

    @task(3)
    def registrations(self):
        self.page("registrations", meeting=self._meeting())

    @task(1)
    def activities(self):
        self.page("activities")


class Reader(_Person):
    weight = 2
    role = "reader"

    @task(3)
    def dashboard(self):
        self.page("dashboard")

    @task(2)
    def reports(self):
        self.page("reports")

    @task(1)
    def home(self):
        self.page("home")
        self.page("plan")


def judge(phase: str) -> str | None:
    """Why a held phase broke the bar, or None."""
    reasons = []
    for kind, messages in STATE["failures"].get(phase, {}).items():
        reasons.append(f"{len(messages)} failed {kind} ({messages[0]})")
    for kind, times in STATE["times"].get(phase, {}).items():
        if not times or kind == "sign-in":
            continue
        ordered = sorted(times)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        bound = DASHBOARD_P95_MS if kind in SLOW_TYPES else P95_MS
        if p95 > bound:
            reasons.append(f"{kind} p95 {p95:.0f} ms > {bound:.0f} ms")
    return "; ".join(reasons) or None


def ramp_timeout(users: int) -> float:
    return RAMP_TIMEOUT or 2 * max(0, users - STATE["ramp_from"]) / SPAWN_RATE + 60


class Steps(LoadTestShape):
    """Ramp (sign in) to USERS, hold DURATION; then for each step, ramp and hold STEP_DURATION."""

    def __init__(self):
        super().__init__()
        self.plan = [(USERS, DURATION, "sustained")] + [(n, STEP_DURATION, "step") for n in STEPS]
        self.index, self.holding = 0, False

    def _enter(self, name: str, users: int):
        now = time.time()
        if STATE["phases"]:
            STATE["phases"][-1]["ended"] = now
        STATE["phases"].append({"name": name, "users": users, "started": now, "ended": None})
        STATE["phase"], STATE["phase_started"] = name, now

    def tick(self):
        if self.index >= len(self.plan):
            return None
        if not STATE["phases"]:
            STATE["started"] = time.time()
        users, hold, kind = self.plan[self.index]
        if not STATE["phases"]:
            self._enter(f"ramp-{users}", users)
        elapsed = time.time() - STATE["phase_started"]
        if time.time() - STATE["started"] > MAX_SECONDS:
            STATE["broke"] = STATE["broke"] or {
                "users": users,
                "phase": STATE["phase"],
                "why": f"the run reached its time limit ({MAX_SECONDS:.0f} s)",
            }
            return None
        if not self.holding:
            if STATE["signed_in"] >= users and not STATE["phase"].startswith("settle"):
                # Everyone is in: let the sign-in backlog drain before the held phase is judged.
                self._enter(f"settle-{users}", users)
                return users, SPAWN_RATE
            if STATE["phase"].startswith("settle"):
                if elapsed >= SETTLE:
                    self.holding = True
                    self._enter(f"{kind}-{users}", users)
                return users, SPAWN_RATE
            if elapsed > ramp_timeout(users):
                STATE["broke"] = {
                    "users": users,
                    "phase": STATE["phase"],
                    "why": f"only {STATE['signed_in']} of {users} users signed in within {ramp_timeout(users):.0f} s",
                }
                return None
            return users, SPAWN_RATE
        if elapsed < hold:
            return users, SPAWN_RATE
        why = judge(STATE["phase"])
        if why:
            STATE["broke"] = {"users": users, "phase": STATE["phase"], "why": why}
            return None
        self.index += 1
        self.holding = False
        if self.index >= len(self.plan):
            return None
        STATE["ramp_from"] = STATE["signed_in"]
        self._enter(f"ramp-{self.plan[self.index][0]}", self.plan[self.index][0])
        return self.plan[self.index][0], SPAWN_RATE


@events.quitting.add_listener
def _write(environment, **kwargs):
    if STATE["phases"] and STATE["phases"][-1]["ended"] is None:
        STATE["phases"][-1]["ended"] = time.time()
    if not OUT:
        return
    data = {
        "phases": STATE["phases"],
        "times": {p: dict(kinds) for p, kinds in STATE["times"].items()},
        "failures": {p: dict(kinds) for p, kinds in STATE["failures"].items()},
        "available": sorted(STATE["available"]),
        "skipped": sorted(STATE["skipped"]),
        "broke": STATE["broke"],
        "bounds": {"p95_ms": P95_MS, "dashboard_p95_ms": DASHBOARD_P95_MS},
    }
    with open(OUT, "w") as fh:
        json.dump(data, fh)
