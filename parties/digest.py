"""The weekly digest: the optional mail a person chose to get once a week, gathered into one e-mail.

The sender (`parties.notifications`) holds such mail when it falls due (status "held"). The
reminder pass (`pragueprocess.reminders`) calls `digests_queue(now)` every minute: once the week's
moment has come (Monday 07:00 UTC), each person with held mail from before that moment gets one
digest, queued into the outbox under

    digest:<user pk>:<ISO year>-W<ISO week>

so two beats, a retry or a rerun make one row; the held rows it lists are marked "digested" with
the digest they went in, in the same transaction, so none is listed twice. Mail held later waits for
the next week's digest.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from core.mail import mail_render

from .models import Notification, User
from .notifications import notification_queue

DIGEST_WEEKDAY = 1  # ISO: Monday
DIGEST_TIME = time(7, 0, tzinfo=UTC)


def digest_moment(now: datetime) -> datetime:
    """The latest weekly digest moment at or before `now`."""
    year, week, _day = now.astimezone(UTC).isocalendar()
    moment = datetime.combine(datetime.fromisocalendar(year, week, DIGEST_WEEKDAY).date(), DIGEST_TIME)
    return moment if moment <= now else moment - timedelta(weeks=1)


def digest_key(user_pk: int, moment: datetime) -> str:
    year, week, _day = moment.isocalendar()
    return f"digest:{user_pk}:{year}-W{week:02d}"


def _held_before(moment: datetime):
    return Notification.objects.filter(
        status=Notification.Status.HELD, due_at__lt=moment, recipient__isnull=False
    )


def digest_for(user: User, *, moment: datetime) -> Notification | None:
    """Queue one person's digest of the week of `moment` with every item held before it, once."""
    key = digest_key(user.pk, moment)
    with transaction.atomic():
        items = list(_held_before(moment).filter(recipient=user).select_for_update().order_by("due_at", "pk"))
        if not items or Notification.objects.filter(key=key).exists():
            return None
        site = settings.SITE_URL.rstrip("/")
        rows = [{"subject": n.subject, "link": n.link or site + "/", "when": n.due_at} for n in items]
        year, week, _day = moment.isocalendar()
        preferences = site + reverse("mail:preferences")
        context = {
            "items": rows,
            "count": len(rows),
            "week": week,
            "year": year,
            "name": user.get_full_name(),
            "preferences": preferences,
        }
        language = user.preferred_language or "en"
        subject, body = mail_render("parties/email/digest", context, language=language)
        digest, created = notification_queue(
            key=key,
            kind="mail.digest",
            to_email=user.email,
            recipient=user,
            language=language,
            subject=subject,
            body=body,
            due_at=moment,
            link=preferences,
        )
        if not created:  # queued by another pass a moment ago: its own items stand
            return None
        Notification.objects.filter(pk__in=[n.pk for n in items], status=Notification.Status.HELD).update(
            status=Notification.Status.DIGESTED, digest=digest, updated_at=moment
        )
        return digest


def digests_queue(*, now: datetime) -> int:
    """Queue this week's digest for everyone with held mail; idempotent. Its queries grow with the
    number of people who have held mail, not with the items."""
    moment = digest_moment(now)
    ids = set(_held_before(moment).values_list("recipient_id", flat=True).distinct())
    if not ids:
        return 0
    done = {
        int(key.split(":")[1])
        for key in Notification.objects.filter(key__in=[digest_key(pk, moment) for pk in ids]).values_list(
            "key", flat=True
        )
    }
    people = User.objects.filter(pk__in=ids - done, is_active=True).exclude(email="").order_by("pk")
    return sum(digest_for(user, moment=moment) is not None for user in people)
