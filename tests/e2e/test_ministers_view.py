"""The ministers' view in a real browser: a reader follows the link from the dashboard, the map's
regions name the Parties, the table beside it lists them all, and nothing scrolls sideways on a
tablet."""

from __future__ import annotations

import datetime as dt

from tests.e2e.conftest import sign_in


def _world(plan):
    from evaluation.models import Review
    from parties.models import Party
    from tests.factories import ActivityFactory, ParticipationFactory, action

    cz, de = Party.objects.get(code="CZ"), Party.objects.get(code="DE")
    ParticipationFactory(party=cz, action=action("I.1"), role="lead")
    ParticipationFactory(party=de, action=action("I.1"))
    ActivityFactory(
        party=cz, actions=[action("I.1")], title="Campaign in Brno", start_date=dt.date(2013, 3, 4)
    )
    for kind, end in (("midterm", 2014), ("final", 2016)):
        Review.objects.get_or_create(
            plan=plan,
            kind=kind,
            defaults={
                "start_year": 2012,
                "end_year": end,
                "opens_on": dt.date(end, 6, 1),
                "deadline": dt.date(end, 9, 30),
            },
        )


def test_reader_opens_the_ministers_view_and_reads_the_map_and_its_table(page, e2e_plan):
    _world(e2e_plan)
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, "reader")
    page.goto("/plans/2012-2016/evaluation/dashboard/")
    page.get_by_role("link", name="Ministers' view of the mid-term and final review").click()
    page.wait_for_url("**/evaluation/ministers/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Ministers' view: the mid-term and the final review"
    )

    regions = page.locator("svg.party-map path[data-party]")
    assert regions.count() == 51  # every state; the European Commission has no territory
    names = regions.evaluate_all(
        "els => els.map(e => [e.dataset.party, e.querySelector('title').textContent])"
    )
    by_code = dict(names)
    assert by_code["CZ"] == "Czech Republic: 1 actions committed to, 1 activities reported"
    assert all(title.split(":")[0] for _code, title in names)
    assert page.get_by_role("img", name="Germany: 1 actions committed to, 0 activities reported").count() == 1

    table = page.locator("#party-figures")
    assert table.locator("tbody tr").count() == 52
    assert "European Commission (a Party without territory: not on the map)" in table.inner_text()
    assert "Campaign in Brno" not in page.inner_text("main")  # activities are counted, not listed
    # readable on a tablet: nothing wider than the window
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_role("link", name="activities reported").click()
    assert (
        page.locator("svg.party-map > title")
        .text_content()
        .startswith("The Parties by the number of activities they reported")
    )
