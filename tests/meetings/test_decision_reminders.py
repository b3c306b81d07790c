"""Decision reminders through the outbox: before the due date and once overdue, to the owners, in
each one's language, exactly once per (decision, due date, kind, recipient); none for a closed
decision; re-armed when the due date moves."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from datetime import UTC, datetime

import pytest
from django.core import mail

from meetings import services
from meetings.decision_reminders import queue_due
from parties.models import Notification
from pragueprocess.reminders import reminders_run
from tests.factories import DecisionFactory, UserFactory

pytestmark = pytest.mark.django_db

DUE = dt.date(2031, 5, 1)


def noon(day: dt.date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


def sent(word: str = "") -> Counter:
    return Counter(m.to[0] for m in mail.outbox if word in m.subject)


@pytest.fixture
def decision(invited_meeting, party_a):
    return DecisionFactory(
        meeting=invited_meeting,
        text_en="Map the readmission agreements",
        text_ru="Составить перечень соглашений о реадмиссии",
        owner_parties=[party_a],
        due_on=DUE,
    )


def test_the_owners_are_reminded_days_before_once_however_often_the_pass_runs(
    settings, decision, ncp_a, ncp_b, secretariat
):
    settings.DECISION_REMINDER_DAYS_BEFORE = 14
    reminders_run(now=noon(DUE - dt.timedelta(days=15)))
    assert sent() == Counter()
    for day in (14, 14, 10, 1, 0):
        reminders_run(now=noon(DUE - dt.timedelta(days=day)))
    assert sent("due on") == Counter({ncp_a.email: 1})
    (message,) = mail.outbox
    assert "Map the readmission agreements" in message.body
    assert f"/meetings/{decision.meeting_id}/decisions/{decision.pk}/" in message.body
    assert Notification.objects.get().key == f"decision:{decision.pk}:2031-05-01:before:user:{ncp_a.pk}"


def test_overdue_once_to_every_owner_secretariat_and_core_group(
    decision, ncp_a, secretariat, coregroup, reader
):
    decision.owner_secretariat = decision.owner_core_group = True
    decision.save()
    for day in (1, 1, 2, 20):
        reminders_run(now=noon(DUE + dt.timedelta(days=day)))
    assert sent("Overdue") == Counter({ncp_a.email: 1, secretariat.email: 1, coregroup.email: 1})
    assert reader.email not in sent()
    assert all(
        n.key.startswith(f"decision:{decision.pk}:2031-05-01:overdue:") for n in Notification.objects.all()
    )


def test_each_in_the_recipients_language(decision, ncp_a, party_a):
    ncp_a.preferred_language = "ru"
    ncp_a.save()
    english = UserFactory(role="contact_point", party=party_a, preferred_language="en")
    reminders_run(now=noon(DUE - dt.timedelta(days=3)))
    (ru,) = [m for m in mail.outbox if m.to == [ncp_a.email]]
    (en,) = [m for m in mail.outbox if m.to == [english.email]]
    assert "Напоминание" in ru.subject and "Составить перечень соглашений о реадмиссии" in ru.body
    assert "Reminder" in en.subject and "Map the readmission agreements" in en.body


def test_a_russian_reader_of_an_untranslated_decision_is_told_so(invited_meeting, ncp_a, party_a):
    ncp_a.preferred_language = "ru"
    ncp_a.save()
    DecisionFactory(meeting=invited_meeting, text="Only in English", owner_parties=[party_a], due_on=DUE)
    reminders_run(now=noon(DUE - dt.timedelta(days=3)))
    (message,) = mail.outbox
    assert "Only in English (ещё не переведено)" in message.body


def test_no_reminder_for_a_done_or_dropped_decision(decision, ncp_a, invited_meeting, party_a):
    DecisionFactory(meeting=invited_meeting, owner_parties=[party_a], due_on=DUE, status="dropped")
    services.decision_update(decision_pk=decision.pk, user=ncp_a, version=1, status="done", note="Done.")
    reminders_run(now=noon(DUE - dt.timedelta(days=3)))
    reminders_run(now=noon(DUE + dt.timedelta(days=3)))
    assert mail.outbox == [] and not Notification.objects.exists()


def test_closing_before_the_sender_runs_cancels_what_was_queued(decision, ncp_a):
    assert queue_due(now=noon(DUE - dt.timedelta(days=3))) == 1
    services.decision_update(decision_pk=decision.pk, user=ncp_a, version=1, status="done", note="Done.")
    reminders_run(now=noon(DUE - dt.timedelta(days=2)))
    assert mail.outbox == [] and Notification.objects.get().status == "cancelled"


def test_a_moved_due_date_rearms_and_the_old_pending_one_never_goes(
    client_for, decision, ncp_a, secretariat, party_a
):
    queue_due(now=noon(DUE - dt.timedelta(days=3)))  # queued for the old date, not yet sent
    edit = f"/meetings/{decision.meeting_id}/decisions/{decision.pk}/edit/"
    new_due = DUE + dt.timedelta(days=30)
    data = {
        "kind": "decision",
        "text_en": decision.text_en,
        "owner_parties": [str(party_a.pk)],
        "due_on": new_due.isoformat(),
        "status": "open",
        "version": decision.version,
    }
    assert client_for(secretariat).post(edit, data).status_code == 302
    old = Notification.objects.get(key__contains=":2031-05-01:")
    assert old.status == "cancelled"
    reminders_run(now=noon(DUE - dt.timedelta(days=2)))
    assert mail.outbox == []
    reminders_run(now=noon(new_due - dt.timedelta(days=5)))
    reminders_run(now=noon(new_due + dt.timedelta(days=1)))
    assert sent("Reminder") == Counter({ncp_a.email: 1}) and sent("Overdue") == Counter({ncp_a.email: 1})
    assert "31 May 2031" in mail.outbox[0].subject


def test_long_forgotten_decisions_do_not_start_mailing(invited_meeting, party_a, ncp_a):
    DecisionFactory(meeting=invited_meeting, owner_parties=[party_a], due_on=dt.date(2014, 1, 1))
    reminders_run(now=noon(DUE))
    assert mail.outbox == []


def test_the_pass_asks_a_fixed_number_of_queries_per_decision(
    settings, django_assert_max_num_queries, invited_meeting, party_a, party_b, ncp_a, ncp_b
):
    for _ in range(3):
        DecisionFactory(meeting=invited_meeting, owner_parties=[party_a, party_b], due_on=DUE)
    queue_due(now=noon(DUE - dt.timedelta(days=1)))
    # Everything queued: a pass over the same decisions reads, writes nothing, in a few queries each.
    with django_assert_max_num_queries(1 + 3 * 6):
        assert queue_due(now=noon(DUE - dt.timedelta(days=1))) == 0
    assert Notification.objects.count() == 6


def test_decision_mail_is_in_the_secretariats_e_mail_log(client_for, decision, ncp_a, secretariat):
    reminders_run(now=noon(DUE - dt.timedelta(days=3)))
    page = client_for(secretariat).get("/meetings/reminders/").content.decode()
    assert "Reminder: a decision is due on 1 May 2031" in page and ncp_a.email in page


def test_a_refused_reminder_is_retried_and_sent_once_the_others_unaffected(
    settings, decision, ncp_a, party_a
):
    from django.utils import timezone

    from parties.notifications import BACKOFF_SECONDS
    from tests import mailbackends

    decision.due_on = timezone.localdate() + dt.timedelta(days=3)
    decision.save()
    other = UserFactory(role="contact_point", party=party_a)
    settings.EMAIL_BACKEND = "tests.mailbackends.FlakyBackend"
    mailbackends.REFUSED.clear()
    mailbackends.REFUSED.add(ncp_a.email)
    mine = Notification.objects.filter(kind="decision.before")
    try:
        now = timezone.now()  # the back-off counts from the real clock
        reminders_run(now=now)
        reminders_run(now=now + dt.timedelta(seconds=1))  # a second beat before the back-off ends
        assert sent("a decision") == Counter({other.email: 1})
        refused = mine.get(to_email=ncp_a.email)
        assert (refused.status, refused.attempts) == ("pending", 1)
        mailbackends.REFUSED.clear()
        later = now + dt.timedelta(seconds=BACKOFF_SECONDS[0] + 5)
        reminders_run(now=later)
        reminders_run(now=later)
    finally:
        mailbackends.REFUSED.clear()
    assert sent("a decision") == Counter({other.email: 1, ncp_a.email: 1})
    assert set(mine.values_list("status", flat=True)) == {"sent"} and mine.count() == 2
