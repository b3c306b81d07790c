"""The yearly confirmation of contact details: one e-mail per contact point per year, one-click confirm."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from parties import reminders
from parties.models import DetailsConfirmation, Notification
from parties.services import term_end
from pragueprocess.reminders import reminders_run
from tests.factories import ContactPointTermFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2014, 2, 3, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def network(party_a, party_b, ncp_a, ncp_b, secretariat):
    a = ContactPointTermFactory(user=ncp_a, party=party_a)
    b = ContactPointTermFactory(user=ncp_b, party=party_b)
    gone = ContactPointTermFactory(party=party_a, kind="deputy")
    term_end(term=gone, ended_on=dt.date(2013, 6, 30), by=secretariat)
    return a, b


def test_yearly_confirmation_goes_out_once_per_contact_point_even_when_run_twice(network, ncp_a, ncp_b):
    reminders_run(now=NOW)
    reminders_run(now=NOW)
    reminders_run(now=NOW + dt.timedelta(days=40))
    assert sorted(m.to[0] for m in mail.outbox) == sorted([ncp_a.email, ncp_b.email])
    assert set(Notification.objects.filter(kind="ncp-confirm").values_list("key", flat=True)) == {
        f"ncp-confirm:2014:user:{ncp_a.pk}",
        f"ncp-confirm:2014:user:{ncp_b.pk}",
    }
    # next year: asked again, once
    reminders_run(now=NOW.replace(year=2015))
    reminders_run(now=NOW.replace(year=2015))
    assert len(mail.outbox) == 4


def test_the_task_itself_is_idempotent(network):
    from parties.tasks import send_due_notifications

    assert reminders.queue_due(now=NOW) == 2
    assert reminders.queue_due(now=NOW) == 0
    send_due_notifications.apply()
    send_due_notifications.apply()
    assert len(mail.outbox) == 2


def test_one_click_confirm_link_records_the_confirmation(network, ncp_a, client):
    reminders_run(now=NOW)
    message = next(m for m in mail.outbox if m.to == [ncp_a.email])
    path = re.search(r"/parties/my-details/confirm/\S+/", message.body).group(0)
    page = client.get(path)
    assert page.status_code == 200 and "These details are right" in page.content.decode()
    assert not DetailsConfirmation.objects.filter(user=ncp_a).exists()  # GET never writes
    done = client.post(path)
    assert done.status_code == 200 and "Confirmed on" in done.content.decode()
    client.post(path)
    assert DetailsConfirmation.objects.filter(user=ncp_a, year=2014).count() == 1


def test_tampered_confirm_link_is_refused(network, ncp_a, client):
    token = reminders.confirm_token(user_pk=ncp_a.pk, year=2014)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.post(f"/parties/my-details/confirm/{forged}/").status_code == 404
    assert not DetailsConfirmation.objects.exists()


def test_who_already_confirmed_this_year_is_not_asked(network, ncp_a, ncp_b):
    DetailsConfirmation.objects.create(user=ncp_a, year=2014, confirmed_at=NOW - dt.timedelta(days=1))
    reminders_run(now=NOW)
    assert [m.to[0] for m in mail.outbox] == [ncp_b.email]


def test_queue_due_query_count_does_not_grow_with_contact_points(plan, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parties.models import Party

    parties = list(Party.objects.order_by("order"))
    for p in parties[:2]:
        ContactPointTermFactory(party=p)
    with CaptureQueriesContext(connection) as few:
        reminders.queue_due(now=timezone.now())
    for p in parties[2:40]:
        ContactPointTermFactory(party=p)
    with django_assert_num_queries(len(few)):
        reminders.queue_due(now=timezone.now() + dt.timedelta(days=366))


def test_the_periodic_reminder_sweep_sends_the_confirmation_once(network, ncp_a, ncp_b):
    from pragueprocess.tasks import reminders_sweep

    reminders_sweep.apply()
    reminders_sweep.apply()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([ncp_a.email, ncp_b.email])
    assert all("confirm your contact details" in m.subject for m in mail.outbox)
