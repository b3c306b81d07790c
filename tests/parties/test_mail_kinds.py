"""Every kind of mail has its line in parties.mailkinds; every mail says it is automatic (RFC 3834);
optional mail to a person carries a one-click unsubscribe (RFC 8058), essential mail none."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from parties.mailkinds import CATEGORIES, KINDS, UnknownMailKind, category_of, is_essential
from parties.mailprefs import unsubscribe_token_read
from parties.models import Notification
from parties.notifications import notification_queue, notifications_send_due

ROOT = Path(settings.BASE_DIR)
APPS = ["parties", "actions", "meetings", "evaluation", "pragueprocess"]


def _queue(kind: str, user=None, key: str | None = None):
    return notification_queue(
        key=key or f"t:{kind}:{user.pk if user else 0}",
        kind=kind,
        to_email=user.email if user else "someone@example.org",
        recipient=user,
        subject="Subject",
        body="Body",
        due_at=timezone.now(),
    )


def test_every_kind_names_a_category_and_every_category_says_whether_it_always_goes():
    assert set(KINDS.values()) <= set(CATEGORIES)
    assert all(isinstance(c.essential, bool) and str(c.label) for c in CATEGORIES.values())
    # what the issue calls essential always goes
    for kind in ("meeting.invitation", "meeting.deadline", "meeting.cancelled", "progress_reminder",
                 "review_reminder", "invitation", "email_changed", "audience"):  # fmt: skip
        assert is_essential(kind), kind
    assert not is_essential("meeting.before")


@pytest.mark.django_db
def test_a_kind_missing_from_the_table_cannot_be_queued():
    with pytest.raises(UnknownMailKind, match="parties.mailkinds.KINDS"):
        _queue("meeting.unheard_of")
    assert not Notification.objects.exists()


def _literal_kinds() -> set[str]:
    """String kinds written in the code where mail is queued: `notification_queue(kind="...")` and
    `Notification(kind="...")`."""
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name not in ("notification_queue", "Notification"):
                    continue
                for kw in node.keywords:
                    if kw.arg == "kind" and isinstance(kw.value, ast.Constant):
                        found.add(kw.value.value)
    return found


def test_every_kind_the_code_queues_is_in_the_table():
    literal = _literal_kinds()
    assert {"invitation", "email_changed", "ncp-confirm", "audience", "mail.digest"} <= literal
    # kinds made from a template's name: meetings.reminders queues meeting.<template>, evaluation
    # <template>_reminder, one template per kind
    # (meetings.decision_reminders: decision.<kind> from decision_<kind>)
    names = [
        p.name.removesuffix("_subject.txt") for p in (ROOT / "templates/meetings/email").glob("*_subject.txt")
    ]
    meetings = {
        f"decision.{name.removeprefix('decision_')}" if name.startswith("decision_") else f"meeting.{name}"
        for name in names
    }
    evaluation = {f"{p.name.removesuffix('_subject.txt')}_reminder" for p in (ROOT / "templates/evaluation/email").glob("*_subject.txt")}  # fmt: skip
    missing = (literal | meetings | evaluation) - set(KINDS)
    assert not missing, f"kinds of mail without their line in parties.mailkinds.KINDS: {sorted(missing)}"


@pytest.mark.django_db
def test_the_reminder_pass_queues_only_kinds_of_the_table(invited_meeting_due, ncp_a):
    from pragueprocess.reminders import reminders_run

    reminders_run()
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds and kinds <= set(KINDS)


@pytest.fixture
def invited_meeting_due(plan, party_a, ncp_a):
    from datetime import timedelta

    from meetings.models import Invitation
    from tests.factories import MeetingFactory

    start = timezone.now() + timedelta(days=7, minutes=-30)
    meeting = MeetingFactory(
        starts_at=start, ends_at=start + timedelta(hours=6), scheduled_at=timezone.now() - timedelta(days=40)
    )
    Invitation.objects.create(meeting=meeting, party=party_a)
    return meeting


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_mail_says_it_is_automatic(kind, ncp_a):
    _queue(kind, ncp_a)
    assert notifications_send_due().sent == 1
    (message,) = mail.outbox
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert message.message()["Auto-Submitted"] == "auto-generated"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_optional_mail_to_a_person_carries_one_click_unsubscribe_and_essential_mail_none(kind, ncp_a):
    _queue(kind, ncp_a)
    notifications_send_due()
    headers = mail.outbox[0].message()
    if is_essential(kind):
        assert headers["List-Unsubscribe"] is None and headers["List-Unsubscribe-Post"] is None
        return
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = headers["List-Unsubscribe"]
    prefix = f"<{settings.SITE_URL.rstrip('/')}/mail/unsubscribe/"
    assert url.startswith(prefix) and url.endswith("/>")
    token = url[len(prefix) : -2]
    assert unsubscribe_token_read(token) == (ncp_a.pk, category_of(kind).code)


@pytest.mark.django_db
def test_mail_to_an_address_without_an_account_has_no_unsubscribe_link():
    _queue("meeting.before")
    notifications_send_due()
    headers = mail.outbox[0].message()
    assert headers["Auto-Submitted"] == "auto-generated" and headers["List-Unsubscribe"] is None


@pytest.mark.django_db
def test_the_password_reset_mail_says_it_is_automatic_too(client, ncp_a):
    response = client.post("/accounts/password_reset/", {"email": ncp_a.email})
    assert response.status_code == 302
    (message,) = mail.outbox
    headers = message.message()
    assert headers["Auto-Submitted"] == "auto-generated" and headers["List-Unsubscribe"] is None
    assert "/accounts/reset/" in message.body
