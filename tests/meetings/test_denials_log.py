"""Every 403 and every hiding 404 of the meeting pages writes exactly one security log line."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture
def denials(caplog):
    caplog.set_level(logging.INFO, logger="pragueprocess.security")

    def lines():
        return [
            r.security
            for r in caplog.records
            if r.name == "pragueprocess.security"
            and getattr(r, "security", {}).get("event") in ("forbidden_403", "cross_party_404")
        ]

    return lines


def test_a_contact_point_on_a_managed_page_gets_403_and_one_log_line(
    client_for, invited_meeting, ncp_a, denials
):
    response = client_for(ncp_a).get(f"/meetings/{invited_meeting.pk}/edit/")
    assert response.status_code == 403
    [line] = denials()
    assert line["event"] == "forbidden_403" and line["capability"] == "meeting.manage"
    assert line["user"] == "ncp-a" and line["path"] == f"/meetings/{invited_meeting.pk}/edit/"


def test_a_reader_cancelling_a_meeting_gets_403_and_one_log_line(
    client_for, invited_meeting, reader, denials
):
    response = client_for(reader).post(f"/meetings/{invited_meeting.pk}/cancel/", {"version": 1})
    assert response.status_code == 403
    assert [line["capability"] for line in denials()] == ["meeting.manage"]


@pytest.mark.parametrize("page", ["participants/", "participants.csv"])
def test_a_contact_point_on_the_participants_page_gets_403_and_one_log_line(
    client_for, invited_meeting, ncp_a, denials, page
):
    # A contact point sees their own Party's delegates, not every Party's: the list is refused.
    response = client_for(ncp_a).get(f"/meetings/{invited_meeting.pk}/{page}")
    assert response.status_code == 403
    [line] = denials()
    assert line["event"] == "forbidden_403" and line["capability"] == "meeting.participants.view"


def test_a_reader_on_the_participants_page_gets_403_and_one_log_line(
    client_for, invited_meeting, reader, denials
):
    assert client_for(reader).get(f"/meetings/{invited_meeting.pk}/participants/").status_code == 403
    assert [line["event"] for line in denials()] == ["forbidden_403"]


def test_another_partys_registration_is_a_hidden_404_with_one_log_line(
    client_for, invited_meeting, ncp_b, denials
):
    response = client_for(ncp_b).get(f"/meetings/{invited_meeting.pk}/register/cz/")
    assert response.status_code == 404
    [line] = denials()
    assert line["event"] == "cross_party_404" and line["capability"] == "meeting.register"
    assert line["user"] == "ncp-b"


def test_registering_without_a_party_is_a_hidden_404_with_one_log_line(
    client_for, invited_meeting, reader, denials
):
    assert client_for(reader).get(f"/meetings/{invited_meeting.pk}/register/").status_code == 404
    assert [line["event"] for line in denials()] == ["cross_party_404"]


def test_a_closed_registration_gets_403_and_one_log_line(client_for, invited_meeting, ncp_a, denials):
    invited_meeting.registration_deadline = timezone.now() - timedelta(hours=1)
    invited_meeting.save()
    data = {
        "delegates-TOTAL_FORMS": "1",
        "delegates-INITIAL_FORMS": "0",
        "delegates-0-name": "Late",
        "delegates-0-email": "late@example.cz",
    }
    response = client_for(ncp_a).post(f"/meetings/{invited_meeting.pk}/register/cz/", data)
    assert response.status_code == 403
    [line] = denials()
    assert line["event"] == "forbidden_403" and line["reason"] == "registration closed"


def test_the_core_groups_meetings_are_in_its_members_feed_only(coregroup, reader, plan):
    from meetings.models import Meeting
    from meetings.selectors import user_meetings
    from tests.factories import MeetingFactory

    core = MeetingFactory(kind=Meeting.Kind.CORE_GROUP)
    assert list(user_meetings(coregroup)) == [core]
    assert list(user_meetings(reader)) == []
