""" "What is due" in a real browser: a contact point whose progress report is due lands on its Party's
page after signing in, sees the report in the box, and reaches the form in one click."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from tests.e2e.conftest import sign_in


def test_a_contact_point_sees_its_due_report_after_sign_in_and_reaches_the_form_in_one_click(page, e2e_plan):
    from evaluation.mandate import plan_prolong
    from evaluation.models import ReportingCycle
    from parties.models import Party
    from tests.factories import ParticipationFactory, action

    today = timezone.localdate()
    plan_prolong(
        plan=e2e_plan,
        end_year=today.year,
        decided_on=dt.date(2016, 9, 20),
        reference="Bratislava Joint Declaration",
    )
    cycle = ReportingCycle.objects.get(plan=e2e_plan, year=today.year)
    ReportingCycle.objects.filter(pk=cycle.pk).update(opens_on=today - dt.timedelta(days=30))
    ParticipationFactory(party=Party.objects.get(code="CZ"), action=action("I.1"))

    sign_in(page, "ncp-cz")
    page.wait_for_url("**/parties/cz/")  # the page a contact point lands on
    due = page.get_by_role("region", name=re.compile("What is due"))
    link = due.get_by_role("link", name=f"Your progress report for {today.year}")
    link.click()  # one click
    page.wait_for_url(f"**/plans/2012-2016/evaluation/{today.year}/cz/edit/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Progress report")
    assert page.get_by_label("Action I.1: status").is_visible()
