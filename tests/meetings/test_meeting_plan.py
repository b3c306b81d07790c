"""Meetings belong to a plan period: the plan in force at their start, set when the secretariat
schedules or reschedules; their actions, decisions' actions and agenda actions are that plan's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from actions.models import Action, ActionPlan
from meetings.models import Decision, Meeting
from tests.actions.test_plan_names import SUCCESSOR, load
from tests.factories import MeetingFactory, action
from tests.meetings.test_views import FORM

pytestmark = pytest.mark.django_db


@pytest.fixture
def successor(plan):
    load(SUCCESSOR)
    return ActionPlan.objects.get(slug="prague-process-2023-2027")


def new_action(successor, code: str) -> Action:
    numeral, number = code.split(".")
    return Action.objects.get(area__plan=successor, area__numeral=numeral, number=int(number))


def schedule(client, **fields):
    return client.post("/meetings/new/", {**FORM, **fields})


def test_a_meeting_in_2015_belongs_to_the_first_plan_and_one_in_2024_to_the_successor(
    client_for, secretariat, plan, successor
):
    client = client_for(secretariat)
    old = schedule(
        client,
        title_en="SOM 2015",
        starts_local="2015-05-12T09:30",
        ends_local="2015-05-13T17:00",
        deadline_local="2015-04-30T18:00",
        actions=[str(action("I.2").pk)],
    )
    assert old.status_code == 302
    new = schedule(
        client,
        title_en="SOM 2024",
        starts_local="2024-05-12T09:30",
        ends_local="2024-05-13T17:00",
        deadline_local="2024-04-30T18:00",
        actions=[str(new_action(successor, "1.1").pk)],
    )
    assert new.status_code == 302
    som_2015, som_2024 = Meeting.objects.get(title="SOM 2015"), Meeting.objects.get(title="SOM 2024")
    assert som_2015.plan == plan and som_2024.plan == successor
    outside = schedule(client, title_en="SOM 2031")  # FORM's 2031: outside both plans' years
    assert outside.status_code == 302 and Meeting.objects.get(title="SOM 2031").plan is None
    page = client.get(f"/meetings/{som_2015.pk}/").content.decode()
    assert "Action Plan 2012-2016" in page and "(2012–2016)" in page
    # the list is filtered by plan, and the SOM cadence follows the chosen plan's years
    listing = client.get("/meetings/?plan=2012-2016").content.decode()
    assert "SOM 2015" in listing and "SOM 2024" not in listing
    assert "2014" in listing.split('id="cadence-h"')[1].split("</table>")[0]
    listing = client.get("/meetings/?plan=2023-2027").content.decode()
    assert "SOM 2024" in listing and "SOM 2015" not in listing
    assert client.get("/meetings/?plan=nonsense").status_code == 200


def test_an_action_of_another_plan_is_refused_beside_the_actions(client_for, secretariat, plan, successor):
    client = client_for(secretariat)
    response = schedule(
        client,
        title_en="Mixed",
        starts_local="2024-05-12T09:30",
        ends_local="2024-05-13T17:00",
        deadline_local="2024-04-30T18:00",
        actions=[str(action("I.2").pk), str(new_action(successor, "1.1").pk)],
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "belongs to the plan 2023–2027: choose among its actions only" in body
    assert "2012–2016 · I.2" in body
    response = schedule(client, title_en="Later", actions=[str(action("I.2").pk)])  # 2031: no plan
    assert "No plan is in force on 2031-05-12" in response.content.decode()
    assert not Meeting.objects.exists()


def test_decisions_and_agenda_offer_only_the_meetings_plans_actions(client_for, secretariat, plan, successor):
    meeting = MeetingFactory(
        starts_at=datetime(2024, 6, 1, 8, tzinfo=UTC), ends_at=datetime(2024, 6, 1, 16, tzinfo=UTC)
    )
    assert meeting.plan == successor
    client = client_for(secretariat)
    page = client.get(f"/meetings/{meeting.pk}/decisions/new/").content.decode()
    assert f'value="{new_action(successor, "1.1").pk}"' in page
    decision = {"kind": "decision", "text_en": "Do it", "owner_secretariat": "on", "status": "open"}
    response = client.post(
        f"/meetings/{meeting.pk}/decisions/new/", {**decision, "actions": [str(action("I.2").pk)]}
    )
    assert response.status_code == 200
    assert "only the actions of the plan 2023–2027 can be chosen" in response.content.decode()
    response = client.post(
        f"/meetings/{meeting.pk}/decisions/new/",
        {**decision, "actions": [str(new_action(successor, "1.1").pk)]},
    )
    assert response.status_code == 302
    assert [a.code for a in Decision.objects.get(meeting=meeting).actions.all()] == ["1.1"]
    agenda = {
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "60",
        "items-0-order": "1",
        "items-0-title_en": "Opening",
        "items-0-actions": [str(action("I.2").pk)],
    }
    response = client.post(f"/meetings/{meeting.pk}/agenda/edit/", agenda)
    assert response.status_code == 200
    assert "only the actions of the plan 2023–2027 can be chosen" in response.content.decode()


def test_rescheduling_moves_the_plan_and_refuses_when_actions_would_be_left_behind(
    client_for, secretariat, plan, successor
):
    meeting = MeetingFactory(
        timezone="Europe/Prague",
        starts_at=datetime(2024, 6, 1, 8, tzinfo=UTC),
        ends_at=datetime(2024, 6, 1, 16, tzinfo=UTC),
    )
    client = client_for(secretariat)
    url = f"/meetings/{meeting.pk}/reschedule/"
    moved = {"starts_local": "2015-06-01T10:00", "ends_local": "2015-06-01T18:00", "version": meeting.version}
    assert client.post(url, moved).status_code == 302
    meeting.refresh_from_db()
    assert meeting.plan == plan
    meeting.actions.add(action("I.2"))
    back = {"starts_local": "2024-06-01T10:00", "ends_local": "2024-06-01T18:00", "version": meeting.version}
    response = client.post(url, back)
    assert response.status_code == 200
    assert "would belong to another plan (2023–2027)" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.plan == plan


def test_the_data_migration_gives_existing_meetings_their_plan(plan, successor):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    fill = import_module("meetings.migrations.0005_meeting_plan").fill_plans
    in_2013 = MeetingFactory(
        starts_at=datetime(2013, 6, 1, 8, tzinfo=UTC), ends_at=datetime(2013, 6, 1, 16, tzinfo=UTC)
    )
    # late on 31 December 2022 in UTC is already 2023 in Tbilisi: the meeting's own zone counts
    new_year = MeetingFactory(
        timezone="Asia/Tbilisi",
        starts_at=datetime(2022, 12, 31, 22, tzinfo=UTC),
        ends_at=datetime(2023, 1, 1, 8, tzinfo=UTC),
    )
    outside = MeetingFactory(
        starts_at=datetime(2019, 6, 1, 8, tzinfo=UTC), ends_at=datetime(2019, 6, 1, 16, tzinfo=UTC)
    )
    Meeting.objects.update(plan=None)
    fill(apps, connection.schema_editor())
    got = dict(Meeting.objects.values_list("pk", "plan_id"))
    assert got == {in_2013.pk: plan.pk, new_year.pk: successor.pk, outside.pk: None}
