"""RFC 5545 calendars of meetings: one meeting, or a user's feed; with VALARM.

Times are written in UTC (`DTSTART:20120614T073000Z`), with no VTIMEZONE: every client reads an
instant in UTC the same way, whereas a VTIMEZONE of RDATE lists (what icalendar generates from
zoneinfo) is read an hour off by some parsers (vobject) for the summer months. Each client shows
the instant in its user's own zone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Alarm, Calendar, Event

from .models import Meeting

PRODID = "-//Prague Process//Action Plan portal//EN"
ALARMS = [timedelta(days=1), timedelta(hours=1)]


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@prague-process-portal"


def _event(meeting: Meeting) -> Event:
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("sequence", meeting.sequence)
    # Instants in UTC (written with "Z"): no VTIMEZONE needed, no parser can read them differently.
    event.add("dtstart", meeting.starts_at.astimezone(UTC))
    event.add("dtend", meeting.ends_at.astimezone(UTC))
    event.add("summary", meeting.title)
    location = meeting.venue or meeting.online_url
    if location:
        event.add("location", location)
    if meeting.description:
        event.add("description", meeting.description)
    event.add("url", settings.SITE_URL.rstrip("/") + meeting.get_absolute_url())
    if meeting.is_cancelled:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED" if meeting.status != Meeting.Status.PLANNED else "TENTATIVE")
        for before in ALARMS:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", meeting.title)
            alarm.add("trigger", -before)
            event.add_component(alarm)
    return event


def calendar_build(meetings: Iterable[Meeting], *, name: str = "", cancel: bool = False) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if cancel else "PUBLISH")
    if name:
        cal.add("x-wr-calname", name)
    for meeting in meetings:
        cal.add_component(_event(meeting))
    return cal.to_ical()


def meeting_ics(meeting: Meeting) -> bytes:
    return calendar_build([meeting], cancel=meeting.is_cancelled)
