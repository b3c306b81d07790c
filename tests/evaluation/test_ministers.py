"""The ministers' view of the mid-term and final review."""

from __future__ import annotations

import datetime as dt
import random
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation.models import ProgressReport, Review, ReviewCriterion, ReviewResponse, ReviewScore
from parties.models import Party
from tests.factories import (
    ActivityFactory,
    FinancingLineFactory,
    ParticipationFactory,
    ProgressReportFactory,
    ReportingCycleFactory,
    action,
)

pytestmark = pytest.mark.django_db

URL = "/plans/2012-2016/evaluation/ministers/"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def reviews(plan):
    mid = Review.objects.create(
        plan=plan,
        kind="midterm",
        start_year=2012,
        end_year=2014,
        opens_on=dt.date(2014, 6, 1),
        deadline=dt.date(2014, 9, 30),
    )
    final = Review.objects.create(
        plan=plan,
        kind="final",
        start_year=2012,
        end_year=2016,
        opens_on=dt.date(2016, 6, 1),
        deadline=dt.date(2016, 9, 30),
    )
    return mid, final


def respond(review, party, score: int, comment: str = "") -> ReviewResponse:
    response = ReviewResponse.objects.create(review=review, party=party, state="submitted")
    ReviewScore.objects.bulk_create(
        ReviewScore(response=response, criterion=c, score=score, comment=comment)
        for c in ReviewCriterion.objects.filter(plan_id=review.plan_id)
    )
    return response


@pytest.fixture
def world(plan, party_a, party_b, reviews):
    """CZ leads I.1 and reports two activities; DE takes part in I.1 and II.1 and reports one in 2015."""
    mid, final = reviews
    ParticipationFactory(party=party_a, action=action("I.1"), role="lead", since=dt.date(2012, 1, 1))
    ParticipationFactory(party=party_b, action=action("I.1"), since=dt.date(2012, 1, 1))
    ParticipationFactory(party=party_b, action=action("II.1"), since=dt.date(2012, 1, 1))
    a1 = ActivityFactory(
        party=party_a, actions=[action("I.1")], status="completed", start_date=dt.date(2013, 3, 1)
    )
    ActivityFactory(party=party_a, actions=[action("I.1")], status="ongoing", start_date=dt.date(2014, 3, 1))
    ActivityFactory(party=party_b, actions=[action("II.1")], status="planned", start_date=dt.date(2015, 3, 1))
    ActivityFactory(party=party_b, actions=[action("II.1")], state="draft", start_date=dt.date(2015, 3, 1))
    FinancingLineFactory(activity=a1, amount=Decimal("1500.00"), currency="EUR")
    cycle = ReportingCycleFactory(plan=plan, year=2013)
    accepted = ProgressReportFactory(cycle=cycle, party=party_a, state="accepted")
    accepted.entries.create(action=action("I.1"), status="in_progress", achieved="Trained 40 border guards")
    submitted = ProgressReportFactory(cycle=cycle, party=party_b, state="submitted")
    submitted.entries.create(action=action("I.1"), status="in_progress", achieved="Not yet accepted words")
    respond(mid, party_a, 3, "Relevant, but slow")
    respond(final, party_a, 5)
    respond(final, party_b, 4)
    return {"mid": mid, "final": final}


def _map(html: str) -> ET.Element:
    """The map's SVG, parsed as XML."""
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg"', html.index('class="map-row"'))
    return ET.fromstring(html[start : html.index("</svg>", start) + len("</svg>")])


def _table_rows(html: str) -> dict[str, tuple[int, int]]:
    """{Party code: (actions committed to, activities reported)} as the table beside the map shows."""
    import re

    table = html[html.index('id="party-figures"') :]
    table = table[: table.index("</table>")]
    return {
        code: (int(a), int(n))
        for code, a, n in re.findall(
            r'<tr data-party="(\w+)">.*?<td class="num">(\d+)</td><td class="num">(\d+)</td></tr>', table
        )
    }


def test_each_action_shows_its_text_parties_activities_financing_and_accepted_statements(
    world, reader, client_for
):
    html = client_for(reader).get(URL).content.decode()
    i1 = html[html.index('id="m-action-I.1"') : html.index('id="m-action-I.2"')]
    assert "To support awareness-raising campaigns in countries of origin" in i1  # the text, not only "I.1"
    assert "2 Parties committed" in i1 and "Czech Republic (lead), Germany" in i1
    assert "1 Party reported activities" in i1
    assert "Ongoing 1; Completed 1" in i1
    assert "1,500.00 EUR" in i1
    assert "<blockquote><p><strong>Achieved:</strong> Trained 40 border guards</p></blockquote>" in i1
    assert "Czech Republic, progress report 2013" in i1
    assert "Not yet accepted words" not in html  # a submitted report is not quoted until accepted
    i2 = html[html.index('id="m-action-I.2"') : html.index('id="m-action-I.3"')]
    assert "with a particular focus on:" in i2 and "a)</span>" in i2  # the action's items complete it


def test_the_review_questionnaire_and_the_change_since_the_midterm(world, reader, client_for):
    client = client_for(reader)
    final = client.get(URL)
    assert final.context["kind"] == "final"
    criteria = {c["key"]: c["average"] for c in final.context["d"]["questionnaire"]["criteria"]}
    assert list(criteria) == ["relevance", "impact", "effectiveness", "efficiency", "coherence"]
    assert set(criteria.values()) == {4.5}
    rows = {r["key"]: r for r in final.context["changes"]["rows"]}
    assert (rows["activities_total"]["before"], rows["activities_total"]["after"]) == (2, 3)
    assert (rows["score_relevance"]["before"], rows["score_relevance"]["after"]) == (3.0, 4.5)
    assert final.context["changes"]["newly_covered"] == ["II.1"]
    html = final.content.decode()
    assert "Average score: Relevance" in html and "+1.5" in html
    assert "no snapshot published yet" in html

    mid = client.get(URL + "?review=midterm").content.decode()
    assert "Mid-term review, period 2012–2014." in mid
    assert "Relevant, but slow" in mid and "Czech Republic, score 3" in mid
    assert client.get(URL + "?review=nonsense").context["kind"] == "final"


def test_the_change_reads_the_published_midterm_snapshot(world, plan, reader, client_for):
    from evaluation.figures import monitoring_figures
    from evaluation.models import ReportVersion

    frozen = monitoring_figures(plan=plan, start_year=2012, end_year=2014, with_reviews="midterm")
    frozen["headline"]["activities_total"] = 1  # as it stood when the snapshot was compiled
    snapshot = ReportVersion.objects.create(
        plan=plan,
        kind="midterm",
        year=2014,
        start_year=2012,
        number=1,
        language="en",
        title="Mid-term review",
        data=frozen,
        html="",
        pdf=b"",
        xlsx=b"",
        state="published",
    )
    page = client_for(reader).get(URL)
    rows = {r["key"]: r for r in page.context["changes"]["rows"]}
    assert (rows["activities_total"]["before"], rows["activities_total"]["after"]) == (1, 3)
    assert f'href="/evaluation/reports/{snapshot.pk}/"' in page.content.decode()


def test_the_map_names_each_party_on_it_and_its_table_matches_the_figures(world, plan, reader, client_for):
    from evaluation import maps
    from evaluation.figures import period_activities, taking_part

    html = client_for(reader).get(URL).content.decode()
    svg = _map(html)
    assert svg.get("role") == "group" and svg.get("aria-labelledby")
    titled = {
        p.get("data-party"): (p.get("aria-label"), p.find(f"{SVG}title").text)
        for p in svg.iter(f"{SVG}path")
        if p.get("data-party")
    }
    rows = _table_rows(html)
    assert len(rows) == Party.objects.count() == 52  # every Party is in the table, on the map or not
    for party in Party.objects.all():
        if party.kind == Party.Kind.STATE and maps.has_shape(party.code):
            label, title = titled[party.code]
            assert title.startswith(f"{party.short_name}:") and label == title
        else:
            assert party.code not in titled
        committed = taking_part(plan, 2016).filter(party=party).values("action").distinct().count()
        reported = period_activities(2012, 2016, plan=plan).filter(party=party).count()
        assert rows[party.code] == (committed, reported), party.code
    assert "EU" not in titled and "a Party without territory: not on the map" in html
    assert "too small at this scale: marked with a dot" in html  # Liechtenstein and Malta
    assert titled["CZ"][1] == "Czech Republic: 1 actions committed to, 2 activities reported"
    assert len(titled) == 51


def test_the_map_can_be_coloured_by_activity(world, reader, client_for):
    html = client_for(reader).get(URL + "?map=activities").content.decode()
    assert (
        _map(html)
        .find(f"{SVG}title")
        .text.startswith("The Parties by the number of activities they reported")
    )


def build(n: int, seed: int) -> None:
    """n activities with financing, accepted progress statements and questionnaire answers."""
    rng = random.Random(seed)
    parties = list(Party.objects.filter(kind=Party.Kind.STATE))
    actions_ = [action(c) for c in ("I.1", "I.2", "II.1", "III.1", "IV.2", "VI.1")]
    final = Review.objects.get(kind="final")
    for i in range(n):
        party, act = rng.choice(parties), rng.choice(actions_)
        if not party.participations.filter(action=act).exists():
            ParticipationFactory(party=party, action=act)
        a = ActivityFactory(
            party=party,
            actions=[act],
            status=rng.choice(["planned", "ongoing", "completed"]),
            start_date=dt.date(rng.randint(2012, 2016), 3, 1),
        )
        FinancingLineFactory(activity=a, amount=Decimal(1000), currency=rng.choice(["EUR", "USD"]))
        cycle = ReportingCycleFactory(plan=final.plan, year=rng.randint(2012, 2016))
        if not ProgressReport.objects.filter(cycle=cycle, party=party).exists():
            report = ProgressReportFactory(cycle=cycle, party=party, state="accepted")
            report.entries.create(action=act, status="in_progress", achieved=f"Step {i}")
        if not ReviewResponse.objects.filter(review=final, party=party).exists():
            respond(final, party, rng.randint(1, 5), f"Comment {i}")


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_query_budget_ministers_view_is_the_same_at_3_and_30_activities(world, reader, client_for, language):
    client = client_for(reader)
    client.cookies["django_language"] = language
    build(3, seed=1)
    small = _queries(client, URL)
    build(27, seed=2)
    large = _queries(client, URL)
    assert small == large
    assert small <= 60, small


def test_the_page_in_russian(world, plan, reader, client_for):
    from actions.models import Action

    Action.objects.filter(area__plan=plan, area__numeral="I", number=3).update(text_ru=None)
    page = client_for(reader).get(URL, HTTP_ACCEPT_LANGUAGE="ru")
    html = page.content.decode()
    assert '<html lang="ru">' in html
    assert "Where the Parties take part" not in html and "Headline figures" not in html
    titles = {
        p.get("data-party"): p.find(f"{SVG}title").text
        for p in _map(html).iter(f"{SVG}path")
        if p.get("data-party")
    }
    assert titles["CZ"].startswith("Чешская Республика:")
    assert "Чешская Республика (" in html  # the lead, in the Party list of action I.1
    assert "Чешская Республика, доклад о ходе выполнения за 2013 год" in html
    # an action without its Russian text: the English, marked, never silently
    i3 = html[html.index('id="m-action-I.3"') :]
    assert '<span lang="en" class="untranslated">To promote the exchange of best practices' in i3


def test_the_dashboard_and_the_main_navigation_link_to_the_view(world, reader, client_for):
    client = client_for(reader)
    dashboard = client.get("/plans/2012-2016/evaluation/dashboard/").content.decode()
    assert 'href="/plans/2012-2016/evaluation/ministers/"' in dashboard
    assert 'href="/evaluation/ministers/"' in dashboard  # the main navigation, beside the dashboard
    page = client.get(URL).content.decode()
    assert '<a href="/evaluation/ministers/" aria-current="page">' in page


def test_headings_come_in_order(world, reader, client_for):
    import re

    html = client_for(reader).get(URL).content.decode()
    main = html[html.index('<main id="main"') : html.index("</main>")]
    levels = [int(h) for h in re.findall(r"<h([1-6])[ >]", main)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))
