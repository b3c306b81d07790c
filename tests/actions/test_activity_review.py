"""The secretariat's check of activities, their conversation, and "readers see only checked
activities": each state change through the version check; returned activities in the Party's
"what is due" until saved again; the reader's lists, exports and pages narrowed in one selector."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions import selectors, services
from actions.models import Activity, ActivitySettings
from parties.models import Message
from parties.notifications import notifications_send_due
from parties.threads import message_post
from pragueprocess.due import due_for
from tests.actions.activity_support import edit_post, media_root  # noqa: F401
from tests.factories import ActivityFactory, ProgressReportFactory, action

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def submitted(party_a):
    return ActivityFactory(party=party_a, title="Training of border guards", actions=[action("I.2")])


def _returned_lines(user):
    return [d for d in due_for(user) if d.kind == "activity_returned"]


def test_secretariat_checks_a_submitted_activity_and_the_page_says_so(client_for, secretariat, submitted):
    response = client_for(secretariat).post(
        f"/activities/{submitted.pk}/check/", {"version": submitted.version}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.review == "checked" and submitted.reviewed_by == secretariat
    assert submitted.history.first().history_change_reason == "checked"
    page = client_for(secretariat).get(f"/activities/{submitted.pk}/").content.decode()
    assert "Checked by the secretariat on" in page


def test_a_check_from_a_stale_page_changes_nothing(client_for, secretariat, submitted):
    opened_at = submitted.version
    client = client_for(secretariat)
    assert client.post(f"/activities/{submitted.pk}/check/", {"version": opened_at}).status_code == 302
    after_first = Activity.objects.values("review", "version").get(pk=submitted.pk)
    # The same click again (or another secretary on the page opened before): nothing done twice.
    response = client.post(f"/activities/{submitted.pk}/check/", {"version": opened_at}, follow=True)
    assert "was changed after you opened it" in response.content.decode()
    assert Activity.objects.values("review", "version").get(pk=submitted.pk) == after_first
    assert client.post(f"/activities/{submitted.pk}/return/", {"version": opened_at, "comment": "x"})
    assert Activity.objects.get(pk=submitted.pk).review == "checked" and not Message.objects.exists()


def test_a_draft_cannot_be_checked(client_for, secretariat, party_a):
    draft = ActivityFactory(party=party_a, state="draft")
    response = client_for(secretariat).post(f"/activities/{draft.pk}/check/", {"version": draft.version})
    assert response.status_code == 302
    assert Activity.objects.get(pk=draft.pk).review == "pending"


def test_return_needs_a_comment_said_next_to_the_field(client_for, secretariat, submitted):
    response = client_for(secretariat).post(
        f"/activities/{submitted.pk}/return/", {"version": submitted.version, "comment": "  "}
    )
    assert response.status_code == 400
    assert "Say what the Party should change." in response.content.decode()
    assert Activity.objects.get(pk=submitted.pk).review == "pending" and not Message.objects.exists()


def test_a_returned_activity_is_due_for_its_party_until_saved_again(
    client_for, secretariat, ncp_a, ncp_b, submitted
):
    response = client_for(secretariat).post(
        f"/activities/{submitted.pk}/return/",
        {"version": submitted.version, "comment": "Please add the number of participants."},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.review == "returned"
    # The comment is the conversation's first message, mailed to the Party's contact point.
    assert [m.text for m in Message.objects.all()] == ["Please add the number of participants."]
    notifications_send_due()
    assert [m.to[0] for m in mail.outbox] == [ncp_a.email]
    assert [d.obj.pk for d in _returned_lines(ncp_a)] == [submitted.pk]
    assert _returned_lines(ncp_b) == []
    page = client_for(ncp_a).get(f"/activities/{submitted.pk}/").content.decode()
    assert "Returned to the Party for changes" in page and "Please add the number of participants." in page

    response = client_for(ncp_a).post(
        f"/activities/{submitted.pk}/edit/", edit_post(submitted, title="Training of 40 border guards")
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.review == "pending"  # resubmitted: awaits the secretariat's new look
    assert _returned_lines(ncp_a) == []


def test_the_secretariats_own_edit_keeps_the_check(client_for, secretariat, submitted):
    services.activity_check(activity=submitted, user=secretariat, expected_version=submitted.version)
    submitted.refresh_from_db()
    client_for(secretariat).post(
        f"/activities/{submitted.pk}/edit/", edit_post(submitted, title="Typo fixed")
    )
    submitted.refresh_from_db()
    assert submitted.title == "Typo fixed" and submitted.review == "checked"


def test_the_secretariat_sees_how_many_activities_await_its_check(secretariat, submitted, party_a):
    ActivityFactory(party=party_a, state="draft")
    lines = [d for d in due_for(secretariat) if d.kind == "activities_to_check"]
    assert [d.count for d in lines] == [1]


# --- the conversation on the activity page ------------------------------------------------------


def test_a_contact_point_writes_on_its_activity_and_the_message_shows(
    client_for, ncp_a, secretariat, submitted
):
    client = client_for(ncp_a)
    response = client.post(f"/activities/{submitted.pk}/messages/", {"text": "The figures follow."})
    assert response.status_code == 302
    page = client.get(f"/activities/{submitted.pk}/").content.decode()
    assert 'id="conversation-h"' in page and "The figures follow." in page


def test_an_empty_message_is_refused_next_to_the_field(client_for, ncp_a, submitted):
    response = client_for(ncp_a).post(f"/activities/{submitted.pk}/messages/", {"text": " "})
    assert response.status_code == 400
    assert "Write your message before sending it." in response.content.decode()
    assert not Message.objects.exists()


def test_readers_and_other_parties_do_not_see_the_conversation(client_for, reader, ncp_b, ncp_a, submitted):
    message_post(user=ncp_a, record=submitted, party=submitted.party, text="Private", url="/", about="x")
    for user in (reader, ncp_b):
        page = client_for(user).get(f"/activities/{submitted.pk}/").content.decode()
        assert "Private" not in page and 'id="conversation-h"' not in page


def test_the_activity_page_costs_the_same_queries_with_a_long_thread(
    client_for, ncp_a, secretariat, submitted, django_assert_max_num_queries
):
    client = client_for(secretariat)
    message_post(user=ncp_a, record=submitted, party=submitted.party, text="m0", url="/", about="x")
    url = f"/activities/{submitted.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(1, 40):
        author = ncp_a if n % 2 else secretariat
        message_post(user=author, record=submitted, party=submitted.party, text=f"m{n}", url="/", about="x")
    with django_assert_max_num_queries(len(few)):
        page = client.get(url).content.decode()
    assert "m39" in page


def test_a_returned_progress_report_carries_its_comment_into_its_conversation(
    client_for, secretariat, ncp_a, party_a, plan
):
    from evaluation import services as evaluation_services

    report = ProgressReportFactory(party=party_a, state="submitted")
    evaluation_services.progress_report_return(
        report=report, user=secretariat, version=report.version, comment="Add the 2013 trainings."
    )
    page = client_for(ncp_a).get(report.get_absolute_url()).content.decode()
    assert 'id="conversation-h"' in page and "Add the 2013 trainings." in page
    response = client_for(ncp_a).post(
        report.get_absolute_url() + "messages/", {"text": "Done, resubmitting."}
    )
    assert response.status_code == 302
    assert list(Message.objects.values_list("text", flat=True)) == [
        "Add the 2013 trainings.",
        "Done, resubmitting.",
    ]


# --- readers see only checked activities --------------------------------------------------------


@pytest.fixture
def checked_only(client_for, secretariat, submitted, party_a):
    """A checked activity beside the unchecked one, and the setting turned on by the secretariat."""
    checked = ActivityFactory(party=party_a, title="Checked study", actions=[action("I.2")])
    services.activity_check(activity=checked, user=secretariat, expected_version=checked.version)
    response = client_for(secretariat).post(
        "/activities/settings/", {"version": 1, "readers_checked_only": "on"}
    )
    assert response.status_code == 302
    assert ActivitySettings.objects.get().readers_checked_only
    return checked


def test_readers_see_only_checked_activities_everywhere_they_are_listed(
    client_for, reader, submitted, checked_only, party_a
):
    client = client_for(reader)
    for url in (
        "/activities/",
        "/activities/export.csv",
        f"/parties/{party_a.code.lower()}/",
        "/plans/2012-2016/I/2/",
    ):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert "Checked study" in body.decode(), url
        assert "Training of border guards" not in body.decode(), url
    assert client.get(f"/activities/{submitted.pk}/").status_code == 404
    assert client.get(f"/activities/{checked_only.pk}/").status_code == 200
    assert set(selectors.activities_visible_to(reader)) == {checked_only}


def test_members_other_than_readers_still_see_every_submitted_activity(
    client_for, ncp_b, coregroup, submitted, checked_only
):
    for user in (ncp_b, coregroup):
        assert set(selectors.activities_visible_to(user)) == {submitted, checked_only}


def test_with_the_setting_off_readers_see_every_submitted_activity(client_for, reader, submitted):
    assert client_for(reader).get(f"/activities/{submitted.pk}/").status_code == 200


def test_the_setting_saved_from_a_stale_page_shows_the_conflict(client_for, secretariat, checked_only):
    response = client_for(secretariat).post("/activities/settings/", {"version": 1})
    assert response.status_code == 409
    assert "This record was changed while you were editing it" in response.content.decode()
    assert ActivitySettings.objects.get().readers_checked_only


# --- fuzz_forms -----------------------------------------------------------------------------


def test_fuzz_forms_of_the_check_the_return_the_conversation_and_the_setting_never_answer_5xx(
    client_for, secretariat, ncp_a, submitted
):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    junk = st.one_of(st.text(max_size=80), st.sampled_from(["", "0", "-1", "99999999999", "on", "<script>"]))
    targets = {
        f"/activities/{submitted.pk}/messages/": ["text"],
        f"/activities/{submitted.pk}/return/": ["version", "comment"],
        f"/activities/{submitted.pk}/check/": ["version"],
        "/activities/settings/": ["version", "readers_checked_only"],
    }
    clients = {"secretariat": client_for(secretariat), "ncp_a": client_for(ncp_a)}

    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def run(data):
        for target, names in targets.items():
            payload = {name: data.draw(junk, label=name) for name in names}
            for who, client in clients.items():
                response = client.post(target, payload)
                assert response.status_code < 500, (who, target, payload)

    run()


def test_a_deleted_draft_takes_its_conversation_with_it(client_for, ncp_a, party_a):
    draft = ActivityFactory(party=party_a, state="draft")
    kept = ActivityFactory(party=party_a)
    for record in (draft, kept):
        message_post(user=ncp_a, record=record, party=party_a, text="A note", url="/", about="x")
    response = client_for(ncp_a).post(f"/activities/{draft.pk}/delete/", {"version": draft.version})
    assert response.status_code == 302 and not Activity.objects.filter(pk=draft.pk).exists()
    assert list(Message.objects.values_list("object_id", flat=True)) == [kept.pk]


def test_the_progress_page_costs_the_same_queries_with_a_long_thread(
    client_for, ncp_a, secretariat, party_a, plan, django_assert_max_num_queries
):
    report = ProgressReportFactory(party=party_a, state="submitted")
    client = client_for(ncp_a)
    url = report.get_absolute_url()
    message_post(user=secretariat, record=report, party=party_a, text="q0", url="/", about="x")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(1, 30):
        author = ncp_a if n % 2 else secretariat
        message_post(user=author, record=report, party=party_a, text=f"q{n}", url="/", about="x")
    with django_assert_max_num_queries(len(few)):
        assert "q29" in client.get(url).content.decode()
