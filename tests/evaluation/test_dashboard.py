"""The ministers' dashboard: figures, accessible charts, filters, print and PDF, and a fixed query count."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Action, FinancingSource
from parties.models import Party
from tests.factories import ActivityFactory, FinancingLineFactory, ParticipationFactory, som_on

pytestmark = pytest.mark.django_db


def build(n: int, seed: int = 1) -> None:
    """n activities across Parties, actions, years, statuses and currencies."""
    rng = random.Random(seed)
    parties = list(Party.objects.all())
    actions = list(Action.objects.all())
    sources = list(FinancingSource.objects.all())
    for _ in range(n):
        party, act = rng.choice(parties), rng.choice(actions)
        ParticipationFactory.create(party=party, action=act) if not party.participations.filter(
            action=act
        ).exists() else None
        a = ActivityFactory(
            party=party,
            actions=[act],
            status=rng.choice(["planned", "ongoing", "completed", "cancelled"]),
            kind=rng.choice(["training", "study", "programme"]),
            start_date=dt.date(rng.randint(2012, 2016), rng.randint(1, 12), 1),
        )
        FinancingLineFactory(
            activity=a,
            source=rng.choice(sources),
            amount=Decimal(rng.randint(1, 100) * 1000),
            currency=rng.choice(["EUR", "USD"]),
        )


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/plans/2012-2016/evaluation/dashboard/?start=2012&end=2016")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_budget_dashboard_is_the_same_at_5_and_50_activities(reader, client_for):
    client = client_for(reader)
    build(5, seed=1)
    small = count_queries(client)
    build(45, seed=2)
    large = count_queries(client)
    assert small == large
    assert small <= 15, small


def test_headline_figures_and_per_currency_financing(plan, party_a, party_b, reader, client_for):
    from tests.factories import action

    ParticipationFactory(party=party_a, action=action("I.1"))
    ParticipationFactory(party=party_b, action=action("I.2"))
    a = ActivityFactory(
        party=party_a, actions=[action("I.1")], status="ongoing", start_date=dt.date(2013, 2, 1)
    )
    b = ActivityFactory(
        party=party_b, actions=[action("I.2")], status="completed", start_date=dt.date(2014, 2, 1)
    )
    ActivityFactory(party=party_b, actions=[action("I.3")], state="draft", start_date=dt.date(2014, 2, 1))
    eu = FinancingSource.objects.order_by("order").first()
    FinancingLineFactory(activity=a, source=eu, amount=Decimal("1000"), currency="EUR")
    FinancingLineFactory(activity=b, source=eu, amount=Decimal("250"), currency="EUR")
    FinancingLineFactory(activity=b, source=eu, amount=Decimal("70"), currency="USD")
    som_on(dt.date(2013, 6, 1))
    from evaluation.dashboard import dashboard_figures, dashboard_filter
    from parties.models import GeographicGroup

    groups = list(GeographicGroup.objects.all())
    d = dashboard_figures(plan, dashboard_filter(plan, {}, groups), groups)
    assert d["headline"] == {
        "parties_taking_part": 2,
        "actions_covered": 2,
        "actions_total": 22,
        "activities_total": 2,
        "soms_held": 1,
        "soms_expected": 5,
        "open_decisions": 0,
    }
    money = {(r["source"], r["currency"]): r["total"] for c in d["money_charts"] for r in c["rows"]}
    assert money == {(eu.name, "EUR"): Decimal("1250"), (eu.name, "USD"): Decimal("70")}
    only_group = dashboard_filter(plan, {"group": party_a.group.code, "start": "2013", "end": "2013"}, groups)
    d2 = dashboard_figures(plan, only_group, groups)
    assert d2["headline"]["activities_total"] == 1 and d2["years"] == [2013]

    page = client_for(reader).get("/plans/2012-2016/evaluation/dashboard/").content.decode()
    assert page.count("<figure") == page.count("<figcaption>") >= 4
    assert 'role="img"' in page and "<title id=" in page and "<desc id=" in page
    assert "<caption" in page and 'scope="col"' in page


def test_filters_survive_nonsense_and_the_print_view_and_pdf_show_the_same(reader, client_for, tmp_path):
    import subprocess

    build(5)
    client = client_for(reader)
    assert (
        client.get("/plans/2012-2016/evaluation/dashboard/?start=abc&end=1900&group=<x>").status_code == 200
    )
    printed = client.get("/plans/2012-2016/evaluation/dashboard/print/?start=2013&end=2014")
    assert printed.status_code == 200 and b"Period 2013\xe2\x80\x932014" in printed.content
    assert b"main-nav" not in printed.content
    pdf = client.get("/plans/2012-2016/evaluation/dashboard.pdf?start=2013&end=2014")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    path = tmp_path / "d.pdf"
    path.write_bytes(pdf.content)
    text = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split()
    )
    assert "Period 2013–2014" in text and "Activities per year by status" in text


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_budget_year_progress_and_cycle_pages_do_not_grow_with_the_data(
    plan, party_a, secretariat, client_for
):
    from evaluation.models import ProgressReport
    from tests.factories import ReportingCycleFactory, action

    cycle = ReportingCycleFactory(plan=plan, year=2013)
    som_on(dt.date(2013, 6, 1))
    client = client_for(secretariat)
    urls = [
        "/plans/2012-2016/evaluation/",
        "/plans/2012-2016/evaluation/2013/",
        "/plans/2012-2016/evaluation/2013/cz/",
        "/plans/2012-2016/evaluation/2013/cz/edit/",
    ]

    def grow(n: int) -> None:
        parties = list(Party.objects.exclude(progress_reports__cycle=cycle).exclude(code="CZ")[:n])
        for p in parties:
            ParticipationFactory(party=p, action=action("I.1"))
            ProgressReport.objects.create(cycle=cycle, party=p, state="submitted")
        codes = [
            c
            for c in ("I.1", "I.2", "I.3", "II.1", "II.2", "II.3")
            if not party_a.participations.filter(action=action(c)).exists()
        ]
        for code in codes[: max(1, n // 5)]:
            ParticipationFactory(party=party_a, action=action(code))
        for _ in range(n):
            a = ActivityFactory(
                party=party_a, actions=[action("I.1"), action("I.2")], start_date=dt.date(2013, 5, 1)
            )
            a.other_parties.add(parties[0])

    grow(2)
    small = [_count(client, u) for u in urls]
    grow(20)
    large = [_count(client, u) for u in urls]
    assert small == large


def test_dashboard_figures_are_cached_until_the_data_changes(plan, party_a, reader, client_for):
    client = client_for(reader)
    build(3, seed=3)
    first = count_queries(client)
    again = count_queries(client)
    assert again < first  # served from the cache: the aggregates are not run again
    before = client.get("/plans/2012-2016/evaluation/dashboard/").context["headline"]["activities_total"]
    ActivityFactory(party=party_a, start_date=dt.date(2014, 5, 1))  # a write moves the generation on
    after = client.get("/plans/2012-2016/evaluation/dashboard/").context["headline"]["activities_total"]
    assert after == before + 1


def test_dashboard_cache_is_per_language(plan, reader, client_for):
    client = client_for(reader)
    build(2, seed=4)
    english = client.get("/plans/2012-2016/evaluation/dashboard/").content.decode()
    russian = client.get("/plans/2012-2016/evaluation/dashboard/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Headline figures" in english
    assert "Headline figures" not in russian
