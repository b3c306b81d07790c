"""authz_matrix for the site's own pages: home, health, the plan, sign-in and its neighbours, language.

What the public reads (home, the plan, an action, health) answers 200 to everyone; sign-in sends a
member who is already signed in on to the landing page; the password change is for members; the
password reset and its pages are open to anyone who holds the e-mail; signing out is POST only;
Django's admin lets in the secretariat only (an anonymous visitor is sent to the admin's sign-in).
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.factories import ActivityFactory, action
from tests.matrix import LOGIN, Matrix, Row, everyone, expect, members

pytestmark = pytest.mark.django_db

SIGNED_IN_ELSEWHERE = expect(200, 302, 302, 302, 302, 302)  # the sign-in page sends members on


@pytest.fixture
def site(plan, party_a):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    draft = ActivityFactory(party=party_a, state="draft", title="Draft of Party A", actions=[action("I.2")])
    target = get_user_model().objects.create_user(
        "lost-phone", "lost@example.org", role="contact_point", party=party_a
    )
    TOTPDevice.objects.create(user=target, name="phone", confirmed=True)
    return {"draft": draft, "target": target.pk}


def _lands_where_the_role_belongs(response, role, site):
    """Contact points land on their own Party's page, everyone else on the home page."""
    own_party = {"ncp_a": "/parties/cz/", "ncp_b": "/parties/de/"}
    assert response["Location"] == own_party.get(role, "/"), role


def _drafts_only_for_their_party(response, role, site):
    shown = "Draft of Party A" in response.content.decode()
    assert shown == (role in ("ncp_a", "secretariat")), role


def _accounts_unchanged(site):
    """What a refused request must leave as it was: every account and its password."""
    return list(get_user_model().objects.order_by("pk").values_list("pk", "password", "is_active", "email"))


MATRIX = Matrix(
    rows=[
        Row("home", "get", "/", everyone(200)),
        Row("healthz", "get", "/healthz", everyone(200)),
        Row("favicon", "get", "/favicon.ico", everyone(301)),
        Row("robots", "get", "/robots.txt", everyone(200)),
        Row("healthz", "post", "/healthz", everyone(405)),
        Row("actions:plan", "get", "/plans/2012-2016/", everyone(200)),
        # the current plan's addresses: redirected to its pages
        Row("actions:plan", "get", "/plan/", everyone(302), case="current-plan"),
        Row("actions:action", "get", "/plan/I/2/", everyone(302), case="current-plan"),
        # An action's page lists its activities to members; a draft only to its Party and the secretariat.
        Row(
            "actions:action", "get", "/plans/2012-2016/I/2/", everyone(200), then=_drafts_only_for_their_party
        ),
        Row(
            "after-login",
            "get",
            "/accounts/welcome/",
            expect(LOGIN, 302, 302, 302, 302, 302),
            then=_lands_where_the_role_belongs,
        ),
        Row("login", "get", "/accounts/login/", SIGNED_IN_ELSEWHERE),
        Row(
            "login",
            "post",
            "/accounts/login/",
            SIGNED_IN_ELSEWHERE,
            data={"username": "nobody", "password": "not-the-password"},
        ),
        Row("logout", "get", "/accounts/logout/", everyone(405)),
        Row("logout", "post", "/accounts/logout/", everyone(200)),
        Row("password_change", "get", "/accounts/password_change/", members(200)),
        # An empty form comes back with its errors; nobody's password changes.
        Row("password_change", "post", "/accounts/password_change/", members(200)),
        Row("password_change_done", "get", "/accounts/password_change/done/", members(200)),
        Row("password_reset", "get", "/accounts/password_reset/", everyone(200)),
        Row(
            "password_reset",
            "post",
            "/accounts/password_reset/",
            everyone(302),
            data={"email": "nobody@example.org"},
        ),
        Row("password_reset_done", "get", "/accounts/password_reset/done/", everyone(200)),
        # A link that is not one the portal sent: the page says it is invalid, whoever opens it.
        Row("password_reset_confirm", "get", "/accounts/reset/MQ/not-a-token/", everyone(200)),
        Row("password_reset_complete", "get", "/accounts/reset/done/", everyone(200)),
        Row("set_language", "post", "/i18n/setlang/", everyone(302), data={"language": "ru", "next": "/"}),
        Row("set_language", "get", "/i18n/setlang/?next=/", everyone(302)),
        # The audit is the secretariat's.
        Row("audit", "get", "/audit/", expect(LOGIN, 403, 403, 403, 403, 200)),
        Row("audit-export", "get", "/audit/export.csv", expect(LOGIN, 403, 403, 403, 403, 200)),
        # Everyone's own data, for everyone signed in.
        Row("my-data", "get", "/accounts/my-data.json", members(200)),
        # The second factor: who has none is sent to set one up; the secretariat (with one, verified)
        # sees the code form; a wrong code is answered on the form.
        Row("two-factor", "get", "/accounts/two-factor/", expect(LOGIN, 302, 302, 302, 302, 200)),
        Row(
            "two-factor",
            "post",
            "/accounts/two-factor/",
            expect(LOGIN, 302, 302, 302, 302, 200),
            data={"token": "000000"},
        ),  # fmt: skip
        Row("two-factor-setup", "get", "/accounts/two-factor/setup/", members(200)),
        Row(
            "two-factor-setup", "post", "/accounts/two-factor/setup/", members(200), data={"token": "000000"}
        ),
        Row(
            "two-factor-codes",
            "post",
            "/accounts/two-factor/recovery-codes/",
            expect(LOGIN, 302, 302, 302, 302, 200),
        ),
        Row("two-factor-remove", "post", "/accounts/two-factor/remove/", members(302)),
        # Another person's lost second factor: only the secretariat removes it.
        Row(
            "two-factor-reset",
            "post",
            "/accounts/two-factor/reset/{target}/",
            expect(LOGIN, 403, 403, 403, 403, 302),
        ),
        # Django's admin is for the secretariat; the coverage test leaves its many model pages to
        # Django's own staff check, these rows try its door and one of its lists.
        Row("admin:index", "get", "/admin/", expect(302, 403, 403, 403, 403, 200)),
        Row(
            "admin:actions_activity_changelist",
            "get",
            "/admin/actions/activity/",
            expect(302, 403, 403, 403, 403, 200),
        ),
    ],
    refused_keeps=_accounts_unchanged,
    denials_logged=True,
    # No page here changes an account: a wrong sign-in, an empty password form, a reset for an
    # address nobody has.
    keeps=_accounts_unchanged,
)


@MATRIX.parametrize
def test_authz_matrix(row, role, site, cast, client_for):
    MATRIX.check(row, role, site, cast, client_for)
