"""The demo tells the process's real story (HISTORY.md): its meetings with their dates and places,
the first core group, the prolongation decided at Bratislava; every page's footer names the current
plan, prolongation included, at no query per page."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions import plan_cache as current_plan
from actions.models import ActionPlan
from evaluation.mandate import plan_prolong
from evaluation.models import MandateProlongation, ReportingCycle
from meetings.models import Invitation, Meeting
from parties.models import CoreGroupMembership
from tests.actions.test_plan_names import SUCCESSOR, load

pytestmark = pytest.mark.django_db

FOOTER = re.compile(r"<footer.*?</footer>", re.S)


def footer(client, url="/") -> str:
    return re.sub(r"\s+", " ", FOOTER.search(client.get(url).content.decode()).group(0))


def local(meeting: Meeting) -> tuple[dt.date, dt.date, str]:
    return meeting.starts_local.date(), meeting.ends_local.date(), meeting.city


def test_the_demo_holds_the_real_meetings_the_first_core_group_and_the_prolongation(plan):
    call_command("seed_demo", "--scale", "0.01", "--force", "--quiet-accounts", stdout=StringIO())
    counts = (
        Meeting.objects.count(),
        CoreGroupMembership.objects.count(),
        MandateProlongation.objects.count(),
    )
    call_command("seed_demo", "--scale", "0.01", "--force", "--quiet-accounts", stdout=StringIO())
    assert (
        Meeting.objects.count(),
        CoreGroupMembership.objects.count(),
        MandateProlongation.objects.count(),
    ) == counts  # idempotent

    def meeting(title: str) -> Meeting:
        return Meeting.objects.select_related("host").get(title_en=title)

    cracow = meeting("Senior Officials' Meeting, Cracow, June 2016")
    assert local(cracow) == (dt.date(2016, 6, 15), dt.date(2016, 6, 16), "Cracow")
    assert (cracow.kind, cracow.status, cracow.timezone, cracow.host.code) == (
        "som",
        "held",
        "Europe/Warsaw",
        "PL",
    )
    assert cracow.starts_at.astimezone(ZoneInfo("Europe/Warsaw")).hour == 9
    assert "62 participants from 29 states" in cracow.minutes.text_en
    assert cracow.minutes.is_approved
    assert cracow.title_ru == "Совещание старших должностных лиц, Краков, июнь 2016 года"
    assert {p.acronym for p in cracow.partners.all()} == {"Frontex", "UNHCR", "ICMPD"}
    assert local(meeting("Senior Officials' Meeting, Berlin, October 2014")) == (
        dt.date(2014, 10, 28),
        dt.date(2014, 10, 29),
        "Berlin",
    )
    bucharest = meeting("Senior Officials' Meeting, Bucharest, June 2019")
    assert (bucharest.timezone, bucharest.host.code) == ("Europe/Bucharest", "RO")
    lisbon = meeting("Knowledge-base workshop, Lisbon, February 2015")
    assert lisbon.starts_local.month == 2 and "approximate" in lisbon.description
    poznan = meeting("2nd Ministerial Conference, Poznan, November 2011")
    assert (poznan.kind, poznan.starts_local.date()) == (
        "ministerial",
        dt.date(2011, 11, 4),
    )  # before any plan
    assert local(meeting("4th Ministerial Conference, Prague, October 2022"))[:2] == (
        dt.date(2022, 10, 24),
        dt.date(2022, 10, 25),
    )
    assert Meeting.objects.filter(title_ru__isnull=True).count() == 0

    # The 1st Core Group meeting: who was there, and the core group it formed.
    first = meeting("1st Core Group meeting, Warsaw, November 2012")
    assert (first.kind, local(first)) == (
        "core_group",
        (dt.date(2012, 11, 20), dt.date(2012, 11, 20), "Warsaw"),
    )
    attendance = dict(first.invitations.filter(party__isnull=False).values_list("party__code", "attendance"))
    present = {c for c, a in attendance.items() if a == Invitation.Attendance.PRESENT}
    # Armenia, Azerbaijan, Belarus, Bulgaria, the Czech Republic, the former Yugoslav Republic of
    # Macedonia, Georgia, Germany, Hungary, Kosovo, Moldova, Poland, Romania, the Russian Federation,
    # Serbia, Slovakia, Sweden
    first_present = ["AM", "AZ", "BY", "BG", "CZ", "MK", "GE", "DE", "HU", "XK", "MD", "PL", "RO", "RU"]
    assert present == {*first_present, "RS", "SK", "SE"}
    assert {c for c, a in attendance.items() if a == Invitation.Attendance.EXCUSED} == {"EU", "TR"}
    seats = CoreGroupMembership.objects.filter(ended_on__isnull=True)
    assert set(seats.values_list("party__code", flat=True)) == present | {"EU", "TR"}
    assert set(seats.values_list("started_on", "decided_on")) == {
        (dt.date(2012, 11, 20), dt.date(2012, 11, 20))
    }
    assert first.decisions.exists()
    # The later core group meetings invite the core group of their day.
    third = meeting("3rd Core Group meeting, Warsaw, June 2014")
    assert third.invitations.count() == seats.count()

    # Bratislava prolonged the plan to 2021: the cycles of the new years are open.
    plan.refresh_from_db()
    assert (plan.start_year, plan.adopted_end_year, plan.end_year) == (2012, 2016, 2021)
    prolongation = MandateProlongation.objects.select_related("meeting").get(plan=plan)
    assert (prolongation.previous_end_year, prolongation.end_year) == (2016, 2021)
    assert prolongation.decided_on == dt.date(2016, 9, 20)
    assert prolongation.reference == "Bratislava Joint Declaration"
    assert prolongation.meeting.title_en == "3rd Ministerial Conference, Bratislava, September 2016"
    assert prolongation.meeting.starts_local.date() == dt.date(2016, 9, 20)
    # The meetings of the prolonged years are the plan's; those before and after it are no plan's.
    assert meeting("Senior Officials' Meeting, Bucharest, June 2019").plan_id == plan.pk
    assert cracow.plan_id == plan.pk and poznan.plan_id is None
    assert meeting("Senior Officials' Meeting, Lisbon, April 2023").plan_id is None
    assert set(range(2017, 2022)) <= set(
        ReportingCycle.objects.filter(plan=plan).values_list("year", flat=True)
    )


def test_the_footer_names_the_current_plan_and_its_prolongation_in_the_readers_language(plan, client):
    assert (
        "Prague Process: Action Plan 2012-2016, adopted in Poznan on 4 November 2011; 2012–2016."
        in footer(client)
    )
    plan_prolong(
        plan=plan, end_year=2021, decided_on=dt.date(2016, 9, 20), reference="Bratislava Joint Declaration"
    )
    assert "2012–2016, prolonged to 2021." in footer(client)
    assert "2012–2016, prolonged to 2021." in footer(client, "/parties/")
    assert "timeframe 2012–2016, prolonged to 2021." in client.get("/").content.decode()  # the home page
    client.cookies["django_language"] = "ru"
    ru = footer(client)
    assert "Пражский процесс" in ru and "4 ноября 2011" in ru and "продлён до 2021" in ru
    assert "срок действия: 2012–2016 гг., продлён до 2021 г." in client.get("/").content.decode()


def test_the_footer_follows_another_current_plan(plan, client):
    assert "Action Plan 2012-2016" in footer(client)
    load(SUCCESSOR)
    successor = ActionPlan.objects.get(slug="prague-process-2023-2027")
    text = footer(client)
    assert successor.title in text and f"{successor.start_year}–{successor.end_year}" in text
    assert "Action Plan 2012-2016" not in text


@pytest.mark.django_db(transaction=True)
def test_a_committed_prolongation_shows_in_the_footer_and_is_kept_again(plan, client):
    client.get("/parties/")
    with CaptureQueriesContext(connection) as warm:
        client.get("/parties/")
    plan_prolong(
        plan=plan, end_year=2021, decided_on=dt.date(2016, 9, 20), reference="Bratislava Joint Declaration"
    )
    with CaptureQueriesContext(connection) as after:
        assert "2012–2016, prolonged to 2021." in footer(client, "/parties/")
    assert len(after) == len(warm)  # read once by the prolongation's commit, not by the page


@pytest.mark.django_db(transaction=True)
def test_the_footer_costs_no_query_on_a_warm_page_and_one_after_the_cache_is_emptied(plan, client):
    client.get("/parties/")
    with CaptureQueriesContext(connection) as warm:
        client.get("/parties/")
    assert not any("actions_actionplan" in q["sql"] for q in warm.captured_queries)
    cache.clear()  # a change not seen yet would be gone with it: the plans are read once more
    with CaptureQueriesContext(connection) as emptied:
        client.get("/parties/")
    assert len([q for q in emptied.captured_queries if "actions_actionplan" in q["sql"]]) == 1
    assert len(emptied) == len(warm) + 1
    with CaptureQueriesContext(connection) as warm_again:
        client.get("/parties/")
    assert len(warm_again) == len(warm)
    # A plan saved in another process: this one reads the plans afresh on its next page.
    from core.caching import move_on

    move_on(current_plan.GENERATION_KEY)
    with CaptureQueriesContext(connection) as after_a_change:
        client.get("/parties/")
    assert len(after_a_change) == len(warm) + 1


@pytest.mark.django_db(transaction=True)
def test_a_plans_pages_read_no_plan_once_warm(plan, client):
    """The plan a URL names, the plan switcher's choices and "several plans?" are kept per process."""
    for url in (f"/plans/{plan.url_slug}/I/2/", f"/plans/{plan.url_slug}/", "/meetings/", "/parties/cz/"):
        client.get(url)
        with CaptureQueriesContext(connection) as warm:
            assert client.get(url).status_code == 200
        assert not [q["sql"] for q in warm.captured_queries if 'FROM "actions_actionplan"' in q["sql"]], url
