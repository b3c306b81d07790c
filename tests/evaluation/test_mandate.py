"""A prolonged mandate: the Bratislava decision (20 September 2016) gives the 2012-2016 plan five more
years; cycles, progress reports and reminders go on for them; the decision is kept and shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from actions.models import ActionPlan, PriorityArea
from actions.plan_data import DEFAULT_PLAN_FILE, plan_load, read_plan_file
from evaluation.mandate import plan_prolong
from evaluation.models import MandateProlongation, ProgressReport, ReportingCycle
from evaluation.services import evaluation_setup
from parties.models import Notification
from pragueprocess.reminders import reminders_run
from tests.factories import MeetingFactory, ParticipationFactory, action, som_on

pytestmark = pytest.mark.django_db

BRATISLAVA = dict(end_year="2021", decided_on="2016-09-20", reference="Bratislava Joint Declaration")


def test_the_secretariat_prolongs_the_mandate_and_cycles_open_for_the_new_years(
    client_for, secretariat, plan
):
    evaluation_setup(plan=plan)
    conference = MeetingFactory(
        kind="ministerial",
        title="3rd Ministerial Conference of the Prague Process",
        starts_at=dt.datetime(2016, 9, 20, 9, tzinfo=dt.UTC),
        city="Bratislava",
    )
    client = client_for(secretariat)
    page = client.get("/plans/2012-2016/evaluation/mandate/")
    assert "The mandate has not been prolonged." in page.content.decode()
    response = client.post("/plans/2012-2016/evaluation/mandate/", {**BRATISLAVA, "meeting": conference.pk})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.start_year, plan.end_year, plan.adopted_end_year, plan.is_prolonged) == (
        2012,
        2021,
        2016,
        True,
    )
    assert list(ReportingCycle.objects.filter(plan=plan).values_list("year", flat=True)) == list(
        range(2012, 2022)
    )
    record = MandateProlongation.objects.get()
    assert (record.previous_end_year, record.end_year, record.meeting, record.recorded_by) == (
        2016,
        2021,
        conference,
        secretariat,
    )
    shown = client.get("/plans/2012-2016/evaluation/mandate/").content.decode()
    assert "Bratislava Joint Declaration" in shown and "3rd Ministerial Conference" in shown
    assert "As adopted, it ran to 2016." in shown
    # The same areas and actions: nothing of the plan's structure moves.
    assert PriorityArea.objects.filter(plan=plan).count() == 6


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"end_year": "2016"}, "end_year", "already runs to 2016"),
        ({"end_year": "2040"}, "end_year", "at most 10 years"),
        ({"end_year": "twenty"}, "end_year", "Enter a whole number"),
        ({"decided_on": "2010-01-01"}, "decided_on", "cannot precede the plan"),
        ({"reference": ""}, "reference", "This field is required"),
    ],
)
def test_bad_input_is_answered_beside_the_field_and_nothing_changes(
    client_for, secretariat, plan, change, field, message
):
    response = client_for(secretariat).post("/plans/2012-2016/evaluation/mandate/", {**BRATISLAVA, **change})
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body or f"id_{field}" in body
    assert message in body
    plan.refresh_from_db()
    assert plan.end_year == 2016 and not MandateProlongation.objects.exists()


def test_prolonging_twice_to_the_same_year_is_refused(secretariat, plan):
    plan_prolong(plan=plan, end_year=2021, decided_on=dt.date(2016, 9, 20), reference="x", user=secretariat)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        plan_prolong(
            plan=plan, end_year=2021, decided_on=dt.date(2016, 9, 20), reference="x", user=secretariat
        )
    assert MandateProlongation.objects.count() == 1


def test_reloading_the_plan_file_keeps_the_prolonged_mandate(secretariat, plan):
    plan_prolong(plan=plan, end_year=2021, decided_on=dt.date(2016, 9, 20), reference="x", user=secretariat)
    plan_load(data=read_plan_file(DEFAULT_PLAN_FILE))
    assert ActionPlan.objects.values_list("end_year", "adopted_end_year").get() == (2021, 2016)


def test_progress_reports_and_their_reminders_go_on_after_the_original_end(
    secretariat, plan, party_a, party_b, ncp_a, ncp_b
):
    plan_prolong(plan=plan, end_year=2021, decided_on=dt.date(2016, 9, 20), reference="x", user=secretariat)
    ParticipationFactory(party=party_a, action=action("I.1"))
    ParticipationFactory(party=party_b, action=action("I.1"))
    cycle = ReportingCycle.objects.get(plan=plan, year=2018)
    som_on(dt.date(2018, 6, 15))  # the deadline is six weeks before: 4 May 2018
    ProgressReport.objects.create(cycle=cycle, party=party_a, state="submitted")
    deadline = dt.date(2018, 5, 4)
    reminders_run(now=dt.datetime.combine(deadline - dt.timedelta(days=28), dt.time(6), tzinfo=dt.UTC))
    assert [m.to for m in mail.outbox] == [[ncp_b.email]]
    assert "2018-05-04" in mail.outbox[0].body
    assert Notification.objects.get().key.startswith("progress:prague-process-2012-2016:2018:2018-05-04:4w")


def test_a_successor_plan_beside_it_does_not_stop_the_prolonged_plans_reminders(
    secretariat, plan, party_a, party_b, ncp_a, ncp_b
):
    from tests.actions.test_plan_names import SUCCESSOR, load

    plan_prolong(plan=plan, end_year=2021, decided_on=dt.date(2016, 9, 20), reference="x", user=secretariat)
    load(SUCCESSOR)
    successor = ActionPlan.objects.get(slug="prague-process-2023-2027")
    evaluation_setup(plan=successor)
    ParticipationFactory(party=party_b, action=action("I.1"))
    som_on(dt.date(2018, 6, 15))
    reminders_run(now=dt.datetime(2018, 4, 6, 6, tzinfo=dt.UTC))
    assert [m.to for m in mail.outbox] == [[ncp_b.email]]
    assert Notification.objects.get().key.startswith("progress:prague-process-2012-2016:2018:")
    # Party A takes part in no action of the successor: its years ask nothing of it.
    som_on(dt.date(2024, 6, 15))
    reminders_run(now=dt.datetime(2024, 4, 6, 6, tzinfo=dt.UTC))
    assert len(mail.outbox) == 1


def test_the_meetings_of_the_new_years_join_the_prolonged_plan(secretariat, plan):
    from meetings.models import Meeting

    held = MeetingFactory(starts_at=dt.datetime(2017, 12, 12, 9, 30, tzinfo=dt.UTC), title="SOM Warsaw 2017")
    later = MeetingFactory(starts_at=dt.datetime(2023, 4, 27, 9, 30, tzinfo=dt.UTC), title="SOM Lisbon 2023")
    assert Meeting.objects.get(pk=held.pk).plan_id is None  # outside every plan's years when scheduled
    plan_prolong(plan=plan, end_year=2021, decided_on=dt.date(2016, 9, 20), reference="x", user=secretariat)
    assert Meeting.objects.get(pk=held.pk).plan_id == plan.pk
    assert Meeting.objects.get(pk=later.pk).plan_id is None  # after the prolonged mandate too
