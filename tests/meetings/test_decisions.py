"""A decision's page: its text in both languages, owners, due date, status and history; the owners'
status form with the version check; the meeting pages that list decisions; the query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings import services
from meetings.models import Decision, DecisionUpdate
from parties.models import Notification
from tests.factories import DecisionFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(invited_meeting, party_a):
    return DecisionFactory(
        meeting=invited_meeting,
        text_en="Map the readmission agreements",
        text_ru="Составить перечень соглашений о реадмиссии",
        owner_parties=[party_a],
        owner_secretariat=True,
        due_on=dt.date(2031, 5, 1),
    )


def url(d: Decision) -> str:
    return f"/meetings/{d.meeting_id}/decisions/{d.pk}/"


def post(client, d: Decision, **data):
    return client.post(url(d), {"version": Decision.objects.get(pk=d.pk).version, **data})


def test_the_page_shows_text_owners_due_date_status_and_the_form_for_an_owner(client_for, decision, ncp_a):
    body = client_for(ncp_a).get(url(decision)).content.decode()
    assert "Map the readmission agreements" in body
    assert "Czech Republic" in body or "Czechia" in body
    assert "the secretariat" in body and "1 May 2031" in body and "Open" in body
    assert 'id="update-h"' in body and 'name="note"' in body and 'for="id_note"' in body
    assert "<main" in body and "<h1" in body


def test_a_visitor_and_another_partys_contact_point_read_it_without_the_form(
    client, client_for, decision, ncp_b
):
    for c in (client, client_for(ncp_b)):
        body = c.get(url(decision)).content.decode()
        assert "Map the readmission agreements" in body and 'name="note"' not in body


def test_in_russian_the_russian_text_and_an_untranslated_one_marked(client, decision, invited_meeting):
    english_only = DecisionFactory(meeting=invited_meeting, text="Only in English", owner_secretariat=True)
    assert (english_only.text_en, english_only.text_ru) == ("Only in English", None)
    body = client.get(url(decision), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Составить перечень соглашений о реадмиссии" in body
    assert "Map the readmission agreements" not in body
    body = client.get(url(english_only), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<span lang="en" class="untranslated">Only in English</span>' in body


def test_an_owner_moves_the_status_with_a_note_and_the_history_keeps_it(client_for, decision, ncp_a):
    client = client_for(ncp_a)
    response = post(client, decision, status="in_progress", note="Working group set up in March.")
    assert response.status_code == 302 and response["Location"] == url(decision)
    decision.refresh_from_db()
    assert decision.status == "in_progress" and decision.version == 2
    (update,) = decision.updates.all()
    assert (update.by, update.from_status, update.to_status) == (ncp_a, "open", "in_progress")
    assert update.note == "Working group set up in March."
    body = client.get(url(decision)).content.decode().split('id="history-h"', 1)[1]
    assert "Working group set up in March." in body and "Open → In progress" in body


def test_done_or_dropped_needs_a_note_next_to_the_field(client_for, decision, ncp_a):
    response = post(client_for(ncp_a), decision, status="done", note="  ")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_note_error"' in body and "Say in a short note" in body
    assert Decision.objects.get(pk=decision.pk).status == "open" and not DecisionUpdate.objects.exists()


def test_bad_input_is_a_message_never_a_500(client_for, decision, ncp_a):
    client = client_for(ncp_a)
    for data in ({"status": "finished"}, {"status": "open", "note": "x" * 1001}, {"status": ""}):
        assert post(client, decision, **data).status_code == 200
    assert client.post(url(decision), {"status": "open", "version": "abc"}).status_code == 200
    assert not DecisionUpdate.objects.exists()


def test_lost_update_a_stale_status_is_refused_with_the_conflict_screen(
    client_for, decision, ncp_a, secretariat
):
    opened = decision.version
    services.decision_update(
        decision_pk=decision.pk, user=secretariat, version=opened, status="done", note="Done."
    )
    response = client_for(ncp_a).post(
        url(decision), {"version": opened, "status": "dropped", "note": "No money."}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert 'id="conflict"' in body and "sec" in body
    decision.refresh_from_db()
    assert decision.status == "done" and decision.updates.count() == 1


def test_the_same_post_twice_writes_one_update(client_for, decision, ncp_a):
    client = client_for(ncp_a)
    data = {"version": decision.version, "status": "in_progress", "note": "Started."}
    assert client.post(url(decision), data).status_code == 302
    assert client.post(url(decision), data).status_code == 409
    assert decision.updates.count() == 1


def test_closing_a_decision_cancels_its_pending_reminders(decision, ncp_a):
    Notification.objects.create(
        key=f"decision:{decision.pk}:2031-05-01:before:user:{ncp_a.pk}",
        kind="decision.before",
        to_email=ncp_a.email,
        subject="s",
        body="b",
        due_at=timezone.now() + dt.timedelta(days=1),
    )
    services.decision_update(decision_pk=decision.pk, user=ncp_a, version=1, status="done", note="Done.")
    assert set(Notification.objects.values_list("status", flat=True)) == {"cancelled"}


def test_the_secretariats_edit_keeps_a_status_change_in_the_history_and_checks_the_version(
    client_for, decision, secretariat, party_b
):
    client = client_for(secretariat)
    edit = f"/meetings/{decision.meeting_id}/decisions/{decision.pk}/edit/"
    page = client.get(edit).content.decode()
    assert 'name="version"' in page and 'name="owner_parties"' in page and 'name="text_ru"' in page
    data = {
        "kind": "decision",
        "text_en": "Map the readmission agreements",
        "text_ru": "",
        "owner_parties": [str(party_b.pk)],
        "due_on": "2031-06-01",
        "status": "in_progress",
        "version": decision.version,
    }
    assert client.post(edit, data).status_code == 302
    decision.refresh_from_db()
    assert list(decision.owner_parties.all()) == [party_b] and not decision.owner_secretariat
    assert decision.version == 2 and decision.due_on == dt.date(2031, 6, 1)
    assert decision.updates.get().to_status == "in_progress"
    response = client.post(edit, {**data, "status": "done"})  # the version it was opened at
    assert response.status_code == 409 and 'id="conflict"' in response.content.decode()
    assert Decision.objects.get(pk=decision.pk).status == "in_progress"


def test_the_meeting_page_lists_owners_status_and_the_latest_note(client, decision, ncp_a, invited_meeting):
    services.decision_update(
        decision_pk=decision.pk, user=ncp_a, version=1, status="in_progress", note="Half of them mapped."
    )
    body = client.get(f"/meetings/{invited_meeting.pk}/").content.decode()
    row = body.split(f'id="decision-{decision.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "the secretariat" in row and "In progress" in row and "Half of them mapped." in row
    assert f'href="{url(decision)}"' in row


def test_the_next_som_shows_earlier_open_decisions_with_owners_and_overdue(client, plan, party_a):
    now = timezone.now()
    earlier = MeetingFactory(starts_at=now - dt.timedelta(days=300), ends_at=now - dt.timedelta(days=299))
    late = DecisionFactory(
        meeting=earlier,
        text="Report on return",
        owner_core_group=True,
        due_on=timezone.localdate() - dt.timedelta(days=3),
    )
    nxt = MeetingFactory(title="Next SOM")
    body = client.get(f"/meetings/{nxt.pk}/").content.decode()
    row = body.split(f'id="decision-{late.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "the core group" in row and "overdue" in row


def _grow(meeting, parties, n: int):
    for i in range(n):
        d = DecisionFactory(meeting=meeting, owner_parties=parties, owner_core_group=True)
        by = UserFactory(role="contact_point", party=parties[0])
        for k in range(2):
            DecisionUpdate.objects.create(
                decision=d, by=by, from_status="open", to_status="open", note=f"n{i}{k}"
            )


def test_query_budget_decision_and_meeting_pages_are_flat(
    client_for, decision, invited_meeting, ncp_a, party_a, party_b
):
    client = client_for(ncp_a)

    def counts():
        with CaptureQueriesContext(connection) as page:
            assert client.get(url(decision)).status_code == 200
        with CaptureQueriesContext(connection) as meeting:
            assert client.get(f"/meetings/{invited_meeting.pk}/").status_code == 200
        return len(page), len(meeting)

    client.get(url(decision))  # warm the session and caches
    small = counts()
    _grow(invited_meeting, [party_a, party_b], 6)
    for k in range(5):
        DecisionUpdate.objects.create(
            decision=decision, by=ncp_a, from_status="open", to_status="open", note=f"{k}"
        )
    assert counts() == small


def test_mass_assignment_an_owner_cannot_change_owners_text_or_due_date(client_for, decision, ncp_a, party_b):
    data = {
        "status": "in_progress",
        "note": "Started.",
        "owner_parties": [str(party_b.pk)],
        "owner_core_group": "on",
        "text_en": "Something else",
        "due_on": "2040-01-01",
        "meeting": "0",
    }
    assert post(client_for(ncp_a), decision, **data).status_code == 302
    decision.refresh_from_db()
    assert decision.status == "in_progress" and decision.text_en == "Map the readmission agreements"
    assert [p.code for p in decision.owner_parties.all()] == ["CZ"] and not decision.owner_core_group
    assert decision.due_on == dt.date(2031, 5, 1)


def test_a_get_writes_nothing_and_put_is_not_allowed(client_for, decision, ncp_a):
    client = client_for(ncp_a)
    assert client.get(url(decision), {"status": "done", "note": "x"}).status_code == 200
    assert client.put(url(decision)).status_code == 405
    assert Decision.objects.get(pk=decision.pk).status == "open" and not DecisionUpdate.objects.exists()
