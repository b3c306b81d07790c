"""Personal API tokens, and activities written through the API under the form's rules.

A token is shown once and stored hashed; it acts with exactly its person's role and Party; revoked,
it opens nothing; every use is in the audit trail. Creating and changing an activity through the API
gives the same records, history and messages as the form; a stale version is refused with 409.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from actions.models import Activity, Participation
from core.models import SecurityEvent
from parties.api_tokens import token_create
from parties.models import ApiToken
from tests.factories import ActivityFactory, action

pytestmark = pytest.mark.django_db


def _bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _send(method: str, path: str, token: str, body: dict):
    return getattr(Client(), method)(
        path, json.dumps(body), content_type="application/json", **_bearer(token)
    )


@pytest.fixture
def tokens(ncp_a, ncp_b, reader, secretariat):
    cast = {"ncp_a": ncp_a, "ncp_b": ncp_b, "reader": reader, "secretariat": secretariat}
    return {role: token_create(user=who, name="tests")[1] for role, who in cast.items()}


NEW = {
    "title": "Training of border guards in Brno",
    "kind": "training",
    "status": "ongoing",
    "state": "draft",
    "actions": ["I.2"],
    "items": ["I.2 b"],
    "start_date": "2013-04-01",
    "description": "Two weeks on document fraud.",
    "links": ["https://example.org/brno"],
    "partners": [{"organisation": "IOM", "role": "funding"}],
    "financing": [
        {"source": "1", "amount": "25000.00", "currency": "eur", "funder": "Ministry of the Interior"}
    ],
}


# --- the token pages ------------------------------------------------------------------------------------


def test_a_token_is_shown_once_and_stored_hashed(client_for, ncp_a):
    client = client_for(ncp_a)
    made = client.post("/accounts/api-tokens/", {"name": "Ministry project database"})
    assert made.status_code == 201
    token = made.context["made"]
    assert token.startswith("pp_") and token in made.content.decode()
    row = ApiToken.objects.get(user=ncp_a)
    assert row.name == "Ministry project database" and token.startswith(row.prefix)
    assert token not in json.dumps(list(ApiToken.objects.values()), default=str)  # only its digest
    again = client.get("/accounts/api-tokens/").content.decode()
    assert token not in again and row.prefix in again


def test_a_token_needs_a_name(client_for, ncp_a):
    response = client_for(ncp_a).post("/accounts/api-tokens/", {"name": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_revoked_token_opens_nothing(client_for, ncp_a):
    row, token = token_create(user=ncp_a, name="script")
    assert Client().get("/api/activities/", **_bearer(token)).status_code == 200
    assert client_for(ncp_a).post(f"/accounts/api-tokens/{row.pk}/revoke/").status_code == 302
    refused = Client().get("/api/activities/", **_bearer(token))
    assert refused.status_code == 401 and refused["WWW-Authenticate"].startswith("Bearer")
    assert SecurityEvent.objects.filter(event="api_token_refused", details__reason="revoked").exists()


def test_nobody_revokes_another_persons_token(client_for, ncp_a, ncp_b):
    row, token = token_create(user=ncp_a, name="script")
    assert client_for(ncp_b).post(f"/accounts/api-tokens/{row.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=row.pk).is_active


def test_every_use_is_in_the_audit_trail(ncp_a):
    _row, token = token_create(user=ncp_a, name="script")
    for _ in range(3):
        Client().get("/api/activities/", **_bearer(token))
    uses = SecurityEvent.objects.filter(event="api_token_used", username=ncp_a.username)
    assert uses.count() == 3
    assert uses.first().details["token"] == token[:10]


def test_an_unknown_token_is_refused(plan):
    response = Client().get("/api/activities/", **_bearer("pp_" + "x" * 43))
    assert response.status_code == 401


# --- the token acts as its person ------------------------------------------------------------------------


def test_a_token_reads_as_its_person(tokens, ncp_a, party_a):
    draft = ActivityFactory(party=party_a, state="draft", title="Draft of Party A", actions=[action("I.2")])
    own = Client().get("/api/activities/", **_bearer(tokens["ncp_a"]))
    assert draft.pk in [r["id"] for r in json.loads(own.content)["results"]]
    other = Client().get(f"/api/activities/{draft.pk}/", **_bearer(tokens["ncp_b"]))
    assert other.status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("ncp_a", 201), ("ncp_b", 400), ("reader", 403), ("secretariat", 201), (None, 401)],
)
def test_create_matrix(tokens, plan, who, status):
    body = {**NEW, "party": "CZ"}
    if who is None:
        response = Client().post("/api/activities/", json.dumps(body), content_type="application/json")
    else:
        response = _send("post", "/api/activities/", tokens[who], body)
    assert response.status_code == status, response.content
    made = Activity.objects.filter(title=NEW["title"])
    assert made.count() == (1 if status == 201 else 0)
    if status == 201:
        assert made.get().party.code == "CZ"
    if who == "ncp_b":  # a contact point names only its own Party
        assert "party" in json.loads(response.content)


@pytest.mark.parametrize(
    ("who", "status"), [("ncp_a", 200), ("ncp_b", 404), ("reader", 403), ("secretariat", 200)]
)
def test_update_matrix(tokens, party_a, who, status):
    activity = ActivityFactory(party=party_a, state="draft", title="Before", actions=[action("I.2")])
    response = _send(
        "patch",
        f"/api/activities/{activity.pk}/",
        tokens[who],
        {"version": activity.version, "title": "After"},
    )
    assert response.status_code == status, response.content
    assert Activity.objects.get(pk=activity.pk).title == ("After" if status == 200 else "Before")


def test_another_partys_submitted_activity_is_not_theirs_to_change(tokens, party_a):
    activity = ActivityFactory(party=party_a, state="submitted", title="Before", actions=[action("I.2")])
    response = _send(
        "patch",
        f"/api/activities/{activity.pk}/",
        tokens["ncp_b"],
        {"version": activity.version, "title": "After"},
    )
    assert response.status_code == 403
    assert Activity.objects.get(pk=activity.pk).title == "Before"


# --- the same as the form ----------------------------------------------------------------------------------


def test_create_gives_the_records_and_history_of_the_form(tokens, ncp_a, client_for):
    response = _send("post", "/api/activities/", tokens["ncp_a"], {**NEW, "state": "submitted"})
    assert response.status_code == 201, response.content
    body = json.loads(response.content)
    api = Activity.objects.get(pk=body["id"])
    assert response["Location"].endswith(f"/api/activities/{api.pk}/")
    assert body["actions"] == ["I.2"] and body["items"] == ["I.2 b"]
    assert body["financing"][0]["currency"] == "EUR" and body["financing"][0]["amount"] == "25000.00"
    assert body["partners"] == [{"organisation": "IOM", "role": "funding"}]
    assert body["links"] == ["https://example.org/brno"]
    # The Party is recorded in the action on submit, as through the form.
    assert Participation.objects.filter(party=ncp_a.party, action=action("I.2")).exists()
    assert body["joined"] == ["I.2"]
    # One history entry, the creation, by the token's person.
    history = list(api.history.all())
    assert len(history) == 1 and history[0].history_type == "+" and history[0].history_user == ncp_a
    assert api.created_by == ncp_a and api.version == 1


def _form_errors(client, data) -> dict:
    page = client.post("/activities/new/", data)
    assert page.status_code == 200
    return {name: list(errors) for name, errors in page.context["form"].errors.items()}


def test_the_same_messages_as_the_form(tokens, ncp_a, client_for):
    """No title, an end before the start, an unknown code: the form's own words."""
    bad = {**NEW, "title": "", "start_date": "2014-05-01", "end_date": "2014-01-01"}
    response = _send("post", "/api/activities/", tokens["ncp_a"], bad)
    assert response.status_code == 400
    api = json.loads(response.content)
    form = _form_errors(
        client_for(ncp_a),
        {
            "title": "",
            "kind": "training",
            "status": "ongoing",
            "action": "draft",
            "actions": [str(action("I.2").pk)],
            "start_date": "2014-05-01",
            "end_date": "2014-01-01",
            "financing-TOTAL_FORMS": "0",
            "financing-INITIAL_FORMS": "0",
            "partners-TOTAL_FORMS": "0",
            "partners-INITIAL_FORMS": "0",
        },
    )
    assert api["title"] == form["title"]
    assert api["end_date"] == form["end_date"]
    unknown = _send("post", "/api/activities/", tokens["ncp_a"], {**NEW, "actions": ["IX.9"]})
    assert json.loads(unknown.content)["actions"] == ["unknown code “IX.9”"]
    shapes = _send("post", "/api/activities/", tokens["ncp_a"], {**NEW, "actions": "I.2"})
    assert shapes.status_code == 400 and "actions" in json.loads(shapes.content)
    assert not Activity.objects.exists()


def test_a_stale_version_is_refused_with_409_and_the_current_record(tokens, ncp_a, party_a):
    activity = ActivityFactory(party=party_a, state="draft", title="First", actions=[action("I.2")])
    read = activity.version
    first = _send(
        "patch",
        f"/api/activities/{activity.pk}/",
        tokens["ncp_a"],
        {"version": read, "title": "Second"},
    )
    assert first.status_code == 200 and json.loads(first.content)["version"] == read + 1
    stale = _send(
        "patch", f"/api/activities/{activity.pk}/", tokens["secretariat"], {"version": read, "title": "Third"}
    )
    assert stale.status_code == 409
    body = json.loads(stale.content)
    assert body["current"]["title"] == "Second" and body["current"]["version"] == read + 1
    assert Activity.objects.get(pk=activity.pk).title == "Second"
    missing = _send("patch", f"/api/activities/{activity.pk}/", tokens["ncp_a"], {"title": "No version"})
    assert missing.status_code == 400 and "version" in json.loads(missing.content)


def test_put_replaces_every_field_and_line(tokens, ncp_a):
    made = json.loads(_send("post", "/api/activities/", tokens["ncp_a"], NEW).content)
    replaced = {
        **NEW,
        "version": made["version"],
        "title": "Replaced",
        "financing": [],
        "partners": [],
        "actions": ["II.1"],
        "items": [],
    }
    response = _send("put", f"/api/activities/{made['id']}/", tokens["ncp_a"], replaced)
    assert response.status_code == 200, response.content
    body = json.loads(response.content)
    assert (
        body["title"] == "Replaced"
        and body["financing"] == []
        and body["partners"] == []
        and body["actions"] == ["II.1"]
    )
    activity = Activity.objects.get(pk=made["id"])
    assert activity.history.count() == 2 and activity.history.first().history_user == ncp_a


def test_a_submitted_activity_stays_submitted(tokens, ncp_a, party_a):
    activity = ActivityFactory(party=party_a, state="submitted", actions=[action("I.2")])
    response = _send(
        "patch",
        f"/api/activities/{activity.pk}/",
        tokens["ncp_a"],
        {"version": activity.version, "state": "draft"},
    )
    assert response.status_code == 400
    assert Activity.objects.get(pk=activity.pk).state == "submitted"


def test_schema_documents_the_token_and_the_writes(plan):
    from openapi_spec_validator import validate

    spec = json.loads(Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)
    validate(spec)
    assert spec["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    assert {"post"} <= set(spec["paths"]["/api/activities/"])
    assert {"put", "patch"} <= set(spec["paths"]["/api/activities/{id}/"])
    assert "409" in spec["paths"]["/api/activities/{id}/"]["patch"]["responses"]
