"""One stale-edit mechanism for meetings: the edit page, reschedule, minutes, cancel and the admin."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages

from meetings.models import Meeting
from tests.factories import MeetingFactory, UserFactory

from .test_views import FORM

pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    """What a browser would post from the form with the given id: inputs, selects, textareas."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.fields.append((self._textarea, ""))

    def handle_data(self, data):
        if self._textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def admin_form(client, url: str, form_id: str = "meeting_form") -> dict[str, list[str]]:
    parser = _FormFields(form_id)
    parser.feed(client.get(url).content.decode())
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value.removeprefix("\n") if name == "description" else value)
    assert "version" in data, sorted(data)
    return data


@pytest.fixture
def colleague(plan):
    return UserFactory(username="sec-two", role="secretariat", first_name="Ada", last_name="Colleague")


@pytest.fixture
def meeting(plan):
    return MeetingFactory(title="Original", timezone="Europe/Warsaw")


def test_an_admin_edit_after_the_form_was_opened_refuses_the_stale_form(
    client_for, secretariat, colleague, meeting
):
    portal = client_for(secretariat)
    opened = portal.get(f"/meetings/{meeting.pk}/edit/").context["form"].initial["version"]
    admin = client_for(colleague)
    url = f"/admin/meetings/meeting/{meeting.pk}/change/"
    data = admin_form(admin, url)
    data["title_en"] = ["Changed in the admin"]
    response = admin.post(url, {**data, "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting.refresh_from_db()
    assert meeting.title == "Changed in the admin" and meeting.version == opened + 1

    response = portal.post(f"/meetings/{meeting.pk}/edit/", {**FORM, "title_en": "Mine", "version": opened})
    assert response.status_code == 409
    text = response.content.decode()
    assert "Changed by" in text and html.escape(str(colleague)) in text
    assert 'value="Mine"' in text  # the person's own input is kept in the form
    meeting.refresh_from_db()
    assert meeting.title == "Changed in the admin"


def test_a_portal_save_after_the_admin_form_was_opened_refuses_the_stale_admin_save(
    client_for, secretariat, colleague, meeting
):
    admin = client_for(colleague)
    url = f"/admin/meetings/meeting/{meeting.pk}/change/"
    data = admin_form(admin, url)  # opened at version 1
    portal = client_for(secretariat)
    opened = portal.get(f"/meetings/{meeting.pk}/edit/").context["form"].initial["version"]
    response = portal.post(
        f"/meetings/{meeting.pk}/edit/", {**FORM, "title_en": "Saved in the portal", "version": opened}
    )
    assert response.status_code == 302

    data["title_en"] = ["Stale admin title"]
    response = admin.post(url, {**data, "_save": "Save"})
    assert response.status_code == 302 and response["Location"] == url  # back to the form, not saved
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("changed by someone else" in m for m in messages)
    meeting.refresh_from_db()
    assert meeting.title == "Saved in the portal" and meeting.version == opened + 1


def test_the_conflict_partial_lets_the_person_save_their_version_deliberately(
    client_for, secretariat, meeting
):
    client = client_for(secretariat)
    url = f"/meetings/{meeting.pk}/edit/"
    opened = client.get(url).context["form"].initial["version"]
    assert client.post(url, {**FORM, "title_en": "Theirs", "version": opened}).status_code == 302
    response = client.post(url, {**FORM, "title_en": "Mine", "version": opened})
    assert response.status_code == 409
    again = response.context["form"]["version"].value()  # the form now carries the current version
    assert client.post(url, {**FORM, "title_en": "Mine", "version": again}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Mine"


def test_a_stale_reschedule_shows_who_changed_it_and_keeps_the_persons_times(
    client_for, secretariat, colleague, invited_meeting
):
    url = f"/meetings/{invited_meeting.pk}/reschedule/"
    mine = client_for(secretariat)
    opened = mine.get(url).context["form"].initial["version"]
    theirs = {"starts_local": "2031-09-01T10:00", "ends_local": "2031-09-01T16:00", "version": opened}
    assert client_for(colleague).post(url, theirs).status_code == 302

    response = mine.post(
        url, {"starts_local": "2031-10-01T10:00", "ends_local": "2031-10-01T16:00", "version": opened}
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert "Changed by" in text and html.escape(str(colleague)) in text
    assert "1 September 2031, 10:00" in text  # their time, in the meeting's zone, beside mine
    assert 'value="2031-10-01T10:00"' in text and 'value="2031-10-01T16:00"' in text  # mine, kept
    invited_meeting.refresh_from_db()
    assert invited_meeting.starts_at == datetime(2031, 9, 1, 8, 0, tzinfo=UTC)


def test_stale_minutes_are_refused_with_the_conflict_partial_and_kept(
    client_for, secretariat, colleague, meeting
):
    url = f"/meetings/{meeting.pk}/minutes/edit/"
    mine = client_for(secretariat)
    opened = mine.get(url).context["form"].initial["version"]
    theirs = {"text_en": "Their minutes", "version": opened}
    assert client_for(colleague).post(url, theirs).status_code == 302
    response = mine.post(url, {"text_en": "My minutes", "version": opened})
    assert response.status_code == 409
    text = response.content.decode()
    assert "Changed by" in text and "Their minutes" in text and "My minutes" in text
    meeting.refresh_from_db()
    assert meeting.minutes.text_en == "Their minutes"
    assert list(meeting.minutes.revisions.values_list("text_en", flat=True)) == ["Their minutes"]


def test_a_stale_cancel_is_refused_with_a_clear_message(client_for, secretariat, colleague, invited_meeting):
    opened = invited_meeting.version  # the version the meeting page's cancel button carries
    moved = {"starts_local": "2031-09-01T10:00", "ends_local": "2031-09-01T16:00", "version": opened}
    reschedule = f"/meetings/{invited_meeting.pk}/reschedule/"
    assert client_for(colleague).post(reschedule, moved).status_code == 302

    response = client_for(secretariat).post(
        f"/meetings/{invited_meeting.pk}/cancel/", {"version": opened}, follow=True
    )
    text = response.content.decode()
    assert "Not cancelled: the meeting was changed by" in text and html.escape(str(colleague)) in text
    invited_meeting.refresh_from_db()
    assert invited_meeting.status != Meeting.Status.CANCELLED
    # With the current version, the cancel goes through.
    client_for(secretariat).post(
        f"/meetings/{invited_meeting.pk}/cancel/", {"version": invited_meeting.version}
    )
    invited_meeting.refresh_from_db()
    assert invited_meeting.status == Meeting.Status.CANCELLED


def test_an_admin_edit_of_an_invitation_moves_its_version_and_a_stale_one_is_refused(
    client_for, colleague, invited_meeting
):
    invitation = invited_meeting.invitations.get(party__code="CZ")
    admin = client_for(colleague)
    url = f"/admin/meetings/invitation/{invitation.pk}/change/"
    data = admin_form(admin, url, "invitation_form")
    assert admin.post(url, {**data, "attendance": ["present"], "_save": "Save"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.attendance == "present" and invitation.version == 2
    response = admin.post(url, {**data, "attendance": ["absent"], "_save": "Save"})  # opened at 1
    assert response.status_code == 302 and response["Location"] == url
    invitation.refresh_from_db()
    assert invitation.attendance == "present" and invitation.version == 2


def test_a_decision_edited_in_the_admin_refuses_an_owners_stale_status_update(
    client_for, colleague, meeting, ncp_a, party_a
):
    from meetings.models import Decision
    from tests.factories import DecisionFactory

    decision = DecisionFactory(meeting=meeting, text="Original text", owner_parties=[party_a])
    page = f"/meetings/{meeting.pk}/decisions/{decision.pk}/"
    opened = client_for(ncp_a).get(page).context["form"].initial["version"]
    admin = client_for(colleague)
    url = f"/admin/meetings/decision/{decision.pk}/change/"
    data = admin_form(admin, url, form_id="decision_form")
    assert "owner_parties" in data and "text_ru" in data
    data["text_en"] = ["Changed in the admin"]
    data = {k: v for k, v in data.items() if not k.startswith("updates-")} | {
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
    }
    response = admin.post(url, {**data, "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[:3000]
    decision.refresh_from_db()
    assert decision.text_en == "Changed in the admin" and decision.version == opened + 1

    response = client_for(ncp_a).post(page, {"version": opened, "status": "in_progress", "note": "Started."})
    assert response.status_code == 409 and "Changed by" in response.content.decode()
    assert Decision.objects.get(pk=decision.pk).status == "open"
