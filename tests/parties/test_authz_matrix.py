"""authz_matrix: every URL pattern of the Parties-and-people section x every role x GET/POST.

Party-scoped pages are tried on party_a (CZ): ncp_a is its own contact point, ncp_b (DE) another
Party's. The test fails when a URL pattern of the section is missing from the table.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from actions.models import Participation
from parties.models import PartnerOrganisation
from parties.reminders import confirm_token
from parties.services import DETAIL_FIELDS, invitation_create
from tests.factories import (
    ContactPointTermFactory,
    CoreGroupMembershipFactory,
    ParticipationFactory,
    PartnerOrganisationFactory,
    action,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "ncp_a", "ncp_b", "secretariat", "reader", "coregroup")
ALL = (200,) * 6
MEMBERS = (302, 200, 200, 200, 200, 200)
SECRETARIAT_ONLY = (302, 403, 403, 200, 403, 403)
SECRETARIAT_WRITES = (302, 403, 403, 302, 403, 403)
OWN_PARTY_WRITES = (302, 302, 403, 302, 403, 403)
NOT_ALLOWED = (405,) * 6


@pytest.fixture
def ctx(cast, party_a, secretariat):
    term = ContactPointTermFactory(user=cast["ncp_a"], party=party_a)
    invitation, token = invitation_create(
        email="new.person@example.org", party=party_a, kind="deputy", invited_by=secretariat
    )
    return {
        "term": term,
        "membership": CoreGroupMembershipFactory(party=party_a),
        "partner": PartnerOrganisationFactory(acronym="UNHCR"),
        "token": token,
        "confirm": confirm_token(user_pk=cast["ncp_a"].pk, year=timezone.now().year),
        "participation": ParticipationFactory(party=party_a, action=action("I.1")),
    }


def _details(user, ctx):
    data = {name: getattr(user, name) for name in DETAIL_FIELDS} if user else {}
    return {
        **data,
        "first_name": "Eva",
        "version": user.version if user else "",
    }


def _partner(user, ctx):
    p = ctx["partner"]
    return {"acronym": "UNHCR", "name": "UN Refugee Agency", "kind": p.kind, "website": "", "is_active": "on",
            "version": p.version}  # fmt: skip


TODAY = lambda: timezone.localdate().isoformat()  # noqa: E731

# name -> (url(ctx), GET expected per role, POST expected per role, POST data(user, ctx))
MATRIX = {
    "parties:list": (lambda c: "/parties/", ALL, NOT_ALLOWED, None),
    "parties:detail": (lambda c: "/parties/cz/", ALL, NOT_ALLOWED, None),
    "parties:contact-points": (lambda c: "/parties/contact-points/", MEMBERS, NOT_ALLOWED, None),
    "parties:contact-points-csv": (
        lambda c: "/parties/contact-points/export.csv",
        MEMBERS,
        NOT_ALLOWED,
        None,
    ),
    "parties:contact-points-vcard": (
        lambda c: "/parties/contact-points/export.vcf",
        MEMBERS,
        NOT_ALLOWED,
        None,
    ),
    "parties:invite": (
        lambda c: "/parties/contact-points/invite/",
        SECRETARIAT_ONLY,
        SECRETARIAT_WRITES,
        lambda u, c: {"email": "someone@example.org", "party": "CZ", "kind": "deputy"},
    ),  # fmt: skip
    "parties:term-end": (
        lambda c: f"/parties/contact-points/terms/{c['term'].pk}/end/",
        SECRETARIAT_ONLY,
        SECRETARIAT_WRITES,
        lambda u, c: {"ended_on": TODAY()},
    ),  # fmt: skip
    "parties:invitation": (
        lambda c: f"/parties/invitations/{c['token']}/",
        ALL,
        (302,) * 6,
        lambda u, c: {
            "first_name": "New",
            "last_name": "Person",
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
        },
    ),  # fmt: skip
    "parties:my-details": (
        lambda c: "/parties/my-details/",
        (302, 200, 200, 200, 403, 403),
        (302, 302, 302, 302, 403, 403),
        _details,
    ),
    "parties:confirm-details": (
        lambda c: f"/parties/my-details/confirm/{c['confirm']}/",
        ALL,
        ALL,
        lambda u, c: {},
    ),
    "parties:core-group": (lambda c: "/parties/core-group/", ALL, NOT_ALLOWED, None),
    "parties:core-group-history": (lambda c: "/parties/core-group/history/", ALL, NOT_ALLOWED, None),
    "parties:core-group-add": (
        lambda c: "/parties/core-group/new/",
        SECRETARIAT_ONLY,
        SECRETARIAT_WRITES,
        lambda u, c: {
            "party": c["participation"].party.__class__.objects.get(code="PL").pk,
            "started_on": "2014-01-01",
            "decided_on": "2013-11-20",
            "decision_reference": "SOM 2013",
        },
    ),  # fmt: skip
    "parties:core-group-end": (
        lambda c: f"/parties/core-group/{c['membership'].pk}/end/",
        SECRETARIAT_ONLY,
        SECRETARIAT_WRITES,
        lambda u, c: {"ended_on": TODAY()},
    ),  # fmt: skip
    "parties:partners": (lambda c: "/parties/partners/", ALL, NOT_ALLOWED, None),
    "parties:partner-new": (
        lambda c: "/parties/partners/new/",
        SECRETARIAT_ONLY,
        SECRETARIAT_WRITES,
        lambda u, c: {
            "acronym": "MPI",
            "name": "Migration Policy Institute",
            "kind": "ngo",
            "website": "https://www.example.org",
            "is_active": "on",
        },
    ),  # fmt: skip
    "parties:partner-edit": (
        lambda c: f"/parties/partners/{c['partner'].pk}/edit/",
        SECRETARIAT_ONLY,
        SECRETARIAT_WRITES,
        _partner,
    ),
    "actions:participation": (lambda c: "/participation/", ALL, NOT_ALLOWED, None),
    "actions:participation-csv": (lambda c: "/participation/export.csv", ALL, NOT_ALLOWED, None),
    "actions:participation-party": (
        lambda c: "/participation/cz/",
        ALL,
        OWN_PARTY_WRITES,
        lambda u, c: {"action": action("III.2").pk, "role": "lead", "note": "", "fingerprint": ""},
    ),  # fmt: skip
    "actions:participation-withdraw": (
        lambda c: "/participation/cz/withdraw/",
        NOT_ALLOWED,
        OWN_PARTY_WRITES,
        lambda u, c: {"action": c["participation"].action_id},
    ),  # fmt: skip
}


def _section_url_names() -> set[str]:
    names = set()
    for ns_pattern in get_resolver().url_patterns:
        if getattr(ns_pattern, "namespace", None) == "parties":
            names |= {f"parties:{p.name}" for p in ns_pattern.url_patterns}
        if getattr(ns_pattern, "namespace", None) == "actions":
            names |= {
                f"actions:{p.name}" for p in ns_pattern.url_patterns if p.name.startswith("participation")
            }
    return names


def test_every_url_pattern_of_the_section_is_in_the_matrix():
    assert _section_url_names() == set(MATRIX)
    assert reverse("parties:my-details") != reverse(
        "parties:detail", args=["me"]
    )  # Montenegro keeps its page


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_authz_matrix_get(name, role, cast, ctx, client_for):
    url, expected, _post, _data = MATRIX[name]
    response = client_for(cast[role]).get(url(ctx))
    assert response.status_code == expected[ROLES.index(role)], (name, role)


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_authz_matrix_post(name, role, cast, ctx, client_for, party_b):
    url, _get, expected, data = MATRIX[name]
    ParticipationFactory(party=party_b, action=action("II.2"))
    other_before = list(Participation.objects.filter(party=party_b).values_list("action_id", "role", "note"))
    user = cast[role]
    response = client_for(user).post(url(ctx), data(user, ctx) if data else {})
    status = expected[ROLES.index(role)]
    assert response.status_code == status, (name, role, response.content[:300])
    if status == 302 and role == "anonymous" and name != "parties:invitation":
        assert response["Location"].startswith("/accounts/login/")
    if status in (403, 405) and name == "parties:partner-edit":
        assert PartnerOrganisation.objects.get(pk=ctx["partner"].pk).name == ctx["partner"].name
    # whatever anyone did, the other Party's participation is untouched
    assert (
        list(Participation.objects.filter(party=party_b).values_list("action_id", "role", "note"))
        == other_before
    )


def test_write_refused_leaves_own_partys_rows_unchanged(cast, ctx, client_for, party_a):
    before = list(Participation.objects.filter(party=party_a).values_list("action_id", "role"))
    for role in ("ncp_b", "reader", "coregroup"):
        client_for(cast[role]).post("/participation/cz/", {"action": action("III.2").pk, "role": "lead"})
        client_for(cast[role]).post("/participation/cz/withdraw/", {"action": ctx["participation"].action_id})
    assert list(Participation.objects.filter(party=party_a).values_list("action_id", "role")) == before
    assert dt.date.today()  # the term-end and core-group-end forms take today's date
