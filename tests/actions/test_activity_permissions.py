"""authz_matrix over every activity URL, and mass_assignment on Party and state.

Records: Party A (CZ) has a submitted activity, a draft and an archived one, each with a document.
The actors: ncp_a (own Party), ncp_b (other Party), secretariat, reader, coregroup, anonymous.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern

from actions import urls as action_urls
from actions.models import Activity, ActivityDocument
from tests.actions.activity_support import PDF, activity_post, edit_post, media_root  # noqa: F401
from tests.factories import ActivityFactory, action

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

ROLES = ["ncp_a", "ncp_b", "secretariat", "reader", "coregroup", "anonymous"]
LOGIN = "login"  # a redirect to the sign-in page


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


# (url name, method, record, {actor: expected}); "ok" is 200 for GET and a redirect for POST.
# A GET on a writing URL is 405 for everyone, before anything else is looked at.
VIEWERS = {
    "ncp_a": 200,
    "ncp_b": 200,
    "secretariat": 200,
    "reader": 200,
    "coregroup": 200,
    "anonymous": LOGIN,
}
OWN_ONLY = {
    "ncp_a": 200,
    "ncp_b": 404,
    "secretariat": 200,
    "reader": 404,
    "coregroup": 404,
    "anonymous": LOGIN,
}
WRITERS = {
    "ncp_a": 200,
    "ncp_b": 200,
    "secretariat": 200,
    "reader": 403,
    "coregroup": 403,
    "anonymous": LOGIN,
}
METHOD = {role: 405 for role in ROLES}

MATRIX = [
    ("activity-list", "get", None, VIEWERS),
    ("activity-export-csv", "get", None, VIEWERS),
    ("activity-export-xlsx", "get", None, VIEWERS),
    ("activity-list", "post", None, METHOD),
    ("activity-export-csv", "post", None, METHOD),
    ("activity-export-xlsx", "post", None, METHOD),
    ("activity-detail", "get", "submitted", VIEWERS),
    ("activity-detail", "get", "draft", OWN_ONLY),
    ("activity-detail", "get", "archived", OWN_ONLY),
    ("activity-detail", "post", "submitted", METHOD),
    ("activity-document", "get", "submitted_doc", VIEWERS),
    ("activity-document", "get", "draft_doc", OWN_ONLY),
    ("activity-document", "get", "archived_doc", OWN_ONLY),
    ("activity-document", "post", "submitted_doc", METHOD),
    ("activity-create", "get", None, WRITERS),
    ("activity-create", "post", None, {**WRITERS, "ncp_a": 302, "ncp_b": 302, "secretariat": 302}),
    ("activity-create", "put", None, METHOD),
    ("activity-import", "get", None, WRITERS),
    ("activity-import", "post", None, WRITERS),  # no file: the form comes back with its error
    ("activity-import", "delete", None, METHOD),
    ("activity-edit", "get", "submitted", {**WRITERS, "ncp_b": 403}),
    ("activity-edit", "post", "submitted", {**WRITERS, "ncp_a": 302, "secretariat": 302, "ncp_b": 403}),
    ("activity-edit", "get", "draft", {**OWN_ONLY}),
    ("activity-edit", "put", "submitted", METHOD),
    ("activity-edit", "post", "draft", {**OWN_ONLY, "ncp_a": 302, "secretariat": 302}),
    ("activity-delete", "get", "submitted", METHOD),
    ("activity-delete", "post", "submitted", {**WRITERS, "ncp_a": 302, "secretariat": 302, "ncp_b": 403}),
    ("activity-delete", "post", "draft", {**OWN_ONLY, "ncp_a": 302, "secretariat": 302}),
    ("activity-restore", "get", "archived", METHOD),
    (
        "activity-restore",
        "post",
        "archived",
        {"ncp_a": 403, "ncp_b": 404, "secretariat": 302, "reader": 404, "coregroup": 404, "anonymous": LOGIN},
    ),
    (
        "activity-restore",
        "post",
        "submitted",
        {"ncp_a": 403, "ncp_b": 403, "secretariat": 302, "reader": 403, "coregroup": 403, "anonymous": LOGIN},
    ),
]

CASES = [
    pytest.param(name, method, record, role, expected[role], id=f"{name}-{method}-{record}-{role}")
    for name, method, record, expected in MATRIX
    for role in ROLES
]


def _url(name, record, records):
    from django.urls import reverse

    if record is None:
        return reverse(f"actions:{name}")
    obj = records[record]
    if isinstance(obj, ActivityDocument):
        return reverse(f"actions:{name}", args=[obj.activity_id, obj.pk])
    return reverse(f"actions:{name}", args=[obj.pk])


def _activity_url_names() -> set[str]:
    """The URL names of the `# activities` block of actions/urls.py."""
    return {
        p.name
        for p in action_urls.urlpatterns
        if isinstance(p, URLPattern) and p.name.startswith("activity-")
    }


def _snapshot():
    return sorted(Activity.objects.values_list("pk", "title", "state", "version", "party_id"))


@pytest.mark.parametrize("name,method,record,role,expected", CASES)
def test_authz_matrix(client_for, cast, records, name, method, record, role, expected):
    missing = _activity_url_names() - {row[0] for row in MATRIX}
    assert not missing, f"activity URLs missing from the permission matrix: {sorted(missing)}"
    client = client_for(cast[role])
    url = _url(name, record, records)
    data = {}
    if method == "post" and name == "activity-create":
        data = activity_post(title="Posted by the matrix")
    elif method == "post" and name == "activity-edit":
        data = edit_post(records[record], title="Changed by the matrix")
    before = _snapshot()
    response = getattr(client, method)(url, data)
    if expected == LOGIN:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == expected, (url, role, response.status_code)
    if response.status_code in (302, 403, 404, 405) and expected != 302:
        # Refused: nobody's activities changed.
        assert _snapshot() == before
    if name == "activity-document" and expected == 200:
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content) == PDF


def test_authz_matrix_covers_every_activity_url():
    """Fails when an activity URL pattern is added without rows in the matrix."""
    names = {
        p.name
        for p in action_urls.urlpatterns
        if isinstance(p, URLPattern) and p.name.startswith("activity-")
    }
    assert names == {row[0] for row in MATRIX}
    for name in names:
        methods = {row[1] for row in MATRIX if row[0] == name}
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
