"""authz_matrix for meetings: every URL pattern x every role -> status; other Parties' rows unchanged."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from meetings import urls as meeting_urls
from meetings.models import Delegate, Document
from tests.factories import DecisionFactory, DelegateFactory

ROLES = ["anonymous", "secretariat", "ncp_a", "ncp_b", "reader", "coregroup"]
LOGIN = 302


def statuses(anonymous, secretariat, ncp_a, ncp_b, reader, coregroup):
    return dict(zip(ROLES, [anonymous, secretariat, ncp_a, ncp_b, reader, coregroup], strict=True))


PUBLIC = statuses(200, 200, 200, 200, 200, 200)
MANAGE = statuses(LOGIN, 200, 403, 403, 403, 403)
MEMBERS = statuses(LOGIN, 200, 200, 200, 200, 200)
PARTICIPANTS = statuses(LOGIN, 200, 403, 403, 403, 200)

# (url name, method, path template, expected). {m} meeting, {d} document, {x} decision, {t} token.
MATRIX = [
    ("list", "get", "/meetings/", PUBLIC),
    ("detail", "get", "/meetings/{m}/", PUBLIC),
    ("agenda", "get", "/meetings/{m}/agenda/", PUBLIC),
    ("calendar", "get", "/meetings/{m}/calendar.ics", PUBLIC),
    ("feed", "get", "/meetings/feed/{t}.ics", PUBLIC),
    ("new", "get", "/meetings/new/", MANAGE),
    ("new", "post", "/meetings/new/", MANAGE),
    ("edit", "get", "/meetings/{m}/edit/", MANAGE),
    ("edit", "post", "/meetings/{m}/edit/", MANAGE),
    ("reschedule", "get", "/meetings/{m}/reschedule/", MANAGE),
    ("cancel", "post", "/meetings/{m}/cancel/", statuses(LOGIN, 302, 403, 403, 403, 403)),
    ("cancel", "get", "/meetings/{m}/cancel/", statuses(LOGIN, 405, 405, 405, 405, 405)),
    ("agenda-edit", "get", "/meetings/{m}/agenda/edit/", MANAGE),
    ("invitations", "get", "/meetings/{m}/invitations/", MANAGE),
    ("invitations", "post", "/meetings/{m}/invitations/", MANAGE),
    ("attendance", "get", "/meetings/{m}/attendance/", MANAGE),
    ("document-new", "get", "/meetings/{m}/documents/new/", MANAGE),
    ("minutes", "get", "/meetings/{m}/minutes/", MANAGE),
    ("decision-new", "get", "/meetings/{m}/decisions/new/", MANAGE),
    ("decision-edit", "get", "/meetings/{m}/decisions/{x}/edit/", MANAGE),
    ("reminders", "get", "/meetings/reminders/", MANAGE),
    ("participants", "get", "/meetings/{m}/participants/", PARTICIPANTS),
    ("participants-csv", "get", "/meetings/{m}/participants.csv", PARTICIPANTS),
    ("document", "get", "/meetings/{m}/documents/{d}/", MEMBERS),
    ("my-calendar", "get", "/meetings/calendar/", MEMBERS),
    ("feed-renew", "post", "/meetings/feed/renew/", statuses(LOGIN, 302, 302, 302, 302, 302)),
    ("feed-renew", "get", "/meetings/feed/renew/", statuses(LOGIN, 405, 405, 405, 405, 405)),
    ("register-own", "get", "/meetings/{m}/register/", statuses(LOGIN, 404, 302, 302, 404, 404)),
    # The registration of party_a (CZ): its own contact point and the secretariat write; the other
    # Party's contact point does not see it (404); the core group sees participants but writes not.
    ("register", "get", "/meetings/{m}/register/cz/", statuses(LOGIN, 200, 200, 404, 404, 403)),
    ("register", "post", "/meetings/{m}/register/cz/", statuses(LOGIN, 302, 302, 404, 404, 403)),
]

REGISTER_POST = {
    "delegates-TOTAL_FORMS": "1",
    "delegates-INITIAL_FORMS": "0",
    "delegates-MIN_NUM_FORMS": "0",
    "delegates-MAX_NUM_FORMS": "20",
    "delegates-0-name": "Intruder",
    "delegates-0-email": "x@example.org",
}


def test_authz_matrix_covers_every_meeting_url():
    names = {p.name for p in meeting_urls.urlpatterns}
    assert names == {name for name, *_ in MATRIX}


@pytest.fixture
def world(invited_meeting, cast, ncp_a, party_b):
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
    decision = DecisionFactory(meeting=meeting)
    return {"m": meeting.pk, "d": document.pk, "x": decision.pk, "t": ncp_a.calendar_token, "other": other}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "template", "expected"), MATRIX, ids=[f"{m[1]}-{m[0]}" for m in MATRIX]
)
def test_authz_matrix(world, cast, client_for, role, name, method, template, expected):
    missing = {p.name for p in meeting_urls.urlpatterns} - {n for n, *_ in MATRIX}
    assert not missing, f"meeting URL patterns missing from the matrix: {missing}"
    path = template.format(**world)
    client = client_for(cast[role])
    data = REGISTER_POST if name == "register" else {}
    response = getattr(client, method)(path, data)
    assert response.status_code == expected[role], (role, path)
    if response.status_code == LOGIN and expected[role] == LOGIN and role == "anonymous":
        assert "/accounts/login/" in response["Location"]
    # The other Party's delegates are never touched.
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
