"""The .ics files: parsed by icalendar, right UTC instants, VTIMEZONE and VALARM."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from meetings import services
from meetings.models import Invitation
from tests.factories import MeetingFactory


def parse(content: bytes) -> tuple[Calendar, list]:
    cal = Calendar.from_ical(content)
    return cal, [c for c in cal.walk("VEVENT")]


@pytest.fixture
def kyiv_meeting(plan):
    start = datetime(2014, 10, 26, 2, 30, tzinfo=UTC)  # the night clocks go back in Kyiv
    return MeetingFactory(
        title="Expert meeting on readmission",
        kind="expert",
        timezone="Europe/Kyiv",
        starts_at=start,
        ends_at=datetime(2014, 10, 27, 14, 0, tzinfo=UTC),
        city="Kyiv",
        country="Ukraine",
    )


@pytest.mark.django_db
def test_meeting_ics_parses_with_the_right_instants_and_a_vtimezone(client, kyiv_meeting):
    response = client.get(f"/meetings/{kyiv_meeting.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal, events = parse(response.content)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Kyiv"]
    (event,) = events
    assert event["DTSTART"].params["TZID"] == "Europe/Kyiv"
    assert event.decoded("DTSTART").astimezone(UTC) == kyiv_meeting.starts_at
    assert event.decoded("DTEND").astimezone(UTC) == kyiv_meeting.ends_at
    assert str(event["SUMMARY"]) == "Expert meeting on readmission"
    assert str(event["UID"]) == f"meeting-{kyiv_meeting.pk}@prague-process-portal"
    assert len(event.walk("VALARM")) == 2
    assert all(str(a["ACTION"]) == "DISPLAY" for a in event.walk("VALARM"))
    # The VTIMEZONE itself resolves local times to the right instants (a second reader's view).
    text = response.content.decode()
    assert "BEGIN:VTIMEZONE" in text and "TZOFFSETTO" in text
    assert "DTSTART;TZID=Europe/Kyiv:20141026T043000" in text


@pytest.mark.django_db
def test_personal_feed_holds_only_the_meetings_the_user_is_invited_to(client, plan, ncp_a, party_a, party_b):
    mine = MeetingFactory(title="Invited", timezone="Europe/Prague")
    Invitation.objects.create(meeting=mine, party=party_a)
    other = MeetingFactory(title="Not invited", timezone="Asia/Tbilisi")
    Invitation.objects.create(meeting=other, party=party_b)
    response = client.get(f"/meetings/feed/{ncp_a.calendar_token}.ics")
    cal, events = parse(response.content)
    assert [str(e["SUMMARY"]) for e in events] == ["Invited"]
    assert {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")} == {"Europe/Prague"}


@pytest.mark.django_db
def test_renewing_the_token_retires_the_old_feed_address(client_for, client, ncp_a):
    old = ncp_a.calendar_token
    assert client.get(f"/meetings/feed/{old}.ics").status_code == 200
    assert client_for(ncp_a).post("/meetings/feed/renew/").status_code == 302
    ncp_a.refresh_from_db()
    assert ncp_a.calendar_token != old
    assert client.get(f"/meetings/feed/{old}.ics").status_code == 404
    assert client.get(f"/meetings/feed/{ncp_a.calendar_token}.ics").status_code == 200


@pytest.mark.django_db
def test_a_cancelled_meeting_ics_says_so(client, plan, secretariat):
    meeting = MeetingFactory(timezone="Europe/Paris")
    services.meeting_cancel(meeting_pk=meeting.pk, user=secretariat, version=meeting.version)
    cal, (event,) = parse(client.get(f"/meetings/{meeting.pk}/calendar.ics").content)
    assert str(cal["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART").tzinfo is not None
    assert event.decoded("DTSTART").astimezone(ZoneInfo("UTC")) == meeting.starts_at.replace(microsecond=0)
