"""The bench harness keeps working: a small seed, a few requests, the table (no load test).

Runs against the test database; `make bench` runs the same functions against its own databases
under production settings.
"""

from __future__ import annotations

import random

import pytest
from django.core.management import call_command
from django.db.models import Exists, OuterRef

from actions.models import Activity, Participation
from bench import measure, pages, report
from meetings.models import Decision, Meeting
from parties import demo as parties_demo
from parties.models import User
from pragueprocess import demo_scale


def _seed(plan, scale, seed=2012):
    rng = random.Random(seed)
    parties_demo.seed(rng=rng, scale=scale, password="bench-password-123")
    return demo_scale.seed(rng=rng, scale=scale, plan=plan)


def _snapshot():
    return [
        (
            a.title,
            a.party_id,
            a.kind,
            a.status,
            a.state,
            a.start_date,
            tuple(sorted(x.pk for x in a.actions.all())),
        )
        for a in Activity.objects.order_by("pk").prefetch_related("actions")
    ]


@pytest.mark.django_db
def test_bench_seed_is_deterministic_and_consistent(plan):
    _seed(plan, 0.1)
    first = _snapshot()
    assert len(first) == 100
    assert Meeting.objects.filter(kind="som").count() == len(plan.years)
    # Every activity's actions are among its Party's declared participations.
    undeclared = Activity.actions.through.objects.filter(
        ~Exists(
            Participation.objects.filter(
                party_id=OuterRef("activity__party_id"), action_id=OuterRef("action_id")
            )
        )
    )
    assert not undeclared.exists()
    assert Activity.objects.filter(financing_lines__isnull=True).count() == 0
    # Same seed, same data.
    Activity.objects.all().delete()
    Participation.objects.all().delete()
    Decision.objects.all().delete()
    Meeting.objects.all().delete()
    _seed(plan, 0.1)
    assert _snapshot() == first


@pytest.mark.django_db
def test_bench_seed_demo_scale_uses_bulk_seeder(plan):
    call_command("seed_demo", scale=1, seed=7, force=True, quiet_accounts=True)
    assert Activity.objects.count() == 1000
    assert Activity.objects.filter(state="submitted").count() > 800
    assert User.objects.filter(username="ncp-cz", role="contact_point").exists()


@pytest.mark.django_db
def test_bench_smoke_measures_pages_and_writes_table(plan):
    results = {}
    for scale in (0.05, 0.1):
        _seed(plan, scale)
        users = {
            "secretariat": User.objects.get(username="secretariat"),
            "reader": User.objects.get(username="reader"),
            "contact_point": User.objects.get(username="ncp-cz"),
        }
        result = measure.measure_pages(users, requests=3)
        result["dashboard_sql"] = measure.measure_dashboard_sql(requests=2)
        result["dashboard_uncached"] = measure.measure_dashboard_uncached(requests=2)
        results[str(scale)] = result

    for result in results.values():
        for role in ("anonymous", "secretariat"):
            floor = result["floor"][role]
            assert floor["status"] == 200 and floor["median_ms"] > 0 and floor["queries"] >= 1
        assert set(result["pages"]) == {p.key for p in pages.PAGES}
        for key in ("home", "plan", "action", "parties", "party"):
            timing = result["pages"][key]
            assert timing["status"] == 200 and len(timing["samples"]) == 3
            assert timing["p95_ms"] >= timing["median_ms"] > 0
        for timing in result["pages"].values():
            # Every page is measured (200) or shown as not available: never an error page.
            assert timing["status"] == 200 or not timing["available"], timing
        assert set(result["admin"]) == {k for k, _ in pages.ADMIN_COMPARE}
        assert all(a["status"] == 200 for a in result["admin"].values())
        assert result["dashboard_sql"]["median_ms"] > 0
        fresh = result["dashboard_uncached"]
        assert fresh["median_ms"] >= fresh["db_ms"] > 0  # computed with queries, not read from a cache

    # The pages of the plan and the Parties keep their query count as the data doubles. (The Party
    # page is left out here: at these tiny scales the busiest Party differs between the two seeds
    # and a section with no rows skips its prefetch; its budget is asserted in tests/parties and
    # tests/actions with the same Party at two sizes.)
    for key in ("home", "plan", "action", "parties"):
        assert results["0.05"]["pages"][key]["queries"] == results["0.1"]["pages"][key]["queries"], key

    text = report.document(
        meta={"cores": 2, "python": "3.11", "django": "5.2", "postgresql": "15", "seed": 2012, "requests": 3},
        results=results,
        jobs={"csv": {"label": "CSV export", "available": False, "note": "not available (404)"}},
        pages=pages.PAGES,
    )
    assert "| Home |" in text and "time s0.1/s0.05" in text
    assert "Floor, signed in" in text and "vs admin changelist" in text
    assert "not available" in text
    assert "Dashboard figures computed afresh (after a write)" in text


@pytest.mark.django_db
def test_bench_jobs_run_or_say_not_available(plan):
    _seed(plan, 0.05)
    secretariat = User.objects.get(username="secretariat")
    for job in pages.JOBS:
        try:
            out = measure.run_job(job, user=secretariat)
        except measure.NotAvailable:
            continue
        assert out["seconds"] >= 0 and out["status"] in (200, "done"), job


def test_bench_percentile_and_database_names():
    from bench.run import db_name

    assert measure.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95) == 10
    assert measure.percentile([5], 50) == 5
    assert db_name(50) == "pp_bench_s50" and db_name(0.1) == "pp_bench_s0_1"


def test_bench_load_reads_edit_forms_and_summarises():
    """The load test's form reader posts back what a browser would; its table names where it broke."""
    from bench.forms import parse_forms
    from bench.load import summarise

    html = """
    <form action="/i18n/setlang/" method="post"><input type="hidden" name="language" value="ru"></form>
    <form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="tok">
      <input type="hidden" name="version" value="3"><input name="title" value="A &amp; B">
      <textarea name="description">Line one
    line two</textarea>
      <select name="actions" multiple><option value="1" selected>I.1</option><option value="2">I.2</option>
      <option value="5" selected>II.1</option></select>
      <input type="checkbox" name="confirm" checked><input type="checkbox" name="other">
      <input type="submit" name="save" value="Save"></form>"""
    forms = parse_forms(html)
    fields = forms[1]["fields"]
    assert forms[1]["method"] == "post" and forms[1]["action"] == ""
    assert ("version", "3") in fields and ("title", "A & B") in fields
    assert ("description", "Line one\n    line two") in fields
    assert [v for n, v in fields if n == "actions"] == ["1", "5"]
    assert ("confirm", "on") in fields and all(n not in ("other", "save") for n, _ in fields)

    data = {
        "phases": [
            {"name": "sustained-100", "users": 100, "started": 0, "ended": 10},
            {"name": "step-200", "users": 200, "started": 10, "ended": 20},
        ],
        "times": {"sustained-100": {"plan": [10, 20, 30]}, "step-200": {"plan": [400, 500]}},
        "failures": {"step-200": {"plan": ["HTTPError 502"]}},
        "skipped": ["dashboard"],
        "broke": {"users": 200, "phase": "step-200", "why": "1 failed plan"},
        "bounds": {"p95_ms": 300, "dashboard_p95_ms": 1000},
    }
    text, sustained_failed = summarise(data, [(0, 150.0), (1, 160.0)])
    assert not sustained_failed
    assert (
        "**Broke** at 200 users" in text
        and "dashboard" in text
        and "| sustained-100 | 100 | plan | 3 |" in text
    )


def test_bench_locustfile_loads_its_people():
    """The load test's file imports and names its simulated people (without running any load)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    locust = Path(sys.executable).with_name("locust")
    out = subprocess.run(
        [str(locust), "-f", str(root / "bench" / "locustfile.py"), "--list"],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=60,
        check=True,
    ).stdout
    assert {"ContactPoint", "Secretariat", "Reader"} <= set(out.split())


def test_bench_table_flags_growing_queries_and_slow_pages():
    from bench.pages import Page

    def timing(median, queries, floor=2.0, status=200):
        return {"available": True, "status": status, "median_ms": median, "p95_ms": median * 1.2,
                "queries": queries, "floor_ms": floor, "db_ms": median / 2}  # fmt: skip

    floors = {"anonymous": timing(2.0, 1), "secretariat": timing(4.0, 6)}
    pages_ = [Page("flat", "Flat", "/f/"), Page("grows", "Grows", "/g/"), Page("slow", "Slow", "/s/")]
    results = {
        "1.0": {
            "floor": floors,
            "pages": {"flat": timing(10, 4), "grows": timing(10, 4), "slow": timing(10, 4)},
        },
        "50.0": {
            "floor": floors,
            "pages": {"flat": timing(12, 4), "grows": timing(11, 9), "slow": timing(45, 4)},
        },
    }
    table = report.pages_table(results, pages_)
    rows = {line.split(" | ")[0].strip("| "): line for line in table.splitlines()}
    assert rows["Flat"].endswith("| ok |")
    assert "queries 4→9" in rows["Grows"]
    assert "over 3× slower" in rows["Slow"] and "4.50×" in rows["Slow"]
    # A busier machine during one run (its floor slower too) is not read as a slower page.
    results["50.0"]["pages"]["slow"]["floor_ms"] = 8.0
    assert "over 3× slower" not in report.pages_table(results, pages_)


@pytest.mark.django_db
def test_bench_floor_is_routed_only_when_the_bench_runs(client, settings, plan):
    from tests.bench.conftest import reload_urls

    assert client.get("/bench/floor").status_code == 200
    settings.BENCH_FLOOR = False
    reload_urls()
    assert client.get("/bench/floor").status_code == 404
