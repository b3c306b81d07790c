"""The yearly confirmation of contact details, queued into the outbox.

Called every minute by the reminder pass (`pragueprocess.reminders`). For each person with an open
contact-point term who has not confirmed their details this year, one Notification is queued
under the key `ncp-confirm:<year>:user:<pk>`; the unique key makes it exist once a year however
often the pass runs. The queries do not grow with the number of contact points.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from core.mail import mail_render

from .models import ContactPointTerm, DetailsConfirmation, Notification, User

CONFIRM_SALT = "parties.details-confirm"
CONFIRM_MAX_AGE = 60 * 60 * 24 * 400  # a link stays good until the next year's mail


def confirm_key(year: int, user_pk: int) -> str:
    return f"ncp-confirm:{year}:user:{user_pk}"


def confirm_token(*, user_pk: int, year: int) -> str:
    return signing.dumps({"u": user_pk, "y": year}, salt=CONFIRM_SALT, compress=True)


def confirm_token_read(token: str) -> tuple[int, int] | None:
    """(user pk, year) from a signed link, or None when tampered with or too old."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        return int(data["u"]), int(data["y"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def _message(user: User, year: int) -> tuple[str, str]:
    link = settings.SITE_URL.rstrip("/") + reverse(
        "parties:confirm-details", args=[confirm_token(user_pk=user.pk, year=year)]
    )
    context = {
        "year": year,
        "name": user.get_full_name() or user.username,
        "title": user.title or "–",
        "organisation": user.organisation or "–",
        "email": user.email,
        "phone": user.phone or "–",
        "link": link,
    }
    return mail_render("parties/email/confirm", context, language=user.preferred_language or "en")


def queue_due(*, now: datetime | None = None) -> int:
    """Queue this year's confirmation request for every current contact point not yet asked."""
    now = now or timezone.now()
    year = now.year
    prefix = f"ncp-confirm:{year}:"
    already = set(Notification.objects.filter(key__startswith=prefix).values_list("key", flat=True))
    confirmed = set(DetailsConfirmation.objects.filter(year=year).values_list("user_id", flat=True))
    people = (
        User.objects.filter(
            is_active=True, pk__in=ContactPointTerm.objects.filter(ended_on__isnull=True).values("user_id")
        )
        .exclude(email="")
        .order_by("pk")
    )
    rows = []
    for user in people:
        key = confirm_key(year, user.pk)
        if key in already or user.pk in confirmed:
            continue
        subject, body = _message(user, year)
        rows.append(
            Notification(
                key=key,
                kind="ncp-confirm",
                recipient=user,
                to_email=user.email,
                language=user.preferred_language or "en",
                subject=subject[:250],
                body=body,
                due_at=now,
            )
        )
    # ignore_conflicts: a concurrent pass that queued the same key first wins; the row exists once.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
