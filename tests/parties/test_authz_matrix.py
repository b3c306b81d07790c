"""authz_matrix: every URL pattern of the Parties-and-people section x every role x GET/POST.

Party-scoped pages are tried on party_a (CZ): ncp_a is its own contact point, ncp_b (DE) another
Party's. The test fails when a URL pattern of the section is missing from the table.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import get_resolver, reverse
from django.utils import timezone

from actions.models import Participation
from parties.models import ContactPointTerm, CoreGroupMembership, Invitation, PartnerOrganisation
from parties.reminders import confirm_token
from parties.services import DETAIL_FIELDS, invitation_create
from tests.factories import (
    ActivityFactory,
    ContactPointTermFactory,
    CoreGroupMembershipFactory,
    ParticipationFactory,
    PartnerOrganisationFactory,
    UserFactory,
    action,
)
from tests.matrix import LOGIN, Matrix, Row, everyone, expect, members
from tests.test_permission_coverage import _url_names

pytestmark = pytest.mark.django_db

ALL = everyone(200)
MEMBERS = members(200)
SECRETARIAT_ONLY = expect(LOGIN, 403, 403, 403, 403, 200)
SECRETARIAT_WRITES = expect(LOGIN, 403, 403, 403, 403, 302)
OWN_PARTY_WRITES = expect(LOGIN, 403, 403, 302, 403, 302)
NOT_ALLOWED = everyone(405)


@pytest.fixture
def ctx(cast, party_a, party_b, secretariat):
    term = ContactPointTermFactory(user=cast["ncp_a"], party=party_a)
    invitation, token = invitation_create(
        email="new.person@example.org", party=party_a, kind="deputy", invited_by=secretariat
    )
    ParticipationFactory(party=party_b, action=action("II.2"))  # the other Party's, never touched
    ActivityFactory(party=party_a, state="draft", title="Draft of Party A", actions=[action("I.1")])
    former = UserFactory(username="former-cp", role="contact_point", party=party_a, is_active=False)
    return {
        "former": former,
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
    return {"acronym": "UNHCR", "name_en": "UN Refugee Agency", "kind": p.kind, "website": "", "is_active": "on",
            "version": p.version}  # fmt: skip


TODAY = lambda: timezone.localdate().isoformat()  # noqa: E731


def _section_unchanged(ctx):
    """What a refused request must leave as it was: people, terms, core group, partners, declarations."""
    return (
        list(get_user_model().objects.order_by("pk").values_list("pk", "first_name", "is_active")),
        list(ContactPointTerm.objects.order_by("pk").values_list("pk", "ended_on")),
        list(Invitation.objects.order_by("pk").values_list("pk", "accepted_at")),
        list(CoreGroupMembership.objects.order_by("pk").values_list("pk", "party_id", "ended_on")),
        list(PartnerOrganisation.objects.order_by("pk").values_list("pk", "acronym", "name", "is_active")),
        list(Participation.objects.order_by("pk").values_list("pk", "party_id", "action_id", "role", "note")),
    )


def _other_partys_participation(ctx):
    return list(Participation.objects.filter(party__code="DE").values_list("action_id", "role", "note"))


def get_and_post(name, url, get, post, data=None, then=None):
    """Every page of the section is tried with both methods: what it answers to GET and to POST."""
    return [Row(name, "get", url, get, then=then), Row(name, "post", url, post, data=data)]


def _drafts_only_for_their_party(response, role, ctx):
    """A Party's page lists its draft activities to its own contact points and the secretariat only."""
    shown = "Draft of Party A" in response.content.decode()
    assert shown == (role in ("ncp_a", "secretariat")), role


# Party-scoped pages are on party_a (CZ). Paths are formatted with the ctx: {term.pk}, {token}, ...
MATRIX = Matrix(
    rows=[
        *get_and_post("parties:list", "/parties/", ALL, NOT_ALLOWED),
        *get_and_post("parties:detail", "/parties/cz/", ALL, NOT_ALLOWED, then=_drafts_only_for_their_party),
        *get_and_post("parties:contact-points", "/parties/contact-points/", MEMBERS, NOT_ALLOWED),
        *get_and_post(
            "parties:contact-points-csv", "/parties/contact-points/export.csv", MEMBERS, NOT_ALLOWED
        ),
        *get_and_post(
            "parties:contact-points-vcard", "/parties/contact-points/export.vcf", MEMBERS, NOT_ALLOWED
        ),
        *get_and_post(
            "parties:invite",
            "/parties/contact-points/invite/",
            SECRETARIAT_ONLY,
            SECRETARIAT_WRITES,
            lambda u, c: {"email": "someone@example.org", "party": "CZ", "kind": "deputy"},
        ),
        *get_and_post(
            "parties:term-end",
            "/parties/contact-points/terms/{term.pk}/end/",
            SECRETARIAT_ONLY,
            SECRETARIAT_WRITES,
            lambda u, c: {"ended_on": TODAY()},
        ),
        # Erasing a former contact point's personal data: the secretariat's (a secretariat POST
        # erases them and goes back to the Party page).
        *get_and_post(
            "parties:person-erase",
            "/parties/contact-points/people/{former.pk}/erase/",
            SECRETARIAT_ONLY,
            SECRETARIAT_WRITES,
            lambda u, c: {},
        ),
        # The link in the invitation is the credential: anyone holding it may accept it.
        *get_and_post(
            "parties:invitation",
            "/parties/invitations/{token}/",
            ALL,
            everyone(302),
            lambda u, c: {
                "first_name": "New",
                "last_name": "Person",
                "password1": "a-long-passphrase-42",
                "password2": "a-long-passphrase-42",
            },
        ),
        *get_and_post(
            "parties:my-details",
            "/parties/my-details/",
            expect(LOGIN, 403, 403, 200, 200, 200),
            expect(LOGIN, 403, 403, 302, 302, 302),
            _details,
        ),
        *get_and_post(
            "parties:confirm-details", "/parties/my-details/confirm/{confirm}/", ALL, ALL, lambda u, c: {}
        ),
        *get_and_post("parties:core-group", "/parties/core-group/", ALL, NOT_ALLOWED),
        *get_and_post("parties:core-group-history", "/parties/core-group/history/", ALL, NOT_ALLOWED),
        *get_and_post(
            "parties:core-group-add",
            "/parties/core-group/new/",
            SECRETARIAT_ONLY,
            SECRETARIAT_WRITES,
            lambda u, c: {
                "party": c["participation"].party.__class__.objects.get(code="PL").pk,
                "started_on": "2014-01-01",
                "decided_on": "2013-11-20",
                "decision_reference": "SOM 2013",
            },
        ),
        *get_and_post(
            "parties:core-group-end",
            "/parties/core-group/{membership.pk}/end/",
            SECRETARIAT_ONLY,
            SECRETARIAT_WRITES,
            lambda u, c: {"ended_on": TODAY()},
        ),
        *get_and_post("parties:partners", "/parties/partners/", ALL, NOT_ALLOWED),
        *get_and_post(
            "parties:partner-new",
            "/parties/partners/new/",
            SECRETARIAT_ONLY,
            SECRETARIAT_WRITES,
            lambda u, c: {
                "acronym": "MPI",
                "name_en": "Migration Policy Institute",
                "kind": "ngo",
                "website": "https://www.example.org",
                "is_active": "on",
            },
        ),
        *get_and_post(
            "parties:partner-edit",
            "/parties/partners/{partner.pk}/edit/",
            SECRETARIAT_ONLY,
            SECRETARIAT_WRITES,
            _partner,
        ),
        *get_and_post("actions:participation", "/plans/2012-2016/participation/", ALL, NOT_ALLOWED),
        # the current plan's addresses: a GET is redirected to its pages
        *[
            Row(name, "get", url, everyone(302), case="current-plan")
            for name, url in (
                ("actions:participation", "/participation/"),
                ("actions:participation-csv", "/participation/export.csv"),
                ("actions:participation-party", "/participation/cz/"),
                ("actions:participation-withdraw", "/participation/cz/withdraw/"),
            )
        ],
        *get_and_post(
            "actions:participation-csv", "/plans/2012-2016/participation/export.csv", ALL, NOT_ALLOWED
        ),
        *get_and_post(
            "actions:participation-party",
            "/plans/2012-2016/participation/cz/",
            ALL,
            OWN_PARTY_WRITES,
            lambda u, c: {"action": action("III.2").pk, "role": "lead", "note": "", "fingerprint": ""},
        ),
        *get_and_post(
            "actions:participation-withdraw",
            "/plans/2012-2016/participation/cz/withdraw/",
            NOT_ALLOWED,
            OWN_PARTY_WRITES,
            lambda u, c: {"action": c["participation"].action_id},
        ),
    ],
    refused_keeps=_section_unchanged,
    denials_logged=True,
    # whatever anyone did, the other Party's participation is untouched
    keeps=_other_partys_participation,
)


def _section_url_names() -> set[str]:
    names = set()
    for ns_pattern in get_resolver().url_patterns:
        if getattr(ns_pattern, "namespace", None) == "parties":
            names |= {f"parties:{p.name}" for p in ns_pattern.url_patterns}
        if getattr(ns_pattern, "namespace", None) == "actions":
            # the participation pages sit in an include, once per plan and once for the current plan
            names |= {
                n for n in _url_names(ns_pattern.url_patterns, "actions:") if n.startswith("actions:part")
            }
    return names


def test_every_url_pattern_of_the_section_is_in_the_matrix():
    assert _section_url_names() == MATRIX.names()
    assert reverse("parties:my-details") != reverse(
        "parties:detail", args=["me"]
    )  # Montenegro keeps its page


@MATRIX.parametrize
def test_authz_matrix(row, role, ctx, cast, client_for):
    MATRIX.check(row, role, ctx, cast, client_for)


def test_write_refused_leaves_own_partys_rows_unchanged(cast, ctx, client_for, party_a):
    before = list(Participation.objects.filter(party=party_a).values_list("action_id", "role"))
    for role in ("ncp_b", "reader", "coregroup"):
        client_for(cast[role]).post(
            "/plans/2012-2016/participation/cz/", {"action": action("III.2").pk, "role": "lead"}
        )
        client_for(cast[role]).post(
            "/plans/2012-2016/participation/cz/withdraw/", {"action": ctx["participation"].action_id}
        )
    assert list(Participation.objects.filter(party=party_a).values_list("action_id", "role")) == before
    assert dt.date.today()  # the term-end and core-group-end forms take today's date
