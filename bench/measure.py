"""Measuring pages in-process: the functions `make bench` runs and the smoke test calls.

Each function works in whatever Django is configured (the benchmark's production settings on
its own database, or the test database under pytest). Requests go through Django's test Client,
so the whole stack (middleware, sessions, templates) is measured without a network.
"""

from __future__ import annotations

import copy
import statistics
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from . import pages as page_list


class NotAvailable(Exception):
    """A page or job that does not exist on this branch (yet)."""


@dataclass
class Timing:
    key: str
    label: str
    url: str = ""
    status: int | None = None
    available: bool = True
    note: str = ""
    median_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    db_ms: float | None = None  # median database time per request
    floor_ms: float | None = None  # median of the floor requests paired with this page's
    samples: list[float] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


class _DbTimer:
    """Sums the time spent in the database by this connection (execute_wrapper)."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start


@contextmanager
def db_timer():
    timer = _DbTimer()
    with connection.execute_wrapper(timer):
        yield timer


def _read(response) -> int:
    if getattr(response, "streaming", False):
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def fill(url: str) -> str:
    """Fill the placeholders of a page's URL from the database; NotAvailable when one cannot be."""
    if "{" not in url:
        return url
    values = {}
    for name in ("action", "activity", "meeting", "report", "party"):
        if "{" + name + "}" in url:
            values[name] = _placeholder(name)
    return url.format(**values)


def _placeholder(name: str) -> str:
    from actions.models import Action, Activity
    from meetings.models import Meeting

    if name == "action":
        actions = list(Action.objects.select_related("area").order_by("area__order", "number"))
        if not actions:
            raise NotAvailable("no plan loaded")
        return actions[len(actions) // 2].get_absolute_url()
    if name == "party":
        # The Party with the most activities: its page shows every section filled.
        from django.db.models import Count

        from parties.models import Party

        busiest = Party.objects.annotate(n=Count("activities")).order_by("-n", "order").first()
        return busiest.code.lower() if busiest else "cz"
    if name == "activity":
        submitted = Activity.objects.filter(state=Activity.State.SUBMITTED).order_by("pk")
        count = submitted.count()
        if not count:
            raise NotAvailable("no submitted activity")
        return str(submitted.values_list("pk", flat=True)[count // 2])
    if name == "meeting":
        pk = (
            Meeting.objects.filter(kind=Meeting.Kind.SOM)
            .order_by("-starts_at")
            .values_list("pk", flat=True)
            .first()
        )
        if pk is None:
            raise NotAvailable("no meeting")
        return str(pk)
    app_label, model_name, filters = page_list.PLACEHOLDER_MODELS[name]
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise NotAvailable(f"no model {app_label}.{model_name}") from exc
    pk = model._default_manager.filter(**filters).order_by("pk").values_list("pk", flat=True).first()
    if pk is None:
        raise NotAvailable(f"no {model_name} row")
    return str(pk)


def _verified(client: Client, user) -> None:
    """The secretariat's session verified with its second factor, as after a real sign-in."""
    from parties.two_factor import client_verified

    client_verified(client, user)


def clients_for(users: dict) -> dict[str, Client]:
    """One signed-in Client per role name ({"secretariat": user, ...}); "anonymous" is added."""
    clients = {"anonymous": Client(raise_request_exception=False)}
    for role, user in users.items():
        if user is None:
            continue
        client = Client(raise_request_exception=False)  # a broken page is a 500 row, not a crash
        client.force_login(user)
        _verified(client, user)
        clients[role] = client
    return clients


def _in_language(client: Client, language: str) -> Client:
    """A client with the same session that asks for the interface in `language` (the language cookie)."""
    from django.conf import settings

    other = Client(raise_request_exception=False)
    other.cookies = copy.deepcopy(client.cookies)
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return other


def measure_url(
    client: Client,
    url: str,
    *,
    requests: int,
    warmup: int = 2,
    key: str = "",
    label: str = "",
    paired_floor: bool = True,
) -> Timing:
    """Median and p95 of `requests` warm GETs, the SQL query count and the database time.

    Each page request is paired with a floor request by the same client just before it, so the
    ratio to the floor compares the same moments of a shared machine.
    """
    timing = Timing(key=key or url, label=label or url, url=url)
    response = client.get(url)
    _read(response)
    if response.status_code in (301, 302) and response["Location"].startswith("/"):
        # an address of the current plan answers with the plan's own page: measure that page
        url = timing.url = response["Location"]
        response = client.get(url)
        _read(response)
    timing.status = response.status_code
    if response.status_code == 404:
        timing.available, timing.note = False, "not available (404)"
        return timing
    if response.status_code != 200:
        timing.note = f"status {response.status_code}"
    for _ in range(max(0, warmup - 1)):
        _read(client.get(url))
    with CaptureQueriesContext(connection) as captured:
        _read(client.get(url))
    timing.queries = len(captured.captured_queries)
    db_seconds, floor_samples = [], []
    for _ in range(requests):
        if paired_floor:
            start = time.perf_counter()
            _read(client.get(page_list.FLOOR_URL))
            floor_samples.append((time.perf_counter() - start) * 1000)
        with db_timer() as timer:
            start = time.perf_counter()
            _read(client.get(url))
            timing.samples.append((time.perf_counter() - start) * 1000)
        db_seconds.append(timer.seconds * 1000)
    timing.median_ms = statistics.median(timing.samples)
    timing.p95_ms = percentile(timing.samples, 95)
    timing.db_ms = statistics.median(db_seconds)
    timing.floor_ms = statistics.median(floor_samples) if floor_samples else None
    return timing


def measure_pages(users: dict, *, requests: int, pages: list | None = None) -> dict:
    """Every key page, the floor (signed in and not), and the admin changelists; a dict for the table."""
    clients = clients_for(users)
    result: dict = {"floor": {}, "pages": {}, "admin": {}}
    for role, client in clients.items():
        result["floor"][role] = measure_url(
            client,
            page_list.FLOOR_URL,
            requests=requests,
            key="floor",
            label=f"Floor ({role})",
            paired_floor=False,
        ).as_dict()
    for page in pages if pages is not None else page_list.PAGES:
        client = clients.get(page.role) or clients.get("secretariat") or clients["anonymous"]
        if page.language != "en":
            client = _in_language(client, page.language)
        try:
            url = fill(page.url)
        except NotAvailable as exc:
            result["pages"][page.key] = Timing(
                key=page.key, label=page.label, url=page.url, available=False, note=f"not available ({exc})"
            ).as_dict()
            continue
        timing = measure_url(client, url, requests=requests, key=page.key, label=page.label)
        result["pages"][page.key] = timing.as_dict()
    if "secretariat" in clients:
        for key, admin_url in page_list.ADMIN_COMPARE:
            result["admin"][key] = measure_url(
                clients["secretariat"], admin_url, requests=requests, key=f"admin:{key}", label=admin_url
            ).as_dict()
    return result


def measure_dashboard_sql(*, requests: int) -> dict:
    """Median time of running every hand-written headline query once, in this session."""
    samples = []
    with connection.cursor() as cursor:
        for sql in page_list.DASHBOARD_SQL.values():  # warm
            cursor.execute(sql)
            cursor.fetchall()
        for _ in range(requests):
            start = time.perf_counter()
            for sql in page_list.DASHBOARD_SQL.values():
                cursor.execute(sql)
                cursor.fetchall()
            samples.append((time.perf_counter() - start) * 1000)
    return {"median_ms": statistics.median(samples), "queries": len(page_list.DASHBOARD_SQL)}


def measure_dashboard_uncached(*, requests: int) -> dict:
    """The dashboard's figures computed afresh (as after a write), bypassing its cache: the median
    wall time and database time of computing them, for the default period and every group."""
    from evaluation import dashboard
    from evaluation.selectors import current_plan
    from parties.models import GeographicGroup

    plan = current_plan()
    if plan is None:
        return {}
    groups = list(GeographicGroup.objects.order_by("order"))
    f = dashboard.dashboard_filter(plan, {}, groups)
    walls, dbs = [], []
    for index in range(requests + 1):
        start = time.perf_counter()
        with db_timer() as timer:
            dashboard.dashboard_figures(plan, f, groups)
        if index:  # the first run warms
            walls.append((time.perf_counter() - start) * 1000)
            dbs.append(timer.seconds * 1000)
    return {"median_ms": statistics.median(walls), "db_ms": statistics.median(dbs)}


def run_job(job: dict, *, user) -> dict:
    """Run one heavy job in this process: fetch a URL to the end, or call a function."""
    start = time.perf_counter()
    if job["kind"] == "get":
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
            _verified(client, user)
        response = client.get(fill(job["url"]))
        size = _read(response)
        if response.status_code == 404:
            raise NotAvailable("404")
        out = {"status": response.status_code, "bytes": size}
    else:
        module_name, _, function_name = job["call"].partition(":")
        try:
            module = __import__(module_name, fromlist=[function_name])
            function = getattr(module, function_name)
        except (ImportError, AttributeError) as exc:
            raise NotAvailable(f"no {job['call']}") from exc
        function(year=job["year"])
        out = {"status": "done"}
    out["seconds"] = time.perf_counter() - start
    return out
