"""query_budget: the meetings list and a meeting page cost the same queries with 1 and 20 meetings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import Document, Invitation
from tests.factories import AgendaItemFactory, DecisionFactory, DelegateFactory, MeetingFactory, action


def make_meetings(n: int, parties) -> list:
    out = []
    now = timezone.now()
    for i in range(n):
        start = now + timedelta(days=(i - n // 2) * 30)
        meeting = MeetingFactory(starts_at=start, ends_at=start + timedelta(hours=6), city="Prague")
        meeting.actions.add(action("I.1"), action("II.2"))
        for party in parties:
            inv = Invitation.objects.create(meeting=meeting, party=party)
            DelegateFactory(invitation=inv)
        item = AgendaItemFactory(meeting=meeting)
        item.actions.add(action("I.1"))
        Document.objects.create(
            meeting=meeting,
            agenda_item=item,
            title="Agenda",
            kind="agenda",
            language="en",
            file="meetings/x",
            filename="agenda.pdf",
            content_type="application/pdf",
            size=10,
        )
        d = DecisionFactory(meeting=meeting, status="open")
        d.actions.add(action("I.1"))
        out.append(meeting)
    return out


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "secretariat", "ncp_a"])
def test_query_budget_list_and_meeting_page(cast, client_for, party_a, party_b, role):
    client = client_for(cast[role])
    first = make_meetings(1, [party_a, party_b])
    small = (count(client, "/meetings/"), count(client, f"/meetings/{first[0].pk}/"))
    more = make_meetings(19, [party_a, party_b])
    latest = max(more, key=lambda m: m.starts_at)
    large = (count(client, "/meetings/"), count(client, f"/meetings/{latest.pk}/"))
    assert small == large
    if role == "secretariat":
        p_small = count(client, f"/meetings/{first[0].pk}/participants/")
        assert p_small == count(client, f"/meetings/{latest.pk}/participants/")
        from parties.notifications import notification_queue

        def queue(i):
            notification_queue(
                key=f"meeting:{latest.pk}:x:{i}",
                kind="meeting.before",
                to_email=f"r{i}@example.org",
                recipient=cast["ncp_a"],
                subject="s",
                body="b",
                due_at=timezone.now(),
            )

        queue(0)
        log_small = count(client, "/meetings/reminders/")
        for i in range(1, 20):
            queue(i)
        assert count(client, "/meetings/reminders/") == log_small
