"""A thread's notifications: each message is mailed to the other side, once per recipient, in the
recipient's language, never to its author (parties/threads.py)."""

from __future__ import annotations

import pytest
from django.core import mail

from parties.models import Message, Notification
from parties.notifications import notifications_send_due
from parties.threads import message_post, thread_messages
from tests.factories import ActivityFactory, ProgressReportFactory, UserFactory

pytestmark = pytest.mark.django_db


def post(user, record, party, text="Could you add the figures?"):
    return message_post(user=user, record=record, party=party, text=text, url="/x/", about="the record")


@pytest.fixture
def people(party_a, party_b, ncp_a, ncp_b, secretariat):
    return {
        "deputy_a": UserFactory(username="ncp-a2", role="contact_point", party=party_a),
        "gone_a": UserFactory(username="ncp-a3", role="contact_point", party=party_a, is_active=False),
        "secretariat_2": UserFactory(username="sec-2", role="secretariat", preferred_language="ru"),
        "reader": UserFactory(username="rdr-2", role="reader"),
    }


def test_party_writes_the_secretariat_gets_mail_and_the_author_does_not(
    people, ncp_a, ncp_b, secretariat, party_a
):
    activity = ActivityFactory(party=party_a)
    message = post(ncp_a, activity, party_a)
    assert notifications_send_due().sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([secretariat.email, people["secretariat_2"].email])
    assert ncp_a.email not in {m.to[0] for m in mail.outbox}
    assert set(Notification.objects.values_list("key", flat=True)) == {
        f"thread:{message.pk}:{secretariat.pk}",
        f"thread:{message.pk}:{people['secretariat_2'].pk}",
    }
    body = next(m.body for m in mail.outbox if m.to == [secretariat.email])
    assert "Could you add the figures?" in body and "/x/" in body


def test_secretariat_writes_the_partys_active_contact_points_get_mail(
    people, ncp_a, ncp_b, secretariat, party_a
):
    activity = ActivityFactory(party=party_a)
    post(secretariat, activity, party_a, "Please name the partner.")
    notifications_send_due()
    # Party A's two active contact points; not Party B's, not a former one, not the other secretary
    assert sorted(m.to[0] for m in mail.outbox) == sorted([ncp_a.email, people["deputy_a"].email])


def test_each_message_goes_out_once_under_two_senders_and_a_retry(people, ncp_a, secretariat, party_a):
    activity = ActivityFactory(party=party_a)
    first = post(ncp_a, activity, party_a, "First question")
    notifications_send_due()
    notifications_send_due()
    second = post(secretariat, activity, party_a, "The answer")
    notifications_send_due()
    notifications_send_due()
    keys = [f"thread:{m.pk}:" for m in (first, second)]
    assert len(mail.outbox) == 4  # two secretaries for the first, two contact points for the second
    assert Notification.objects.filter(status="sent").count() == 4
    assert all(any(n.startswith(k) for k in keys) for n in Notification.objects.values_list("key", flat=True))


def test_the_same_message_sent_twice_in_a_row_is_one_message(ncp_a, secretariat, party_a):
    activity = ActivityFactory(party=party_a)
    assert post(ncp_a, activity, party_a).pk == post(ncp_a, activity, party_a).pk
    assert Message.objects.count() == 1
    notifications_send_due()
    assert len(mail.outbox) == 1


def test_the_mail_is_in_the_recipients_language(people, ncp_a, secretariat, party_a):
    post(ncp_a, ActivityFactory(party=party_a), party_a)
    notifications_send_due()
    russian = next(m for m in mail.outbox if m.to == [people["secretariat_2"].email])
    english = next(m for m in mail.outbox if m.to == [secretariat.email])
    assert "Сообщение" in russian.subject or "сообщение" in russian.subject
    assert "message" in english.subject


def test_a_progress_reports_thread_is_its_own(ncp_a, secretariat, party_a, plan):
    activity = ActivityFactory(party=party_a)
    report = ProgressReportFactory(party=party_a, state="submitted")
    post(ncp_a, activity, party_a, "On the activity")
    post(secretariat, report, party_a, "On the report")
    assert [m.text for m in thread_messages(report)] == ["On the report"]
    assert [m.text for m in thread_messages(activity)] == ["On the activity"]
