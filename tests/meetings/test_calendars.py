"""The .ics files: right UTC instants read the same by two independent parsers (icalendar and
vobject), in summer and in winter, with no VTIMEZONE to misread; VALARM."""

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


def vobject_instants(content: bytes) -> dict[str, tuple[datetime, datetime]]:
    """{summary: (start, end)} as vobject reads them, in UTC."""
    import vobject

    cal = vobject.readOne(content.decode())
    return {
        e.summary.value: (e.dtstart.value.astimezone(UTC), e.dtend.value.astimezone(UTC))
        for e in cal.contents.get("vevent", [])
    }


def icalendar_instants(content: bytes) -> dict[str, tuple[datetime, datetime]]:
    _, events = parse(content)
    return {
        str(e["SUMMARY"]): (e.decoded("DTSTART").astimezone(UTC), e.decoded("DTEND").astimezone(UTC))
        for e in events
    }


def prague(*args) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo("Europe/Prague"))


# Meetings in summer and in winter, in zones with and without clock changes: (title, zone, local
# start, local end, the start instant in UTC). 9:30 in Prague in June 2012 is 07:30Z, in January 08:30Z.
SEASONS = [
    ("Cracow in June", "Europe/Prague", (2012, 6, 14, 9, 30), (2012, 6, 14, 17, 30), "2012-06-14T07:30"),
    ("Prague in January", "Europe/Prague", (2013, 1, 17, 9, 30), (2013, 1, 17, 17, 0), "2013-01-17T08:30"),
    ("Budapest in July", "Europe/Budapest", (2015, 7, 6, 9, 30), (2015, 7, 7, 17, 30), "2015-07-06T07:30"),
    ("Vilnius in November", "Europe/Vilnius", (2016, 11, 8, 9, 0), (2016, 11, 8, 17, 0), "2016-11-08T07:00"),
    ("Tbilisi in June", "Asia/Tbilisi", (2014, 6, 5, 10, 0), (2014, 6, 5, 18, 0), "2014-06-05T06:00"),
    ("Lisbon in April", "Europe/Lisbon", (2023, 4, 27, 9, 30), (2023, 4, 28, 13, 0), "2023-04-27T08:30"),
    (
        "Warsaw in December",
        "Europe/Warsaw",
        (2017, 12, 12, 9, 30),
        (2017, 12, 12, 17, 30),
        "2017-12-12T08:30",
    ),
]


@pytest.fixture
def seasons(plan, party_a):
    made = []
    for title, zone, start, end, _ in SEASONS:
        z = ZoneInfo(zone)
        m = MeetingFactory(
            title=title,
            timezone=zone,
            starts_at=datetime(*start, tzinfo=z),
            ends_at=datetime(*end, tzinfo=z),
        )
        Invitation.objects.create(meeting=m, party=party_a)
        made.append(m)
    return made


def expected_instants(meetings) -> dict[str, tuple[datetime, datetime]]:
    return {m.title: (m.starts_at.astimezone(UTC), m.ends_at.astimezone(UTC)) for m in meetings}


@pytest.mark.django_db
def test_each_meeting_file_reads_the_same_in_two_parsers_summer_and_winter(client, seasons):
    for meeting, (*_, utc_start) in zip(seasons, SEASONS, strict=True):
        response = client.get(f"/meetings/{meeting.pk}/calendar.ics")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
        text = response.content.decode()
        assert "BEGIN:VTIMEZONE" not in text and "TZID" not in text
        stamp = utc_start.replace("-", "").replace(":", "") + "00Z"
        assert f"DTSTART:{stamp}" in text
        want = {meeting.title: (datetime.fromisoformat(utc_start).replace(tzinfo=UTC), meeting.ends_at)}
        assert icalendar_instants(response.content) == want
        assert vobject_instants(response.content) == want


@pytest.mark.django_db
def test_a_contact_points_feed_reads_the_same_in_two_parsers(client, seasons, ncp_a):
    response = client.get(f"/meetings/feed/{ncp_a.calendar_token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VTIMEZONE" not in response.content
    want = expected_instants(seasons)
    assert want["Cracow in June"][0] == prague(2012, 6, 14, 9, 30).astimezone(UTC)
    assert want["Cracow in June"][0] == datetime(2012, 6, 14, 7, 30, tzinfo=UTC)
    assert want["Prague in January"][0] == datetime(2013, 1, 17, 8, 30, tzinfo=UTC)
    assert icalendar_instants(response.content) == want
    assert vobject_instants(response.content) == want


@pytest.mark.django_db
def test_the_calendar_attached_to_reminders_reads_the_same_in_two_parsers(seasons):
    from meetings.calendars import meeting_ics

    for meeting in seasons:
        content = meeting_ics(meeting)
        assert icalendar_instants(content) == vobject_instants(content) == expected_instants([meeting])


@pytest.mark.django_db
def test_meeting_ics_parses_with_the_right_instants_in_utc(client, kyiv_meeting):
    response = client.get(f"/meetings/{kyiv_meeting.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal, events = parse(response.content)
    assert cal.walk("VTIMEZONE") == []
    (event,) = events
    assert "TZID" not in event["DTSTART"].params
    assert event.decoded("DTSTART") == kyiv_meeting.starts_at
    assert event.decoded("DTEND") == kyiv_meeting.ends_at
    assert str(event["SUMMARY"]) == "Expert meeting on readmission"
    assert str(event["UID"]) == f"meeting-{kyiv_meeting.pk}@prague-process-portal"
    assert len(event.walk("VALARM")) == 2
    assert all(str(a["ACTION"]) == "DISPLAY" for a in event.walk("VALARM"))
    # The night clocks go back in Kyiv: the instant, written in UTC, cannot be read two ways.
    assert "DTSTART:20141026T023000Z" in response.content.decode()
    assert vobject_instants(response.content) == expected_instants([kyiv_meeting])


@pytest.mark.django_db
def test_personal_feed_holds_only_the_meetings_the_user_is_invited_to(client, plan, ncp_a, party_a, party_b):
    mine = MeetingFactory(title="Invited", timezone="Europe/Prague")
    Invitation.objects.create(meeting=mine, party=party_a)
    other = MeetingFactory(title="Not invited", timezone="Asia/Tbilisi")
    Invitation.objects.create(meeting=other, party=party_b)
    response = client.get(f"/meetings/feed/{ncp_a.calendar_token}.ics")
    cal, events = parse(response.content)
    assert [str(e["SUMMARY"]) for e in events] == ["Invited"]
    assert cal.walk("VTIMEZONE") == []
    assert list(vobject_instants(response.content)) == ["Invited"]


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
