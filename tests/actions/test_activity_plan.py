"""An activity belongs to the plan in force at its dates: with a successor plan loaded beside the
first, an activity of 2013 is edited under 2012–2016 and one of 2024 logged under 2023–2027; each
form offers its plan's actions, items and financing sources and refuses the other plan's."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from actions.models import Action, ActionPlan, Activity, FinancingSource
from actions.selectors import plan_in_force
from tests.actions.activity_support import (
    activity_post,
    edit_post,
    media_root,  # noqa: F401
)
from tests.actions.test_plan_names import SUCCESSOR, load
from tests.factories import ActivityFactory, FinancingLineFactory, action

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def successor(plan):
    load(SUCCESSOR)
    return ActionPlan.objects.get(slug="prague-process-2023-2027")


def new_action(successor, code: str) -> Action:
    numeral, number = code.split(".")
    return Action.objects.get(area__plan=successor, area__numeral=numeral, number=int(number))


def ticked(body: str, action_pk: int) -> bool:
    tag = re.search(rf'<input[^>]*name="actions"[^>]*value="{action_pk}"[^>]*>', body)
    return bool(tag) and "checked" in tag.group(0)


def offered(body: str, action_pk: int) -> bool:
    return re.search(rf'name="actions"[^>]*value="{action_pk}"', body) is not None


def test_plan_in_force_reads_the_years_prolongation_included_and_prefers_the_newest(plan, successor):
    assert plan_in_force(dt.date(2015, 6, 1)) == plan
    assert plan_in_force(dt.date(2024, 6, 1)) == successor
    assert plan_in_force(dt.date(2019, 6, 1)) is None
    assert plan_in_force(None) is None
    plan.end_year = 2023  # prolonged: 2023 is in both plans' years, and the newest wins
    plan.save()
    assert plan_in_force(dt.date(2020, 1, 1)) == plan
    assert plan_in_force(dt.date(2023, 1, 1)) == successor


def test_editing_a_2013_activity_shows_its_own_plans_actions_ticked_and_saves(client_for, ncp_a, successor):
    source = FinancingSource.objects.filter(plan__start_year=2012).order_by("order").first()
    activity = ActivityFactory(party=ncp_a.party, actions=[action("I.2")], start_date=dt.date(2013, 5, 1))
    FinancingLineFactory(activity=activity, source=source)
    assert activity.plan.start_year == 2012
    client = client_for(ncp_a)
    page = client.get(f"/activities/{activity.pk}/edit/").content.decode()
    assert ticked(page, action("I.2").pk)
    assert not offered(page, new_action(successor, "1.1").pk)  # the successor's actions are not offered
    assert "2012–2016" in page  # the plan is named on the form
    # the financing source offered is the activity's plan's
    other_source = FinancingSource.objects.filter(plan=successor).order_by("order").first()
    select = re.search(r'<select name="financing-0-source".*?</select>', page, re.S).group(0)
    assert f'value="{source.pk}" selected' in select and f'value="{other_source.pk}"' not in select
    response = client.post(f"/activities/{activity.pk}/edit/", edit_post(activity, title="Renamed"))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Renamed" and activity.plan.start_year == 2012
    assert [a.code for a in activity.actions.all()] == ["I.2"]


def test_a_new_activity_of_2024_goes_under_the_successor_and_offers_its_actions(client_for, ncp_a, successor):
    client = client_for(ncp_a)
    page = client.get("/activities/new/").content.decode()
    assert offered(page, new_action(successor, "1.2").pk) and not offered(page, action("I.2").pk)
    assert "/activities/new/?plan=2012-2016" in page  # the way to log under the other plan
    source = FinancingSource.objects.filter(plan=successor).order_by("order").first()
    data = activity_post(
        title="Returns workshop",
        actions=[str(new_action(successor, "1.2").pk)],
        start_date="2024-03-01",
        end_date="2024-03-03",
        lines=[{"source": source.pk, "amount": "1000"}],
    )
    response = client.post("/activities/new/", data)
    assert response.status_code == 302
    activity = Activity.objects.get(title="Returns workshop")
    assert activity.plan == successor
    assert [a.code for a in activity.actions.all()] == ["1.2"]
    detail = client.get(f"/activities/{activity.pk}/").content.decode()
    assert "Action Plan 2023-2027" in detail  # the page names the plan when there are two
    listing = client.get("/activities/").content.decode()
    assert '<a href="/plans/2023-2027/">2023–2027</a>' in listing


def test_a_new_activity_under_the_first_plan_by_its_address(client_for, ncp_a, successor):
    client = client_for(ncp_a)
    page = client.get("/activities/new/?plan=2012-2016").content.decode()
    assert offered(page, action("I.2").pk) and not offered(page, new_action(successor, "1.2").pk)
    response = client.post(
        "/activities/new/?plan=2012-2016",
        activity_post(title="Old one", start_date="2014-02-01", end_date="2014-03-01"),
    )
    assert response.status_code == 302
    assert Activity.objects.get(title="Old one").plan.start_year == 2012
    assert client.get("/activities/new/?plan=1999-2000").status_code == 404


def test_an_action_item_or_source_of_the_other_plan_is_refused_beside_its_field(client_for, ncp_a, successor):
    client = client_for(ncp_a)
    old_item = action("I.2").items.order_by("letter").first()
    old_source = FinancingSource.objects.filter(plan__start_year=2012).order_by("order").first()
    data = activity_post(
        title="Mixed",
        actions=[str(new_action(successor, "1.1").pk), str(action("I.2").pk)],
        items=[str(old_item.pk)],
        start_date="2024-01-10",
        end_date="2024-01-11",
        lines=[{"source": old_source.pk, "amount": "10"}],
    )
    response = client.post("/activities/new/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "only the actions of the plan 2023–2027 can be chosen" in body
    assert "only the items of the plan 2023–2027 can be chosen" in body
    assert "only the financing sources of the plan 2023–2027 can be chosen" in body
    assert not Activity.objects.filter(title="Mixed").exists()


def test_a_date_outside_the_plans_years_is_refused_beside_the_date(client_for, ncp_a, successor):
    client = client_for(ncp_a)
    data = activity_post(
        title="Too early",
        actions=[str(new_action(successor, "1.1").pk)],
        start_date="2015-01-10",
        end_date="2015-01-11",
    )
    response = client.post("/activities/new/", data)
    assert response.status_code == 200
    body = response.content.decode()
    message = "The plan 2023–2027 runs from 2023 to 2027: this date is outside its years."
    assert message in body
    # beside the start date (as well as in the error summary at the top): the message follows the
    # start date's input, before the end date's
    start = body.index('name="start_date"')
    assert start < body.index(message, start) < body.index('name="end_date"')
    assert not Activity.objects.filter(title="Too early").exists()
    # an existing activity keeps its plan: moving it to 2024 is refused the same way
    activity = ActivityFactory(party=ncp_a.party, actions=[action("I.2")], start_date=dt.date(2013, 5, 1))
    response = client.post(f"/activities/{activity.pk}/edit/", edit_post(activity, start_date="2024-05-01"))
    assert response.status_code == 200
    assert "The plan 2012–2016 runs from 2012 to 2016" in response.content.decode()


def test_the_import_puts_each_row_under_the_plan_in_force_at_its_start(client_for, ncp_a, successor):
    from tests.actions.test_activity_import import _confirm, _csv_file, _upload

    rows = [
        {"title": "Old plan row", "party": "CZ", "actions": "I.1", "start_date": "2013-02-01"},
        {
            "title": "New plan row",
            "party": "CZ",
            "actions": "1.2",
            "start_date": "2024-02-01",
            "financing": "European Union funds | 100 | EUR",
        },
        {"title": "Undated row", "party": "CZ", "actions": "1.3"},
    ]
    client = client_for(ncp_a)
    preview = _upload(client, _csv_file(rows))
    assert "3 rows are ready to import." in preview.content.decode()
    assert _confirm(client, preview).status_code == 302
    old, new, undated = (
        Activity.objects.get(title=t) for t in ("Old plan row", "New plan row", "Undated row")
    )
    assert old.plan.start_year == 2012 and [a.code for a in old.actions.all()] == ["I.1"]
    assert new.plan == successor and [a.code for a in new.actions.all()] == ["1.2"]
    assert new.financing_lines.get().source.plan == successor
    assert undated.plan == successor  # no date: the current plan


def test_an_import_row_naming_the_other_plans_action_is_refused(client_for, ncp_a, successor):
    from tests.actions.test_activity_import import _csv_file, _upload

    rows = [{"title": "Wrong plan", "party": "CZ", "actions": "1.1", "start_date": "2014-02-01"}]
    body = _upload(client_for(ncp_a), _csv_file(rows)).content.decode()
    assert "unknown code “1.1”" in body
    assert not Activity.objects.exists()


def test_the_migration_rule_fills_rows_from_actions_then_dates(plan, successor):
    """What migration 0009 does to rows written before the plan column: their actions' plan, else
    the plan whose years hold the start, else the current plan."""
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    fill = import_module("actions.migrations.0009_activity_plan").fill_plans
    by_actions = ActivityFactory(actions=[new_action(successor, "1.1")], start_date=dt.date(2013, 1, 1))
    by_date = ActivityFactory(start_date=dt.date(2014, 1, 1))
    by_date.actions.clear()
    undated = ActivityFactory(start_date=None)
    undated.actions.clear()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the rows just written, checked before ALTER
        cursor.execute("ALTER TABLE actions_activity ALTER COLUMN plan_id DROP NOT NULL")
        cursor.execute("UPDATE actions_activity SET plan_id = NULL")
        fill(apps, connection.schema_editor())
        cursor.execute("ALTER TABLE actions_activity ALTER COLUMN plan_id SET NOT NULL")
    got = dict(Activity.objects.values_list("pk", "plan_id"))
    assert got == {by_actions.pk: successor.pk, by_date.pk: plan.pk, undated.pk: successor.pk}


def test_with_a_single_plan_the_form_offers_no_other(client_for, ncp_a):
    page = client_for(ncp_a).get("/activities/new/").content.decode()
    assert "Log it under" not in page and "?plan=" not in page
    listing = client_for(ncp_a).get("/activities/").content.decode()
    assert ">Plan</th>" not in listing
