"""reminders_idempotent: 4 weeks and 1 week before the deadline and when overdue, exactly once each,
only to contact points of Parties that have not submitted; a moved SOM re-arms them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from evaluation.models import ProgressReport
from parties.models import Notification
from pragueprocess.reminders import reminders_run
from tests.factories import ParticipationFactory, ReportingCycleFactory, action, som_on

pytestmark = pytest.mark.django_db

UTC = dt.UTC


@pytest.fixture
def setup(plan, party_a, party_b, ncp_a, ncp_b):
    ParticipationFactory(party=party_a, action=action("I.1"))
    ParticipationFactory(party=party_b, action=action("I.1"))
    cycle = ReportingCycleFactory(plan=plan, year=2013)
    som = som_on(dt.date(2013, 6, 15))  # deadline 4 May 2013
    ProgressReport.objects.create(cycle=cycle, party=party_a, state="submitted")
    return {"cycle": cycle, "som": som}


def at(day: dt.date, hour: int = 6) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=UTC)


DEADLINE = dt.date(2013, 5, 4)


def test_each_reminder_goes_out_once_only_to_parties_that_have_not_submitted(setup, ncp_b):
    reminders_run(now=at(DEADLINE - dt.timedelta(days=29)))
    assert mail.outbox == []
    for day in [DEADLINE - dt.timedelta(days=28)] * 2 + [DEADLINE - dt.timedelta(days=20)]:
        reminders_run(now=at(day))  # twice the same minute, then later the same week: once
    assert [m.to for m in mail.outbox] == [[ncp_b.email]]
    assert "Reminder" in mail.outbox[0].subject and "2013-05-04" in mail.outbox[0].body
    reminders_run(now=at(DEADLINE - dt.timedelta(days=7)))
    reminders_run(now=at(DEADLINE - dt.timedelta(days=6)))
    reminders_run(now=at(DEADLINE + dt.timedelta(days=1)))
    reminders_run(now=at(DEADLINE + dt.timedelta(days=3)))
    assert len(mail.outbox) == 3
    assert mail.outbox[2].subject.startswith("Overdue")
    keys = sorted(Notification.objects.values_list("key", flat=True))
    assert keys == sorted(
        f"progress:prague-process-2012-2016:2013:2013-05-04:{kind}:user:{ncp_b.pk}"
        for kind in ("4w", "1w", "overdue")
    )


def test_a_late_start_sends_only_the_latest_due_reminder(setup, ncp_b):
    reminders_run(now=at(DEADLINE - dt.timedelta(days=3)))
    assert len(mail.outbox) == 1
    assert Notification.objects.get().key.endswith(f":1w:user:{ncp_b.pk}")


def test_submitting_cancels_and_stops_the_reminders(setup, party_b, ncp_b):
    from evaluation.reminders import queue_due
    from pragueprocess.reminders import reminder_modules

    assert "evaluation.reminders" in {m.__name__ for m in reminder_modules()}
    queue_due(now=at(DEADLINE - dt.timedelta(days=28)))
    Notification.objects.update(due_at=at(DEADLINE + dt.timedelta(days=100)))  # not yet sent
    from evaluation.services import progress_report_submit

    report = ProgressReport.objects.create(cycle=setup["cycle"], party=party_b, state="draft")
    progress_report_submit(report=report, user=ncp_b, version=1)
    assert Notification.objects.get().status == "cancelled"
    reminders_run(now=at(DEADLINE + dt.timedelta(days=1)))
    assert mail.outbox == []


def test_a_moved_som_moves_the_deadline_and_rearms_the_reminders(setup, ncp_b):
    from evaluation.reminders import queue_due

    queue_due(now=at(DEADLINE - dt.timedelta(days=28)))
    old = Notification.objects.get()
    Notification.objects.update(due_at=at(DEADLINE + dt.timedelta(days=100)))  # still pending
    som = setup["som"]
    som.starts_at += dt.timedelta(weeks=3)
    som.ends_at += dt.timedelta(weeks=3)
    som.save()
    new_deadline = DEADLINE + dt.timedelta(weeks=3)
    queue_due(now=at(new_deadline - dt.timedelta(days=28)))
    old.refresh_from_db()
    assert old.status == "cancelled"
    assert (
        Notification.objects.filter(
            key__startswith=f"progress:prague-process-2012-2016:2013:{new_deadline.isoformat()}:4w:"
        ).count()
        == 1
    )


def test_a_locked_year_sends_nothing(setup):
    from django.utils import timezone

    setup["cycle"].locked_at = timezone.now()
    setup["cycle"].save()
    reminders_run(now=at(DEADLINE + dt.timedelta(days=1)))
    assert mail.outbox == []


def test_reminders_are_written_in_each_recipients_language(setup, party_b, ncp_b):
    from tests.factories import UserFactory

    russian = UserFactory(username="ncp-b-ru", role="contact_point", party=party_b, preferred_language="ru")
    reminders_run(now=at(DEADLINE - dt.timedelta(days=28)))
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert by_recipient[ncp_b.email].subject.startswith("Reminder")
    assert by_recipient[russian.email].subject.startswith("Напоминание")
    assert "Reminder" not in by_recipient[russian.email].subject


def test_a_reminder_is_written_in_the_recipients_language(setup, ncp_b):
    ncp_b.preferred_language = "ru"
    ncp_b.save()
    reminders_run(now=at(DEADLINE - dt.timedelta(days=28)))
    [message] = mail.outbox
    assert message.subject == "Напоминание: доклад вашей Стороны о ходе выполнения за 2013 год"
    assert "2013-05-04" in message.body and "/evaluation/2013/" in message.body
    assert "The progress report" not in message.body
