from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from meetings.models import Invitation, Meeting
from tests.factories import MeetingFactory


@pytest.fixture
def invited_meeting(plan, ncp_a, ncp_b, party_a, party_b, secretariat):
    """An SOM in 40 days, inviting CZ and DE, scheduled 60 days ago (so reminders are armed)."""
    now = timezone.now()
    meeting = MeetingFactory(
        kind=Meeting.Kind.SOM,
        timezone="Europe/Prague",
        starts_at=now + dt.timedelta(days=40),
        ends_at=now + dt.timedelta(days=40, hours=8),
        scheduled_at=now - dt.timedelta(days=60),
        invite_mode=Meeting.InviteMode.SELECTION,
    )
    Invitation.objects.create(meeting=meeting, party=party_a)
    Invitation.objects.create(meeting=meeting, party=party_b)
    return meeting
