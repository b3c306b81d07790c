"""The read API (/api/): its schema, what it shows to whom, its filters, pages and conditional GETs.

Every endpoint is walked as an anonymous client: no draft, no person's contact detail and no
unpublished report appears in any answer. Members read the activities the list page shows them,
with the list page's filters. Lists answer ETag and Last-Modified, and 304 to a client that sends
them back while nothing changed. Query counts do not grow with the data.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.test import Client
from openapi_spec_validator import validate
from rest_framework.throttling import AnonRateThrottle

from actions.models import Activity
from evaluation.models import ReportVersion
from meetings.models import Meeting
from tests.factories import ActivityFactory, FinancingLineFactory, MeetingFactory, action
from tests.matrix import LOGIN, Matrix, Row, everyone, expect, members

pytestmark = pytest.mark.django_db

SECRET_EMAIL = "ncp-private@example.org"


def _version(plan, state, number, language="en", title=None):
    return ReportVersion.objects.create(
        plan=plan,
        kind="yearly",
        year=2014,
        start_year=2014,
        number=number,
        language=language,
        title=title or f"Yearly monitoring report 2014, version {number}",
        data={"activities": number},
        html="<p>report</p>",
        pdf=b"",
        xlsx=b"",
        state=state,
        published_at=datetime(2015, 6, 1, tzinfo=UTC) if state == "published" else None,
    )


@pytest.fixture
def world(plan, party_a, party_b, ncp_a):
    ncp_a.email = SECRET_EMAIL
    ncp_a.save()
    submitted = ActivityFactory(
        party=party_a, state="submitted", title="Submitted training of Party A", actions=[action("I.2")]
    )
    FinancingLineFactory(activity=submitted)
    draft = ActivityFactory(party=party_a, state="draft", title="Draft of Party A", actions=[action("I.2")])
    other = ActivityFactory(
        party=party_b, state="submitted", title="Submitted of Party B", actions=[action("II.1")]
    )
    meeting = MeetingFactory(title="Senior Officials' Meeting in Poznan")
    published = _version(plan, "published", 1)
    draft_report = _version(plan, "draft", 2, title="Unpublished draft report")
    from parties.api_tokens import token_create

    token, _secret = token_create(user=ncp_a, name="Party A's script")
    return {
        "token": token.pk,
        "submitted": submitted.pk,
        "draft": draft.pk,
        "other": other.pk,
        "meeting": meeting.pk,
        "report": published.pk,
        "draft_report": draft_report.pk,
    }


def _json(response):
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return json.loads(response.content)


def _ids(client, path):
    return [row["id"] for row in _json(client.get(path))["results"]]


# --- the schema and its documentation ------------------------------------------------------------


def test_schema_is_valid_openapi_3(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    spec = json.loads(response.content)
    validate(spec)  # raises on an invalid document
    assert spec["openapi"].startswith("3.")
    paths = set(spec["paths"])
    for path in (
        "/api/plans/",
        "/api/plans/{slug}/",
        "/api/parties/",
        "/api/activities/",
        "/api/reports/{id}/",
    ):
        assert path in paths, path
    # The list page's filters are the endpoint's parameters.
    names = {p["name"] for p in spec["paths"]["/api/activities/"]["get"]["parameters"]}
    assert {"q", "area", "action", "party", "group", "kind", "status", "cursor"} <= names


def test_documentation_is_served_by_the_portal(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    for cdn in ("unpkg.com", "jsdelivr", "cdnjs", "googleapis"):
        assert cdn not in page


def test_root_names_every_list(client):
    links = _json(client.get("/api/"))
    assert set(links) == {
        "plans",
        "parties",
        "participation",
        "activities",
        "meetings",
        "reports",
        "schema",
        "documentation",
    }
    assert links["plans"] == "http://testserver/api/plans/"


# --- content in both languages --------------------------------------------------------------------


def test_plan_in_both_languages(client, plan):
    body = _json(client.get(f"/api/plans/{plan.url_slug}/"))
    assert body["title"]["en"] == plan.title_en
    assert body["title"]["ru"] == plan.title_ru and body["title"]["ru"]
    area = body["areas"][0]
    assert area["numeral"] == "I" and area["title"]["ru"]
    act = next(a for a in area["actions"] if a["code"] == "I.2")
    assert act["text"]["en"] == action("I.2").text_en and act["text"]["ru"]
    assert [i["letter"] for i in act["items"]] == sorted(i["letter"] for i in act["items"])
    assert act["url"] == "http://testserver/plans/2012-2016/I/2/"
    assert client.get("/api/plans/no-such-plan/").status_code == 404


def test_parties_with_group_and_names_per_plan(client, plan, party_a):
    body = _json(client.get("/api/parties/"))
    assert len(body) == 52
    cz = next(p for p in body if p["code"] == "CZ")
    assert cz["name"]["en"] == party_a.name_en and cz["name"]["ru"] == party_a.name_ru != ""
    assert cz["group"]["code"] and cz["group"]["name"]["ru"]
    assert [n["plan"] for n in cz["names"]] == ["2012-2016"]
    assert _json(client.get("/api/parties/cz/"))["code"] == "CZ"


# --- what each one sees -----------------------------------------------------------------------------


def _walk(client, world) -> list[str]:
    """Every endpoint of the schema, its placeholders filled from the world, each list to its end."""
    spec = json.loads(client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)
    fill = {
        "{slug}": "2012-2016",
        "{code}": "cz",
        "{id}": str(world["submitted"]),
    }
    bodies = []
    for template in spec["paths"]:
        paths = [template]
        if "{id}" in template:
            kind = template.split("/")[2]
            ids = {
                "activities": [world["submitted"], world["draft"], world["other"]],
                "meetings": [world["meeting"]],
                "reports": [world["report"], world["draft_report"]],
            }[kind]
            paths = [template.replace("{id}", str(pk)) for pk in ids]
        for path in paths:
            for key, value in fill.items():
                path = path.replace(key, value)
            url = path
            while url:
                response = client.get(url)
                bodies.append(response.content.decode())
                data = json.loads(response.content) if response.status_code == 200 else None
                url = data.get("next") if isinstance(data, dict) else None
    return bodies


def test_anonymous_walk_shows_nothing_private(world):
    everything = "\n".join(_walk(Client(), world))
    assert "Submitted training of Party A" not in everything  # activities are for members
    assert "Draft of Party A" not in everything
    assert "Unpublished draft report" not in everything
    assert SECRET_EMAIL not in everything
    assert "@" not in everything.replace("@context", "")  # no address of anyone
    assert "Senior Officials' Meeting in Poznan" in everything  # what is public is there
    assert "Yearly monitoring report 2014, version 1" in everything


def test_reader_walk_shows_no_draft(world, client_for, reader):
    everything = "\n".join(_walk(client_for(reader), world))
    assert "Submitted training of Party A" in everything
    assert "Draft of Party A" not in everything
    assert "Unpublished draft report" not in everything
    assert SECRET_EMAIL not in everything


def test_contact_point_reads_its_own_drafts_not_another_partys(world, client_for, ncp_a, ncp_b):
    assert world["draft"] in _ids(client_for(ncp_a), "/api/activities/")
    assert world["draft"] not in _ids(client_for(ncp_b), "/api/activities/")
    assert client_for(ncp_b).get(f"/api/activities/{world['draft']}/").status_code == 404


def test_activity_with_its_financing_and_actions(world, client_for, reader):
    body = _json(client_for(reader).get(f"/api/activities/{world['submitted']}/"))
    assert body["party"] == "CZ" and body["actions"] == ["I.2"] and body["state"] == "submitted"
    line = body["financing"][0]
    assert set(line) == {"source", "amount", "currency", "funder"}
    assert set(line["source"]) == {"en", "ru"}
    assert "created_by" not in body and "updated_by" not in body


# --- filters and pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["party=CZ", "party=DE", "status=planned", "q=training", "kind=other", "party=CZ&q=nothing-matches"],
)
def test_filters_match_the_list_page(world, client_for, ncp_a, query):
    client = client_for(ncp_a)
    page = client.get(f"/activities/?{query}")
    on_page = sorted(a.pk for a in page.context["page"].object_list)
    assert sorted(_ids(client, f"/api/activities/?{query}")) == on_page


def test_a_bad_filter_is_a_clear_400(world, client_for, reader):
    response = client_for(reader).get("/api/activities/?area=not-a-number")
    assert response.status_code == 400
    assert "area" in _json(response)


def test_pages_are_stable_while_records_are_added(world, client_for, party_a, secretariat):
    client = client_for(secretariat)
    for n in range(5):
        ActivityFactory(party=party_a, state="submitted", title=f"More {n}", actions=[action("I.1")])
    first = _json(client.get("/api/activities/?page_size=3"))
    seen = [row["id"] for row in first["results"]]
    ActivityFactory(
        party=party_a, state="submitted", title="Added between two pages", actions=[action("I.1")]
    )
    url = first["next"]
    while url:
        page = _json(client.get(url))
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    every = sorted(Activity.objects.values_list("pk", flat=True))
    assert seen == every  # in id order, none twice, none missed (the one added last comes last)


# --- conditional GETs --------------------------------------------------------------------------------


def test_an_unchanged_list_answers_304(world, client_for, reader):
    client = client_for(reader)
    first = client.get("/api/activities/")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag and modified
    again = client.get("/api/activities/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    Activity.objects.filter(pk=world["submitted"]).update(title="Renamed", updated_at=datetime.now(UTC))
    changed = client.get("/api/activities/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    Activity.objects.filter(pk=world["other"]).delete()
    assert client.get("/api/activities/", HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 200


def test_the_tag_differs_by_who_reads(world, client_for, ncp_a, reader):
    assert (
        client_for(ncp_a).get("/api/activities/")["ETag"]
        != client_for(reader).get("/api/activities/")["ETag"]
    )


def test_a_plan_text_edit_changes_the_plans_tag(client, plan):
    path = f"/api/plans/{plan.url_slug}/"
    etag = client.get(path)["ETag"]
    assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304
    item = action("I.2").items.first()
    item.text_ru = item.text_ru + " (исправлено)"
    item.save()
    assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 200


# --- the rate of anonymous clients ------------------------------------------------------------------


def test_anonymous_clients_are_kept_to_a_rate(plan, monkeypatch, client_for, reader):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    anonymous = Client()
    statuses = [anonymous.get("/api/parties/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    member = client_for(reader)
    assert all(member.get("/api/parties/").status_code == 200 for _ in range(4))


# --- queries do not grow with the data ----------------------------------------------------------------


def _grow(party_a, party_b, n):
    for i in range(n):
        a = ActivityFactory(
            party=party_a if i % 2 else party_b,
            state="submitted",
            title=f"Grown {i}",
            actions=[action("I.2"), action("III.1")],
        )
        a.other_parties.add(party_b if i % 2 else party_a)
        FinancingLineFactory(activity=a)
        MeetingFactory(title=f"Meeting {i}")


@pytest.mark.parametrize(
    "path",
    [
        "/api/plans/",
        "/api/plans/2012-2016/",
        "/api/parties/",
        "/api/participation/",
        "/api/activities/",
        "/api/meetings/",
        "/api/reports/",
    ],
)
def test_queries_flat(world, client_for, reader, party_a, party_b, path, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(reader)
    client.get(path)
    with CaptureQueriesContext(connection) as small:
        assert client.get(path).status_code == 200
    _grow(party_a, party_b, 12)
    with django_assert_max_num_queries(len(small)):
        assert client.get(path).status_code == 200


# --- the matrix ------------------------------------------------------------------------------------------

MEMBERS_ONLY = expect(401, 200, 200, 200, 200, 200)  # anonymous: 401, asked for a token

MATRIX = Matrix(
    rows=[
        Row("api:root", "get", "/api/", everyone(200)),
        Row("api:schema", "get", "/api/schema/", everyone(200)),
        Row("api:docs", "get", "/api/docs/", everyone(200)),
        Row("api:plan-list", "get", "/api/plans/", everyone(200)),
        Row("api:plan-detail", "get", "/api/plans/2012-2016/", everyone(200)),
        Row("api:party-list", "get", "/api/parties/", everyone(200)),
        Row("api:party-detail", "get", "/api/parties/cz/", everyone(200)),
        Row("api:participation-list", "get", "/api/participation/", everyone(200)),
        Row("api:activity-list", "get", "/api/activities/", MEMBERS_ONLY),
        Row("api:activity-detail", "get", "/api/activities/{submitted}/", MEMBERS_ONLY),
        # Party A's draft: its own contact point and the secretariat; a hiding 404 for the others.
        Row(
            "api:activity-detail",
            "get",
            "/api/activities/{draft}/",
            expect(401, 404, 404, 200, 404, 200),
            case="draft",
        ),
        Row("api:meeting-list", "get", "/api/meetings/", everyone(200)),
        Row("api:meeting-detail", "get", "/api/meetings/{meeting}/", everyone(200)),
        Row("api:report-list", "get", "/api/reports/", everyone(200)),
        Row("api:report-detail", "get", "/api/reports/{report}/", everyone(200)),
        Row("api:report-detail", "get", "/api/reports/{draft_report}/", everyone(404), case="draft"),
        # Writing activities: contact points and the secretariat, in JSON (a form post is 415);
        # others 403, anonymous clients 401 (asked for a token).
        Row(
            "api:activity-list",
            "post",
            "/api/activities/",
            expect(401, 403, 403, 415, 415, 415),
            case="write",
        ),
        Row("api:meeting-list", "post", "/api/meetings/", everyone(405), case="write"),
        # Personal tokens: each person's own; another person's token is out of sight.
        Row("api-tokens", "get", "/accounts/api-tokens/", members(200)),
        Row("api-tokens", "post", "/accounts/api-tokens/", members(201), data={"name": "A script"}),
        Row(
            "api-token-revoke",
            "post",
            "/accounts/api-tokens/{token}/revoke/",
            expect(LOGIN, 404, 404, 302, 404, 404),
        ),
    ],
)


@MATRIX.parametrize
def test_authz_matrix(row, role, world, cast, client_for):
    MATRIX.check(row, role, world, cast, client_for)


def test_meeting_times_in_utc(client, plan):
    meeting = MeetingFactory(title="SOM")
    body = _json(client.get(f"/api/meetings/{meeting.pk}/"))
    assert body["starts_at"] == Meeting.objects.get(pk=meeting.pk).starts_at.astimezone(
        UTC
    ).isoformat().replace("+00:00", "Z")
    assert body["calendar"].endswith(f"/meetings/{meeting.pk}/calendar.ics")
