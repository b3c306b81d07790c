"""The dashboard and the compiled report read the same definitions, so they show the same figures
for the same year: activities under way in it, Parties taking part, SOMs that took place (a merely
scheduled one is not held), financing per source and currency."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from evaluation.dashboard import dashboard_figures, dashboard_filter
from evaluation.figures import monitoring_figures
from tests.factories import (
    ActivityFactory,
    DecisionFactory,
    FinancingLineFactory,
    ParticipationFactory,
    action,
    som_on,
)

pytestmark = pytest.mark.django_db

MID_2014 = dt.datetime(2014, 7, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def year2014(plan, party_a, party_b):
    """2014 by hand: CZ and DE take part (AT only from 2015); three submitted activities are under
    way in 2014, one of them started in 2013; an SOM held in April, one only scheduled for November."""
    from actions.models import FinancingSource
    from parties.models import Party

    at = Party.objects.get(code="AT")
    eu, national = FinancingSource.objects.filter(plan=plan).order_by("order")[:2]
    ParticipationFactory(party=party_a, action=action("I.1"), since=dt.date(2012, 1, 1))
    ParticipationFactory(party=party_b, action=action("I.2"), since=dt.date(2014, 3, 1))
    ParticipationFactory(party=at, action=action("II.1"), since=dt.date(2015, 1, 1))
    started_before = ActivityFactory(
        party=party_a,
        actions=[action("I.1")],
        status="ongoing",
        start_date=dt.date(2013, 5, 1),
        end_date=dt.date(2014, 6, 30),
    )
    started_inside = ActivityFactory(
        party=party_a, actions=[action("I.2")], status="completed", start_date=dt.date(2014, 3, 1)
    )
    spanning = ActivityFactory(
        party=party_b,
        actions=[action("I.2"), action("II.1")],
        status="planned",
        start_date=dt.date(2014, 9, 1),
        end_date=dt.date(2015, 2, 1),
    )
    ended_before = ActivityFactory(
        party=party_b, actions=[action("I.1")], start_date=dt.date(2012, 1, 1), end_date=dt.date(2013, 12, 31)
    )
    ActivityFactory(party=party_a, actions=[action("I.3")], state="draft", start_date=dt.date(2014, 4, 1))
    ActivityFactory(party=party_b, actions=[action("II.2")], start_date=dt.date(2015, 1, 1))
    FinancingLineFactory(activity=started_before, source=eu, amount=Decimal("1000.00"), currency="EUR")
    FinancingLineFactory(activity=started_before, source=national, amount=Decimal("400.00"), currency="EUR")
    FinancingLineFactory(activity=started_inside, source=eu, amount=Decimal("250.00"), currency="USD")
    FinancingLineFactory(activity=spanning, source=eu, amount=Decimal("600.00"), currency="EUR")
    FinancingLineFactory(activity=ended_before, source=eu, amount=Decimal("999.00"), currency="EUR")
    held = som_on(dt.date(2014, 4, 10), title="SOM April 2014", status="held")
    som_on(dt.date(2014, 11, 20), title="SOM November 2014")  # only scheduled on 1 July 2014
    som_on(dt.date(2014, 5, 20), title="SOM May 2014, cancelled", status="cancelled")
    DecisionFactory(meeting=held, text="Map the return programmes")
    return {"eu": eu.name, "national": national.name}


def _dashboard(plan, now=None, start="2014", end="2014"):
    from parties.models import GeographicGroup

    groups = list(GeographicGroup.objects.order_by("order"))
    return dashboard_figures(
        plan, dashboard_filter(plan, {"start": start, "end": end}, groups), groups, now=now
    )


def _report_by_action(report) -> dict[str, int]:
    return {a["code"]: a["activity_count"] for area in report["areas"] for a in area["actions"]}


def test_the_dashboard_and_the_report_show_the_same_figures_for_a_year(plan, year2014):
    dashboard = _dashboard(plan, now=MID_2014)
    report = monitoring_figures(plan=plan, start_year=2014, end_year=2014, now=MID_2014)

    shared = ("parties_taking_part", "actions_total", "actions_covered", "activities_total", "soms_held")
    shared += ("open_decisions",)
    assert {k: dashboard["headline"][k] for k in shared} == {k: report["headline"][k] for k in shared}
    assert {k: report["headline"][k] for k in shared} == {
        "parties_taking_part": 2,  # CZ and DE; AT joins in 2015
        "actions_total": 22,
        "actions_covered": 3,  # I.1, I.2, II.1
        "activities_total": 3,  # one started in 2013, one inside 2014, one running into 2015
        "soms_held": 1,  # April; November is only scheduled, May is cancelled
        "open_decisions": 1,
    }
    assert {s["key"]: s["n"] for s in dashboard["by_status"] if s["n"]} == report["activities_by_status"]
    assert report["activities_by_status"] == {"ongoing": 1, "completed": 1, "planned": 1}

    heat = {code: values[0] for code, values in dashboard["heat_actions"]}
    assert heat == _report_by_action(report)
    assert {k: v for k, v in heat.items() if v} == {"I.1": 1, "I.2": 2, "II.1": 1}

    money = {(r["source"], r["currency"]): r["total"] for c in dashboard["money_charts"] for r in c["rows"]}
    assert money == {(r["source"], r["currency"]): Decimal(r["total"]) for r in report["financing"]}
    eu, national = year2014["eu"], year2014["national"]
    assert money == {
        (eu, "EUR"): Decimal("1600.00"),
        (national, "EUR"): Decimal("400.00"),
        (eu, "USD"): Decimal("250.00"),
    }
    assert dict(dashboard["money_totals"]) == {
        r["currency"]: Decimal(r["total"]) for r in report["financing_by_currency"]
    }


def test_a_scheduled_som_is_not_held_until_it_has_taken_place(plan, year2014):
    before = monitoring_figures(plan=plan, start_year=2014, end_year=2014, now=MID_2014)
    assert [m["title"] for m in before["meetings"]] == ["SOM April 2014", "SOM November 2014"]
    assert before["headline"]["soms_held"] == 1
    assert _dashboard(plan, now=MID_2014)["soms"] == [(2014, 1)]
    after = dt.datetime(2014, 12, 1, tzinfo=dt.UTC)  # the November SOM has ended
    assert (
        monitoring_figures(plan=plan, start_year=2014, end_year=2014, now=after)["headline"]["soms_held"] == 2
    )
    assert _dashboard(plan, now=after)["soms"] == [(2014, 2)]


def test_an_activity_counts_in_every_year_it_is_under_way(plan, year2014):
    dashboard = _dashboard(plan, start="2013", end="2015")
    by_year = {year: sum(values) for year, values in dashboard["year_status_rows"]}
    # 2013: the one started in 2013 and the one ending in 2013; 2015: the spanning one and the 2015 one
    assert by_year == {2013: 2, 2014: 3, 2015: 2}
    report = monitoring_figures(plan=plan, start_year=2013, end_year=2015)
    assert dashboard["headline"]["activities_total"] == report["headline"]["activities_total"] == 5


def test_the_compiled_report_and_the_dashboard_page_agree(plan, year2014, reader, client_for):
    from evaluation.services import report_compile_now

    version = report_compile_now(plan=plan, year=2014)
    page = client_for(reader).get("/plans/2012-2016/evaluation/dashboard/?start=2014&end=2014")
    dashboard = page.context["headline"]
    for key in ("parties_taking_part", "actions_covered", "activities_total", "soms_held", "open_decisions"):
        assert dashboard[key] == version.data["headline"][key], key
    assert version.data["headline"]["soms_held"] == 2  # today both 2014 SOMs have taken place
