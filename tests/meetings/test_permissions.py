"""authz_matrix for meetings: every URL pattern x every role -> status; other Parties' rows unchanged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from meetings import urls as meeting_urls
from meetings.minutes import minutes_save
from meetings.models import (
    Decision,
    DecisionUpdate,
    Delegate,
    Document,
    Invitation,
    Meeting,
    Minutes,
    MinutesRevision,
)
from tests.factories import DecisionFactory, DelegateFactory, MeetingFactory
from tests.matrix import LOGIN, ROLES, Matrix, Row, everyone, expect, members

PUBLIC = everyone(200)
MANAGE = expect(LOGIN, 403, 403, 403, 403, 200)
MEMBERS = members(200)
PARTICIPANTS = expect(LOGIN, 403, 200, 403, 403, 200)
NOT_ALLOWED = members(405)
DRAFTS = expect(LOGIN, 403, 200, 403, 403, 200)

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
        list(Minutes.objects.order_by("pk").values_list("pk", "state", "version", "text_en")),
        list(MinutesRevision.objects.order_by("pk").values_list("pk", "number")),
    )


def _other_partys_delegates(world):
    return list(
        Delegate.objects.filter(invitation__party__code="DE").order_by("pk").values_list("pk", "name")
    )


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
        # Minutes: the page is every member's (a draft's text only for the secretariat and the core
        # group; a partner's person for a meeting its organisation is invited to); writing is the
        # secretariat's; the revisions are read with the drafts.
        Row("meetings:minutes", "get", "/meetings/{p}/minutes/", MEMBERS),
        Row("meetings:minutes-edit", "get", "/meetings/{p}/minutes/edit/", MANAGE),
        Row(
            "meetings:minutes-edit",
            "post",
            "/meetings/{p}/minutes/edit/",
            expect(LOGIN, 403, 403, 403, 403, 302),
            data=lambda user, world: {
                "text_en": "Minutes, corrected.",
                "text_ru": "",
                "version": world["mv"],
            },
        ),
        Row(
            "meetings:minutes-approve",
            "post",
            "/meetings/{p}/minutes/approve/",
            expect(LOGIN, 403, 403, 403, 403, 302),
            data=lambda user, world: {
                "approved_on": world["today"],
                "approved_at": "",
                "version": world["mv"],
            },
        ),
        Row("meetings:minutes-approve", "get", "/meetings/{p}/minutes/approve/", NOT_ALLOWED),
        Row("meetings:minutes-revisions", "get", "/meetings/{p}/minutes/revisions/", DRAFTS),
        Row("meetings:minutes-revision", "get", "/meetings/{p}/minutes/revisions/1/", DRAFTS),
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
            "meetings:register-own",
            "get",
            "/meetings/{m}/register/",
            expect(LOGIN, 404, 404, 302, 302, 404, partner=302),
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
        # The registration of partner organisation A (UNHCR): its own contact person and the
        # secretariat write; nobody else sees it (the core group sees the participants).
        Row(
            "meetings:register-partner",
            "get",
            "/meetings/{m}/register/partner/unhcr/",
            expect(LOGIN, 404, 403, 404, 404, 200, partner=200),
        ),
        Row(
            "meetings:register-partner",
            "post",
            "/meetings/{m}/register/partner/unhcr/",
            expect(LOGIN, 404, 403, 404, 404, 302, partner=302),
            data=REGISTER_POST,
        ),
        # Another organisation's (Frontex): hidden from the partner of UNHCR.
        Row(
            "meetings:register-partner",
            "get",
            "/meetings/{m}/register/partner/frontex/",
            expect(LOGIN, 404, 403, 404, 404, 200, partner=404),
            case="other",
        ),
        Row(
            "meetings:register-partner",
            "post",
            "/meetings/{m}/register/partner/frontex/",
            expect(LOGIN, 404, 403, 404, 404, 302, partner=404),
            data=REGISTER_POST,
            case="other",
        ),
    ],
    refused_keeps=_meetings_unchanged,
    denials_logged=True,
    # Nobody touches the other Party's delegates from these pages.
    keeps=_other_partys_delegates,
)

# Frontex's delegates: only the secretariat may write them (on the "other" rows).
FRONTEX_KEEPERS = tuple(role for role in ROLES if role != "secretariat")


def test_authz_matrix_covers_every_meeting_url():
    names = {f"meetings:{p.name}" for p in meeting_urls.urlpatterns}
    assert names == MATRIX.names()


@pytest.fixture
def world(invited_meeting, cast, ncp_a, party_a, party_b, partner_a, partner_b, secretariat):
    meeting = invited_meeting
    de = meeting.invitations.get(party=party_b)
    other = DelegateFactory(invitation=de, name="Delegate of DE")
    Invitation.objects.create(meeting=meeting, partner=partner_a)
    frontex = Invitation.objects.create(meeting=meeting, partner=partner_b, answer="registered")
    DelegateFactory(invitation=frontex, name="Delegate of Frontex")
    # A meeting held a month ago, UNHCR invited, with draft minutes.
    held = MeetingFactory(starts_at=timezone.now() - dt.timedelta(days=30))
    Invitation.objects.create(meeting=held, party=party_b)
    Invitation.objects.create(meeting=held, partner=partner_a)
    minutes = minutes_save(meeting_pk=held.pk, user=secretariat, version=1, text_en="Draft minutes.")
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
        "today": timezone.localdate().isoformat(),
        "mv": str(minutes.version),
        "p": held.pk,
    }


@pytest.mark.django_db
@MATRIX.parametrize
def test_authz_matrix(row, role, world, cast, client_for):
    frontex_before = _frontex_delegates()
    MATRIX.check(row, role, world, cast, client_for)
    # The other Party's delegate is never touched, nor another organisation's but by the secretariat.
    assert Delegate.objects.filter(pk=world["other"].pk, name="Delegate of DE").exists()
    if role in FRONTEX_KEEPERS:
        assert _frontex_delegates() == frontex_before


def _frontex_delegates():
    return list(
        Delegate.objects.filter(invitation__partner__acronym="Frontex")
        .order_by("pk")
        .values_list("pk", "name")
    )


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
