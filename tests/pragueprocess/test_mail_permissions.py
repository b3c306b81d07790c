"""authz_matrix for mail: one's own choice of e-mails (contact points and the secretariat, who get optional
mail, each for themselves only; readers and the core group get only essential mail), the one-click
unsubscribe link (no sign-in: the signed token is the authority, and only for its person), and the
secretariat's mail to an audience (the secretariat only; every other role refused, nothing written)."""

from __future__ import annotations

import uuid

import pytest

from parties.mailprefs import unsubscribe_token
from parties.models import MailPreference, Notification
from pragueprocess.models import AudienceMessage
from tests.matrix import LOGIN, Matrix, Row, everyone, expect

MANAGE = expect(LOGIN, 403, 403, 403, 403, 200)
TEXT = {"audience": "contact_points", "subject": "To all", "body": "Text"}
CHOICE = {"mail-meeting_reminders": "none", "mail-minutes_reminders": "digest"}


def _mail_unchanged(world):
    return (
        list(MailPreference.objects.order_by("pk").values_list("user_id", "category", "mode")),
        list(AudienceMessage.objects.order_by("pk").values_list("pk", "subject")),
        Notification.objects.count(),
    )


def _only_ones_own_choice(response, role, world):
    """A member's POST sets their own choice and nobody else's."""
    people = set(MailPreference.objects.values_list("user_id", flat=True))
    assert people == {world["cast"][role].pk}, role


def _unsubscribed(response, role, world):
    """Whoever posts the link (a mail client signs in as nobody), it changes its own person only."""
    rows = list(MailPreference.objects.values_list("user_id", "category", "mode"))
    assert rows == [(world["ncp_a"], "meeting_reminders", "none")], role


def _one_message(response, role, world):
    """One new message beside the earlier one of the world."""
    assert AudienceMessage.objects.count() == 2 and response["Location"].startswith("/mail/audience/")


MATRIX = Matrix(
    rows=[
        Row("mail:preferences", "get", "/mail/preferences/", expect(LOGIN, 403, 403, 200, 200, 200)),
        Row(
            "mail:preferences", "post", "/mail/preferences/", expect(LOGIN, 403, 403, 302, 302, 302),
            data=CHOICE, then=_only_ones_own_choice,
        ),
        Row("mail:preferences", "put", "/mail/preferences/", everyone(405)),
        Row("mail:unsubscribe", "get", "/mail/unsubscribe/{token}/", everyone(200)),
        Row("mail:unsubscribe", "post", "/mail/unsubscribe/{token}/", everyone(200), then=_unsubscribed),
        Row("mail:unsubscribe", "post", "/mail/unsubscribe/{forged}/", everyone(404), case="forged"),
        Row("mail:unsubscribe", "post", "/mail/unsubscribe/{essential}/", everyone(404), case="essential"),
        Row("mail:audience", "get", "/mail/audience/", MANAGE),
        Row("mail:audience", "post", "/mail/audience/", everyone(405)),
        Row("mail:audience-new", "get", "/mail/audience/new/", MANAGE),
        Row("mail:audience-new", "post", "/mail/audience/new/", MANAGE, data={"step": "preview", **TEXT}, case="preview"),
        Row(
            "mail:audience-new", "post", "/mail/audience/new/", expect(LOGIN, 403, 403, 403, 403, 302),
            data=lambda user, world: {"step": "send", "token": world["uuid"], **TEXT}, case="send", then=_one_message,
        ),
        Row("mail:audience-detail", "get", "/mail/audience/{m}/", MANAGE),
        Row("mail:audience-detail", "post", "/mail/audience/{m}/", everyone(405)),
    ],
    refused_keeps=_mail_unchanged,
    denials_logged=True,
)  # fmt: skip


@pytest.fixture
def world(cast, ncp_a, secretariat):
    message = AudienceMessage.objects.create(
        token=uuid.uuid4(), author=secretariat, audience="contact_points", subject="Earlier", body="Text",
        sent_at="2026-11-01T09:00:00Z", queued_at="2026-11-01T09:00:00Z",
    )  # fmt: skip
    token = unsubscribe_token(user_pk=ncp_a.pk, category="meeting_reminders")
    return {
        "cast": cast,
        "ncp_a": ncp_a.pk,
        "m": message.pk,
        "uuid": str(uuid.uuid4()),
        "token": token,
        "forged": token[:-3] + ("abc" if not token.endswith("abc") else "xyz"),
        "essential": unsubscribe_token(user_pk=ncp_a.pk, category="deadlines"),
    }


@pytest.mark.django_db
@MATRIX.parametrize
def test_authz_matrix(row, role, world, cast, client_for):
    MATRIX.check(row, role, world, cast, client_for)
    if row.case == "send" and role != "secretariat":
        assert AudienceMessage.objects.count() == 1  # the earlier one only


def test_authz_matrix_covers_every_mail_url():
    from django.urls import get_resolver

    (mail,) = [p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "mail"]
    assert {f"mail:{p.name}" for p in mail.url_patterns} == MATRIX.names()
