"""The secretariat writes to an audience from the portal: all contact points, a group of Parties,
the core group, a meeting's invited Parties or its registered participants.

The page shows a preview (the recipients, counted and listed), then Send records an
`AudienceMessage`. Its mail is queued into the outbox by `audience_queue(pk)`, from the fast-path
task after commit and from the reminder pass every minute until it is done, one row per recipient
under the key

    audience:<message pk>:<recipient>      (recipient: user:<pk>, or delegate:<hash of the address>)

so two beats, a retry or a second worker queue each recipient once, and the outbox sends each row
once. Each recipient reads the language of their account where the secretariat wrote both; a
Russian reader of an English-only message is told so in Russian. The category "from the
secretariat" is essential (parties.mailkinds): nobody opts out of the process's own correspondence.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.background import enqueue_on_commit
from core.mail import mail_render
from meetings.models import Delegate, Invitation, Meeting
from parties.models import GeographicGroup, Notification, Party, User
from parties.notifications import notification_queue
from parties.selectors import core_group_current

from .models import AudienceMessage
from .tasks import audience_mail

Audience = AudienceMessage.Audience


@dataclass(frozen=True)
class Recipient:
    key: str  # user:<pk> or delegate:<hash>
    email: str
    language: str
    name: str
    party: Party | None  # for the preview's list
    user: User | None = None


def _people(users) -> list[Recipient]:
    users = (
        users.filter(is_active=True)
        .exclude(email="")
        .select_related("party")
        .order_by("party__order", "last_name", "pk")
    )
    return [
        Recipient(f"user:{u.pk}", u.email, u.preferred_language or "en", str(u), u.party, u)
        for u in users
    ]  # fmt: skip


def _delegates(meeting: Meeting) -> list[Recipient]:
    rows = (
        Delegate.objects.filter(invitation__meeting=meeting, invitation__answer=Invitation.Answer.REGISTERED)
        .select_related("invitation__party", "invitation__answered_by")
        .order_by("invitation__party__order", "pk")
    )
    out = []
    for d in rows:
        digest = hashlib.sha256(d.email.strip().lower().encode()).hexdigest()[:16]
        by = d.invitation.answered_by
        language = (by.preferred_language if by else "") or "en"
        out.append(Recipient(f"delegate:{digest}", d.email, language, d.name, d.invitation.party))
    return out


def audience_recipients(
    *, audience: str, group: GeographicGroup | None = None, meeting: Meeting | None = None
) -> list[Recipient]:
    """Who the audience is now, each address once. Its queries do not grow with the audience."""
    contact_points = User.objects.filter(role=User.Role.CONTACT_POINT)
    if audience == Audience.CONTACT_POINTS:
        found = _people(contact_points)
    elif audience == Audience.GROUP:
        found = _people(contact_points.filter(party__group=group))
    elif audience == Audience.CORE_GROUP:
        # The contact points of the Parties in the core group today, and its members' own accounts.
        seats = core_group_current(on=timezone.localdate()).values("party_id")
        found = _people(
            User.objects.filter(
                Q(role=User.Role.CONTACT_POINT, party_id__in=seats) | Q(role=User.Role.CORE_GROUP)
            )
        )
    elif audience == Audience.INVITEES:
        found = _people(
            contact_points.filter(party_id__in=Invitation.objects.filter(meeting=meeting).values("party_id"))
        )
    elif audience == Audience.PARTICIPANTS:
        found = _delegates(meeting)
    else:
        raise ValueError(f"unknown audience {audience!r}")
    seen: set[str] = set()
    out = []
    for r in found:
        if r.email.lower() not in seen:
            seen.add(r.email.lower())
            out.append(r)
    return out


@transaction.atomic
def audience_message_send(
    *,
    token: uuid.UUID,
    author: User,
    audience: str,
    subject: str,
    body: str,
    subject_ru: str = "",
    body_ru: str = "",
    group: GeographicGroup | None = None,
    meeting: Meeting | None = None,
    previewed_count: int = 0,
    now: datetime | None = None,
) -> tuple[AudienceMessage, bool]:
    """Record the message (once per preview token: a second Send changes nothing) and queue its mail
    after commit; the reminder pass queues it too, should the broker be down."""
    existing = AudienceMessage.objects.filter(token=token).first()
    if existing is not None:
        return existing, False
    message = AudienceMessage(
        token=token,
        author=author,
        audience=audience,
        group=group if audience == Audience.GROUP else None,
        meeting=meeting if audience in (Audience.INVITEES, Audience.PARTICIPANTS) else None,
        subject=subject.strip(),
        body=body.strip(),
        subject_ru=subject_ru.strip(),
        body_ru=body_ru.strip(),
        previewed_count=previewed_count,
        sent_at=now or timezone.now(),
    )
    message.full_clean()
    message.save()
    enqueue_on_commit(audience_mail, message.pk)
    return message, True


def message_prefix(pk: int) -> str:
    return f"audience:{pk}:"


def _render(message: AudienceMessage, recipient: Recipient) -> tuple[str, str, str]:
    russian = recipient.language == "ru"
    in_russian = russian and message.has_russian
    context = {
        "subject": message.subject_ru if in_russian else message.subject,
        "text": message.body_ru if in_russian else message.body,
        "english_only": russian and not message.has_russian,
        "site": settings.SITE_URL.rstrip("/"),
    }
    subject, body = mail_render("pragueprocess/email/audience", context, language=recipient.language)
    return subject, body, "ru" if in_russian else recipient.language


def audience_queue(message_pk: int, *, now: datetime | None = None) -> int:
    """Queue one outbox row per recipient, once; under the message's row lock, so that two workers
    do it one after the other and the second finds it done."""
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            AudienceMessage.objects.select_for_update(of=("self",))
            .select_related("group", "meeting")
            .filter(pk=message_pk)
            .first()
        )
        if message is None or message.queued_at is not None:
            return 0
        recipients = audience_recipients(
            audience=message.audience, group=message.group, meeting=message.meeting
        )
        prefix = message_prefix(message.pk)
        existing = set(Notification.objects.filter(key__startswith=prefix).values_list("key", flat=True))
        link = settings.SITE_URL.rstrip("/") + reverse("home")
        made = 0
        for r in recipients:
            key = f"{prefix}{r.key}"
            if key in existing:
                continue
            subject, body, language = _render(message, r)
            _n, created = notification_queue(
                key=key,
                kind="audience",
                to_email=r.email,
                recipient=r.user,
                language=language,
                subject=subject,
                body=body,
                due_at=message.sent_at,
                link=link,
            )
            made += created
        AudienceMessage.objects.filter(pk=message.pk).update(
            queued_at=now, recipient_count=len(recipients), updated_at=now
        )
        return made


def queue_due(*, now: datetime | None = None) -> int:
    """Queue every message not yet in the outbox (called by the reminder pass)."""
    pks = AudienceMessage.objects.filter(queued_at__isnull=True).values_list("pk", flat=True)
    return sum(audience_queue(pk, now=now) for pk in list(pks))


def delivery_counts(messages: list[AudienceMessage]) -> dict[int, dict[str, int]]:
    """{message pk: {status: count}} of the messages' outbox rows, in one query."""
    if not messages:
        return {}
    where = Q()
    for m in messages:
        where |= Q(key__startswith=message_prefix(m.pk))
    counts: dict[int, dict[str, int]] = {m.pk: {} for m in messages}
    for key, status in (
        Notification.objects.filter(kind="audience").filter(where).values_list("key", "status")
    ):
        pk = int(key.split(":")[1])
        counts[pk][status] = counts[pk].get(status, 0) + 1
    return counts
