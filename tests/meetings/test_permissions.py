"""authz_matrix for meetings: every URL pattern x every role -> status; other Parties' rows unchanged."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from meetings import urls as meeting_urls
from meetings.models import Decision, DecisionUpdate, Delegate, Document, Invitation, Meeting
from tests.factories import DecisionFactory, DelegateFactory
from tests.matrix import LOGIN, Matrix, Row, everyone, expect, members

PUBLIC = everyone(200)
MANAGE = expect(LOGIN, 403, 403, 403, 403, 200)
MEMBERS = members(200)
PARTICIPANTS = expect(LOGIN, 403, 200, 403, 403, 200)
NOT_ALLOWED = members(405)

REGISTER_POST = {
    "delegates-TOTAL_FORMS": "1",
    "delegates-INITIAL_FORMS": "0",
    "delegates-MIN_NUM_FORMS": "0",
    "delegates-MAX_NUM_FORMS": "20",
    "delegates-0-name": "Intruder",
    "delegates-0-email": "x@example.org",
}


def _meetings_unchanged(world):
    """What a refused request must leave as it was: meetings, answers, delegates, decisions, documents."""
    return (
        list(Meeting.objects.order_by("pk").values_list("pk", "title", "status", "starts_at", "version")),
        list(Invitation.objects.order_by("pk").values_list("pk", "answer", "version")),
        list(Delegate.objects.order_by("pk").values_list("pk", "name", "email")),
        list(Decision.objects.order_by("pk").values_list("pk", "text", "status", "version")),
        list(DecisionUpdate.objects.order_by("pk").values_list("pk", "to_status", "note")),
        list(Document.objects.order_by("pk").values_list("pk", "title")),
    )


def _other_partys_delegates(world):
    return list(Delegate.objects.filter(invitation__party__code="DE").values_list("pk", "name"))


def _decision_update(pk_key: str):
    """An owner's status report on the world's decision `pk_key`, at its current version."""

    def data(user, world):
        version = Decision.objects.get(pk=world[pk_key]).version
        return {"status": "in_progress", "note": "Working group set up.", "version": version}

    return data


# Paths are formatted with the world: {m} meeting, {d} document, {x} decision (owned by party A),
# {xc} a decision of the core group, {xs} one of the secretariat, {t} feed token.
MATRIX = Matrix(
    rows=[
        Row("meetings:list", "get", "/meetings/", PUBLIC),
        Row("meetings:detail", "get", "/meetings/{m}/", PUBLIC),
        Row("meetings:agenda", "get", "/meetings/{m}/agenda/", PUBLIC),
        Row("meetings:calendar", "get", "/meetings/{m}/calendar.ics", PUBLIC),
        Row("meetings:feed", "get", "/meetings/feed/{t}.ics", PUBLIC),
        Row("meetings:new", "get", "/meetings/new/", MANAGE),
        Row("meetings:new", "post", "/meetings/new/", MANAGE),
        Row("meetings:edit", "get", "/meetings/{m}/edit/", MANAGE),
        Row("meetings:edit", "post", "/meetings/{m}/edit/", MANAGE),
        Row("meetings:reschedule", "get", "/meetings/{m}/reschedule/", MANAGE),
        Row("meetings:cancel", "post", "/meetings/{m}/cancel/", expect(LOGIN, 403, 403, 403, 403, 302)),
        Row("meetings:cancel", "get", "/meetings/{m}/cancel/", NOT_ALLOWED),
        Row("meetings:agenda-edit", "get", "/meetings/{m}/agenda/edit/", MANAGE),
        Row("meetings:invitations", "get", "/meetings/{m}/invitations/", MANAGE),
        Row("meetings:invitations", "post", "/meetings/{m}/invitations/", MANAGE),
        Row("meetings:attendance", "get", "/meetings/{m}/attendance/", MANAGE),
        Row("meetings:document-new", "get", "/meetings/{m}/documents/new/", MANAGE),
        Row("meetings:minutes", "get", "/meetings/{m}/minutes/", MANAGE),
        Row("meetings:decision-new", "get", "/meetings/{m}/decisions/new/", MANAGE),
        Row("meetings:decision-edit", "get", "/meetings/{m}/decisions/{x}/edit/", MANAGE),
        Row("meetings:decision", "get", "/meetings/{m}/decisions/{x}/", PUBLIC),
        # A status update: by an owner (party A's contact point, the core group for its own), the
        # secretariat always; the decision is public, so the others are refused with 403.
        Row(
            "meetings:decision",
            "post",
            "/meetings/{m}/decisions/{x}/",
            expect(LOGIN, 403, 403, 302, 403, 302),
            data=_decision_update("x"),
            case="party",
        ),
        Row(
            "meetings:decision",
            "post",
            "/meetings/{m}/decisions/{xc}/",
            expect(LOGIN, 403, 302, 403, 403, 302),
            data=_decision_update("xc"),
            case="core-group",
        ),
        Row(
            "meetings:decision",
            "post",
            "/meetings/{m}/decisions/{xs}/",
            expect(LOGIN, 403, 403, 403, 403, 302),
            data=_decision_update("xs"),
            case="secretariat",
        ),
        Row("meetings:reminders", "get", "/meetings/reminders/", MANAGE),
        Row("meetings:participants", "get", "/meetings/{m}/participants/", PARTICIPANTS),
        Row("meetings:participants-csv", "get", "/meetings/{m}/participants.csv", PARTICIPANTS),
        Row("meetings:document", "get", "/meetings/{m}/documents/{d}/", MEMBERS),
        Row("meetings:my-calendar", "get", "/meetings/calendar/", MEMBERS),
        Row("meetings:feed-renew", "post", "/meetings/feed/renew/", members(302)),
        Row("meetings:feed-renew", "get", "/meetings/feed/renew/", NOT_ALLOWED),
        Row(
            "meetings:register-own", "get", "/meetings/{m}/register/", expect(LOGIN, 404, 404, 302, 302, 404)
        ),
        # The registration of party_a (CZ): its own contact point and the secretariat write; the other
        # Party's contact point does not see it (404); the core group sees participants but writes not.
        Row("meetings:register", "get", "/meetings/{m}/register/cz/", expect(LOGIN, 404, 403, 200, 404, 200)),
        Row(
            "meetings:register",
            "post",
            "/meetings/{m}/register/cz/",
            expect(LOGIN, 404, 403, 302, 404, 302),
            data=REGISTER_POST,
        ),
    ],
    refused_keeps=_meetings_unchanged,
    denials_logged=True,
    # Nobody touches the other Party's delegates from these pages.
    keeps=_other_partys_delegates,
)


def test_authz_matrix_covers_every_meeting_url():
    names = {f"meetings:{p.name}" for p in meeting_urls.urlpatterns}
    assert names == MATRIX.names()


@pytest.fixture
def world(invited_meeting, cast, ncp_a, party_a, party_b):
    meeting = invited_meeting
    de = meeting.invitations.get(party=party_b)
    other = DelegateFactory(invitation=de, name="Delegate of DE")
    document = Document.objects.create(
        meeting=meeting,
        title="Minutes",
        kind="minutes",
        language="en",
        file=ContentFile(b"%PDF-1.4 test", name="x"),
        filename="minutes.pdf",
        content_type="application/pdf",
        size=13,
    )
    decision = DecisionFactory(meeting=meeting, owner_parties=[party_a])
    core = DecisionFactory(meeting=meeting, owner_core_group=True)
    ours = DecisionFactory(meeting=meeting, owner_secretariat=True)
    return {
        "m": meeting.pk,
        "d": document.pk,
        "x": decision.pk,
        "xc": core.pk,
        "xs": ours.pk,
        "t": ncp_a.calendar_token,
        "other": other,
    }


@pytest.mark.django_db
@MATRIX.parametrize
def test_authz_matrix(row, role, world, cast, client_for):
    MATRIX.check(row, role, world, cast, client_for)
    # The other Party's delegate is never touched.
    assert Delegate.objects.filter(pk=world["other"].pk, name="Delegate of DE").exists()


@pytest.mark.django_db
def test_a_wrong_feed_token_is_404(client):
    assert client.get("/meetings/feed/not-a-token.ics").status_code == 404


@pytest.mark.django_db
def test_contact_point_cannot_register_for_another_party_by_posting(world, ncp_b, client_for, party_a):
    response = client_for(ncp_b).post(f"/meetings/{world['m']}/register/cz/", REGISTER_POST)
    assert response.status_code == 404
    assert not Delegate.objects.filter(invitation__party=party_a).exists()


@pytest.mark.django_db
def test_mass_assignment_contact_point_cannot_steer_party_or_answer(world, ncp_a, client_for, party_b):
    """Extra fields naming another Party, another answer or another meeting are ignored."""
    data = {**REGISTER_POST, "party": party_b.pk, "answer": "declined", "meeting": 0, "invitation": 0}
    response = client_for(ncp_a).post(f"/meetings/{world['m']}/register/cz/", data)
    assert response.status_code == 302
    from meetings.models import Invitation

    cz = Invitation.objects.get(meeting_id=world["m"], party__code="CZ")
    de = Invitation.objects.get(meeting_id=world["m"], party=party_b)
    assert cz.answer == "registered" and list(cz.delegates.values_list("name", flat=True)) == ["Intruder"]
    assert de.answer == "registered" and list(de.delegates.values_list("name", flat=True)) == [
        "Delegate of DE"
    ]
