"""Plans side by side: loading a successor plan leaves every page of the first plan where it was and
as it was; each plan's pages show its own areas, actions, figures and the Parties' names as it wrote
them; the addresses without a plan lead to the current plan's pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Action, ActionPlan
from evaluation.models import ReportVersion, Review
from evaluation.services import report_request, report_request_run
from parties.models import Party
from tests.actions.test_plan_names import SUCCESSOR, load
from tests.factories import (
    ActivityFactory,
    ParticipationFactory,
    ProgressReportFactory,
    ReportingCycleFactory,
    action,
)

pytestmark = pytest.mark.django_db

FIRST = "/plans/2012-2016"
SECOND = "/plans/2023-2027"


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    """Compiles are run by calling the service, not through the broker."""
    monkeypatch.setattr("evaluation.services._enqueue", lambda pk: None)


@pytest.fixture
def first_plan_data(plan, party_a, secretariat):
    """The first plan in use: CZ leads I.1 with FYR Macedonia taking part, an activity under it, a
    submitted 2014 progress report, the mid-term review and a compiled 2014 report."""
    mk = Party.objects.get(code="MK")
    ParticipationFactory(party=party_a, action=action("I.1"), role="lead", since=dt.date(2012, 1, 1))
    ParticipationFactory(party=mk, action=action("I.1"), since=dt.date(2012, 1, 1))
    ActivityFactory(
        title="Border workshop",
        party=party_a,
        actions=[action("I.1")],
        start_date=dt.date(2014, 3, 1),
        end_date=dt.date(2014, 6, 30),
    )
    cycle = ReportingCycleFactory(plan=plan, year=2014, opens_on=dt.date(2014, 1, 15))
    ProgressReportFactory(cycle=cycle, party=party_a, state="submitted")
    Review.objects.create(
        plan=plan,
        kind=Review.Kind.MIDTERM,
        start_year=2012,
        end_year=2014,
        opens_on=dt.date(2014, 6, 1),
        deadline=dt.date(2014, 9, 30),
    )
    req, _created = report_request(plan=plan, kind="yearly", year=2014, user=secretariat)
    version = report_request_run(request_pk=req.pk)
    return {"report": version.pk}


def first_plan_pages(report: int) -> list[str]:
    return [
        f"{FIRST}/",
        f"{FIRST}/I/1/",
        f"{FIRST}/participation/",
        f"{FIRST}/participation/mk/",
        f"{FIRST}/evaluation/",
        f"{FIRST}/evaluation/2014/",
        f"{FIRST}/evaluation/2014/cz/",
        f"{FIRST}/evaluation/reviews/midterm/",
        f"{FIRST}/evaluation/dashboard/?start=2012&end=2016",
        f"{FIRST}/evaluation/mandate/",
        f"/evaluation/reports/{report}/",
    ]


MAIN = re.compile(r"<main\b.*?</main>", re.S)
SWITCHER = re.compile(r'<nav class="plan-switcher".*?</nav>', re.S)
CSRF = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')


def main_content(response) -> str:
    """The page's main content without the plan switcher (it lists the plans) and CSRF tokens."""
    main = MAIN.search(response.content.decode()).group(0)
    return CSRF.sub("", SWITCHER.sub("", main))


def fetch(client, urls) -> dict[str, tuple[int, str]]:
    out = {}
    for url in urls:
        response = client.get(url)
        out[url] = (response.status_code, main_content(response) if response.status_code == 200 else "")
    return out


def test_loading_a_successor_leaves_every_page_of_the_first_plan_as_it_was(
    first_plan_data, secretariat, client_for
):
    client = client_for(secretariat)
    urls = first_plan_pages(first_plan_data["report"])
    before = fetch(client, urls)
    assert {url: status for url, (status, _body) in before.items()} == dict.fromkeys(urls, 200)
    assert "FYR Macedonia" in before[f"{FIRST}/I/1/"][1]

    load(SUCCESSOR)
    assert ActionPlan.objects.count() == 2
    after = fetch(client, urls)
    for url in urls:
        assert after[url][0] == 200, url
        assert after[url][1] == before[url][1], url


def test_the_successor_shows_its_own_areas_and_actions(plan, client):
    load(SUCCESSOR)
    body = client.get(f"{SECOND}/").content.decode()
    successor = ActionPlan.objects.get(slug="prague-process-2023-2027")
    assert body.count('class="action"') == 11 == Action.objects.filter(area__plan=successor).count()
    assert body.count('class="area"') == 4
    assert "Legal migration and mobility" in body
    assert client.get(f"{SECOND}/1/2/").status_code == 200
    assert client.get(f"{SECOND}/VI/3/").status_code == 404  # the first plan's action, not the successor's
    first = client.get(f"{FIRST}/").content.decode()
    assert first.count('class="action"') == 22 and first.count('class="area"') == 6
    assert client.get(f"{SECOND}/participation/").context["m"].actions.__len__() == 11


def test_the_plan_switcher_names_the_plan_and_links_the_same_page_of_the_other(plan, client):
    load(SUCCESSOR)
    body = client.get(f"{FIRST}/participation/").content.decode()
    switcher = SWITCHER.search(body).group(0)
    assert "Action Plan 2012-2016" in switcher
    assert f'href="{SECOND}/participation/"' in switcher
    # an action the other plan does not have: its index instead
    switcher = SWITCHER.search(client.get(f"{FIRST}/VI/3/").content.decode()).group(0)
    assert f'href="{SECOND}/"' in switcher


def _headline(client, base: str, start: int, end: int) -> dict:
    return client.get(f"{base}/evaluation/dashboard/?start={start}&end={end}").context["headline"]


def test_figures_never_mix_two_plans(plan, party_a, secretariat, client_for):
    load(SUCCESSOR)
    successor = ActionPlan.objects.get(slug="prague-process-2023-2027")
    new_action = Action.objects.get(area__plan=successor, area__numeral="1", number=1)
    ParticipationFactory(party=party_a, action=action("I.1"), since=dt.date(2012, 1, 1))
    ParticipationFactory(party=party_a, action=new_action, since=dt.date(2023, 1, 1))
    # each activity under way in both plans' years, but under one plan's action only
    long = {"start_date": dt.date(2013, 1, 1), "end_date": dt.date(2030, 12, 31)}
    ActivityFactory(party=party_a, actions=[action("I.1")], **long)
    ActivityFactory(party=party_a, actions=[new_action], **long)
    ActivityFactory(party=party_a, actions=[new_action], start_date=dt.date(2024, 1, 1), end_date=None)
    client = client_for(secretariat)

    first = _headline(client, FIRST, 2012, 2016)
    second = _headline(client, SECOND, 2023, 2027)
    assert (first["activities_total"], first["actions_total"], first["actions_covered"]) == (1, 22, 1)
    assert (second["activities_total"], second["actions_total"], second["actions_covered"]) == (2, 11, 1)
    # the dashboard's years are its plan's
    response = client.get(f"{SECOND}/evaluation/dashboard/?start=2012&end=2016")
    assert (response.context["f"].start_year, response.context["f"].end_year) == (2023, 2023)
    assert response.context["plan"] == successor

    # the compiled report of the first plan counts its own activities only, numbered on its own
    for p, year in ((plan, 2013), (successor, 2024)):
        req, _created = report_request(plan=p, kind="yearly", year=year, user=secretariat)
        report_request_run(request_pk=req.pk)
    old = ReportVersion.objects.get(plan=plan, language="en")
    new = ReportVersion.objects.get(plan=successor, language="en")
    assert old.data["headline"]["activities_total"] == 1
    assert new.data["headline"]["activities_total"] == 2
    assert old.data["headline"]["actions_total"] == 22 and new.data["headline"]["actions_total"] == 11
    assert old.number == new.number == 1
    assert client.get(f"{FIRST}/evaluation/").context["versions"].get().pk == old.pk


def test_each_plan_writes_the_party_names_it_wrote_in_both_languages(plan, party_a, reader, client_for):
    load(SUCCESSOR)
    mk = Party.objects.get(code="MK")
    successor = ActionPlan.objects.get(slug="prague-process-2023-2027")
    ParticipationFactory(party=mk, action=action("I.1"), since=dt.date(2012, 1, 1))
    ParticipationFactory(
        party=mk, action=Action.objects.get(area__plan=successor, area__numeral="1", number=1)
    )
    client = client_for(reader)
    old_pages = [f"{FIRST}/I/1/", f"{FIRST}/participation/", f"{FIRST}/participation/mk/"]
    new_pages = [f"{SECOND}/1/1/", f"{SECOND}/participation/", f"{SECOND}/participation/mk/", "/parties/mk/"]
    for url in old_pages:
        body = main_content(client.get(url))
        assert "FYR Macedonia" in body, url
        assert "North Macedonia" not in body, url
        ru = main_content(client.get(url, HTTP_ACCEPT_LANGUAGE="ru"))
        assert "БЮР Македония" in ru and "Северная Македония" not in ru, url
    for url in new_pages:
        body = main_content(client.get(url))
        assert "North Macedonia" in body, url
        assert "FYR Macedonia" not in body, url
        ru = main_content(client.get(url, HTTP_ACCEPT_LANGUAGE="ru"))
        assert "Северная Македония" in ru and "БЮР Македония" not in ru, url
    # the matrix's CSV too
    csv = client.get(f"{FIRST}/participation/export.csv").content.decode()
    assert "the former Yugoslav Republic of Macedonia" in csv


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/plan/", f"{SECOND}/"),
        ("/plan/1/2/", f"{SECOND}/1/2/"),
        ("/participation/?group=eastern", f"{SECOND}/participation/?group=eastern"),
        ("/participation/export.csv", f"{SECOND}/participation/export.csv"),
        ("/participation/cz/", f"{SECOND}/participation/cz/"),
        ("/evaluation/", f"{SECOND}/evaluation/"),
        ("/evaluation/2024/", f"{SECOND}/evaluation/2024/"),
        ("/evaluation/2024/cz/", f"{SECOND}/evaluation/2024/cz/"),
        ("/evaluation/dashboard/?start=2024&end=2025", f"{SECOND}/evaluation/dashboard/?start=2024&end=2025"),
        ("/evaluation/reviews/midterm/", f"{SECOND}/evaluation/reviews/midterm/"),
        ("/evaluation/mandate/", f"{SECOND}/evaluation/mandate/"),
    ],
)
def test_the_addresses_without_a_plan_lead_to_the_current_plans_page(plan, client, old, new):
    load(SUCCESSOR)
    response = client.get(old)
    assert response.status_code == 302
    assert response["Location"] == new


def test_an_unknown_plan_is_not_found(plan, client):
    assert client.get("/plans/1999-2003/").status_code == 404
    assert client.get("/plans/1999-2003/evaluation/").status_code == 404
    assert client.get("/plans/prague-process-2012-2016/").status_code == 200  # the full slug works too


@pytest.mark.parametrize(
    "url",
    [
        f"{FIRST}/",
        f"{FIRST}/I/1/",
        f"{FIRST}/participation/",
        f"{FIRST}/evaluation/",
        f"{FIRST}/evaluation/dashboard/",
        f"{SECOND}/",
        f"{SECOND}/participation/",
        f"{SECOND}/evaluation/dashboard/",
    ],
)
def test_plan_pages_query_count_stays_flat_with_two_plans(
    plan, secretariat, client_for, django_assert_num_queries, url
):
    from django.core.cache import cache

    load(SUCCESSOR)
    successor = ActionPlan.objects.get(slug="prague-process-2023-2027")
    parties = list(Party.objects.order_by("order")[:30])
    new_actions = list(Action.objects.filter(area__plan=successor))

    def add(i, party):
        ParticipationFactory(party=party, action=action(["I.1", "II.2", "VI.3"][i % 3]))
        ParticipationFactory(party=party, action=new_actions[i % len(new_actions)])
        ActivityFactory(party=party, actions=[action("I.1")], start_date=dt.date(2013, 1, 1))
        ActivityFactory(party=party, actions=[new_actions[i % 3]], start_date=dt.date(2024, 1, 1))

    add(0, parties[0])  # a little of everything: what the page lists, it lists from the start
    client = client_for(secretariat)
    client.get(url)  # warm: sessions, the plans' URL slugs
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i, party in enumerate(parties[1:], start=1):
        add(i, party)
    cache.clear()
    with django_assert_num_queries(len(few)):
        assert client.get(url).status_code == 200
