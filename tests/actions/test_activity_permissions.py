"""authz_matrix over every activity URL, and mass_assignment on Party and state.

Records: Party A (CZ) has a submitted activity, a draft and an archived one, each with a document.
The actors, in the standing order of tests/matrix.py: anonymous, reader, coregroup, ncp_a (own
Party), ncp_b (other Party), secretariat.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, reverse

from actions import urls as action_urls
from actions.models import Activity, ActivityDocument, ActivitySettings
from parties.models import Message
from tests.actions.activity_support import PDF, activity_post, edit_post, media_root  # noqa: F401
from tests.factories import ActivityFactory, action
from tests.matrix import LOGIN, Matrix, Row, everyone, expect, members

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def _doc(activity):
    document = ActivityDocument(
        activity=activity, original_name="report.pdf", content_type="application/pdf", size=len(PDF)
    )
    document.file.save("x", ContentFile(PDF), save=False)
    document.save()
    return document


@pytest.fixture
def records(plan, party_a):
    made = {}
    for state in ("submitted", "draft", "archived"):
        activity = ActivityFactory(party=party_a, state=state, title=f"A {state}")
        made[state] = activity
        made[f"{state}_doc"] = _doc(activity)
    return made


def _url(name, record):
    """The URL of `name` for a record of the fixture (an activity or a document), or without one."""

    def build(records):
        if record is None:
            return reverse(name)
        obj = records[record]
        if isinstance(obj, ActivityDocument):
            return reverse(name, args=[obj.activity_id, obj.pk])
        return reverse(name, args=[obj.pk])

    return build


def _data(name, method, record):
    if method == "post" and name == "actions:activity-message":
        return {"text": "A question from the matrix"}
    if method == "post" and name == "actions:activity-check":
        return lambda user, records: {"version": records[record].version}
    if method == "post" and name == "actions:activity-return":
        return lambda user, records: {"version": records[record].version, "comment": "Add the figures."}
    if method == "post" and name == "actions:activity-settings":
        return {"version": 1, "readers_checked_only": "on"}
    if method == "post" and name == "actions:activity-create":
        return lambda user, records: activity_post(title="Posted by the matrix")
    if method == "post" and name == "actions:activity-edit":
        return lambda user, records: edit_post(records[record], title="Changed by the matrix")
    return None


def _the_document_itself(response, role, records):
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF


def activity_row(name, method, record, expected):
    """A row on an activity URL; `record` names the activity or document of the fixture it is tried on."""
    name = f"actions:{name}"
    return Row(
        name,
        method,
        _url(name, record),
        expected,
        data=_data(name, method, record),
        case=record or "",
        then=_the_document_itself if name == "actions:activity-document" and method == "get" else None,
    )


# "ok" is 200 for GET and a redirect for POST. A GET on a writing URL is 405 for everyone, before
# anything else is looked at.
VIEWERS = members(200)
OWN_ONLY = expect(LOGIN, 404, 404, 200, 404, 200)
WRITERS = expect(LOGIN, 403, 403, 200, 200, 200)
METHOD = everyone(405)
OWN_ONLY_WRITES = expect(LOGIN, 404, 404, 302, 404, 302)
REVIEWERS = expect(LOGIN, 403, 403, 403, 403, 302)


def _snapshot(records=None):
    return (
        sorted(Activity.objects.values_list("pk", "title", "state", "review", "version", "party_id")),
        Message.objects.count(),
        list(ActivitySettings.objects.values_list("readers_checked_only", "version")),
    )


MATRIX = Matrix(
    rows=[
        activity_row("activity-list", "get", None, VIEWERS),
        activity_row("activity-export-csv", "get", None, VIEWERS),
        activity_row("activity-export-xlsx", "get", None, VIEWERS),
        activity_row("activity-export-iati", "get", None, VIEWERS),
        activity_row("activity-list", "post", None, METHOD),
        activity_row("activity-export-csv", "post", None, METHOD),
        activity_row("activity-export-xlsx", "post", None, METHOD),
        activity_row("activity-export-iati", "post", None, METHOD),
        activity_row("activity-detail", "get", "submitted", VIEWERS),
        activity_row("activity-detail", "get", "draft", OWN_ONLY),
        activity_row("activity-detail", "get", "archived", OWN_ONLY),
        activity_row("activity-detail", "post", "submitted", METHOD),
        activity_row("activity-document", "get", "submitted_doc", VIEWERS),
        activity_row("activity-document", "get", "draft_doc", OWN_ONLY),
        activity_row("activity-document", "get", "archived_doc", OWN_ONLY),
        activity_row("activity-document", "post", "submitted_doc", METHOD),
        activity_row("activity-create", "get", None, WRITERS),
        activity_row("activity-create", "post", None, expect(LOGIN, 403, 403, 302, 302, 302)),
        activity_row("activity-create", "put", None, METHOD),
        activity_row("activity-import", "get", None, WRITERS),
        activity_row("activity-import", "post", None, WRITERS),  # no file: the form comes back with its error
        activity_row("activity-import", "delete", None, METHOD),
        activity_row("activity-edit", "get", "submitted", expect(LOGIN, 403, 403, 200, 403, 200)),
        activity_row("activity-edit", "post", "submitted", expect(LOGIN, 403, 403, 302, 403, 302)),
        activity_row("activity-edit", "get", "draft", OWN_ONLY),
        activity_row("activity-edit", "put", "submitted", METHOD),
        activity_row("activity-edit", "post", "draft", expect(LOGIN, 404, 404, 302, 404, 302)),
        activity_row("activity-delete", "get", "submitted", METHOD),
        activity_row("activity-delete", "post", "submitted", expect(LOGIN, 403, 403, 302, 403, 302)),
        activity_row("activity-delete", "post", "draft", expect(LOGIN, 404, 404, 302, 404, 302)),
        activity_row("activity-restore", "get", "archived", METHOD),
        activity_row("activity-restore", "post", "archived", expect(LOGIN, 404, 404, 403, 404, 302)),
        activity_row("activity-restore", "post", "submitted", expect(LOGIN, 403, 403, 403, 403, 302)),
        # the conversation: the Party's contact points and the secretariat
        activity_row("activity-message", "post", "submitted", expect(LOGIN, 403, 403, 302, 403, 302)),
        activity_row("activity-message", "post", "draft", OWN_ONLY_WRITES),
        activity_row("activity-message", "get", "submitted", METHOD),
        # the secretariat's check: checked, or returned with a comment
        activity_row("activity-check", "post", "submitted", REVIEWERS),
        activity_row("activity-check", "post", "draft", expect(LOGIN, 404, 404, 403, 404, 302)),
        activity_row("activity-check", "get", "submitted", METHOD),
        activity_row("activity-return", "post", "submitted", REVIEWERS),
        activity_row("activity-return", "post", "draft", expect(LOGIN, 404, 404, 403, 404, 302)),
        activity_row("activity-return", "get", "submitted", METHOD),
        activity_row("activity-settings", "get", None, expect(LOGIN, 403, 403, 403, 403, 200)),
        activity_row("activity-settings", "post", None, REVIEWERS),
        activity_row("activity-settings", "put", None, METHOD),
    ],
    # Refused: nobody's activities changed.
    refused_keeps=_snapshot,
    denials_logged=True,
)


@MATRIX.parametrize
def test_authz_matrix(row, role, records, cast, client_for):
    MATRIX.check(row, role, records, cast, client_for)


def test_authz_matrix_covers_every_activity_url():
    """Fails when an activity URL pattern is added without rows in the matrix."""
    names = {
        f"actions:{p.name}"
        for p in action_urls.urlpatterns
        if isinstance(p, URLPattern) and p.name.startswith("activity-")
    }
    assert names == MATRIX.names()
    for name in names:
        methods = {row.method for row in MATRIX.rows if row.name == name}
        assert len(methods) >= 2, f"{name} needs a wrong-method row"


def test_authz_matrix_other_partys_rows_unchanged_after_cross_party_writes(client_for, ncp_b, records):
    before = _snapshot()
    client = client_for(ncp_b)
    submitted, draft = records["submitted"], records["draft"]
    client.post(f"/activities/{submitted.pk}/edit/", edit_post(submitted, title="hijacked"))
    client.post(f"/activities/{submitted.pk}/delete/")
    client.post(f"/activities/{draft.pk}/delete/")
    client.post(f"/activities/{records['archived'].pk}/restore/")
    assert _snapshot() == before


def test_mass_assignment_contact_point_posting_another_party_gets_its_own(
    client_for, ncp_a, party_a, party_b
):
    response = client_for(ncp_a).post("/activities/new/", activity_post(title="Mine", party=str(party_b.pk)))
    assert response.status_code == 302
    activity = Activity.objects.get(title="Mine")
    assert activity.party == party_a
    assert activity.created_by == ncp_a


def test_mass_assignment_contact_point_cannot_move_an_activity_to_another_party(
    client_for, ncp_a, party_a, party_b
):
    activity = ActivityFactory(party=party_a, actions=[action("I.2")])
    response = client_for(ncp_a).post(
        f"/activities/{activity.pk}/edit/", edit_post(activity, party=str(party_b.pk), title="Still mine")
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.party == party_a and activity.title == "Still mine"


@pytest.mark.parametrize("state", ["archived", "bogus"])
def test_mass_assignment_contact_point_cannot_set_a_state_it_may_not(client_for, ncp_a, party_a, state):
    client = client_for(ncp_a)
    response = client.post("/activities/new/", activity_post(title="Sneaky", state=state))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Activity.objects.filter(title="Sneaky").exists()


def test_mass_assignment_submitted_activity_cannot_go_back_to_draft(client_for, ncp_a, party_a):
    activity = ActivityFactory(party=party_a, state="submitted")
    response = client_for(ncp_a).post(
        f"/activities/{activity.pk}/edit/", edit_post(activity, state="draft", title="Back to draft")
    )
    assert response.status_code == 200
    activity.refresh_from_db()
    assert activity.state == "submitted" and activity.title != "Back to draft"


def test_mass_assignment_version_and_created_by_are_not_taken_from_the_post(
    client_for, ncp_a, secretariat, party_a
):
    response = client_for(ncp_a).post(
        "/activities/new/", activity_post(title="Versioned", version="99", created_by=str(secretariat.pk))
    )
    assert response.status_code == 302
    activity = Activity.objects.get(title="Versioned")
    assert activity.version == 1 and activity.created_by == ncp_a


def test_secretariat_may_log_for_any_party(client_for, secretariat, party_b):
    response = client_for(secretariat).post(
        "/activities/new/", activity_post(title="For DE", party=str(party_b.pk))
    )
    assert response.status_code == 302
    assert Activity.objects.get(title="For DE").party == party_b


def test_contact_point_cannot_edit_other_partys_activity(client_for, ncp_b, party_a):
    activity = ActivityFactory(party=party_a, title="Czech")
    response = client_for(ncp_b).post(f"/activities/{activity.pk}/edit/", edit_post(activity, title="German"))
    assert response.status_code == 403
    activity.refresh_from_db()
    assert activity.title == "Czech"


def test_secretariat_may_move_an_activity_to_another_party(client_for, secretariat, party_a, party_b):
    activity = ActivityFactory(party=party_a, title="Misfiled")
    response = client_for(secretariat).post(
        f"/activities/{activity.pk}/edit/", edit_post(activity, party=str(party_b.pk))
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.party == party_b and activity.updated_by == secretariat
