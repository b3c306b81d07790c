"""Decision reminders through the outbox (`parties.notifications`), exactly once per key.

`queue_due(now=...)` is called by the reminder pass (`pragueprocess.reminders`) beside the meeting
reminders. For each open decision with a due date it queues, to each of its owners (the contact
points of its owner Parties, the secretariat when it owns it, the core group members when the core
group does), in the recipient's language:

- `before`: from `DECISION_REMINDER_DAYS_BEFORE` days before the due date until that date;
- `overdue`: once the due date has passed (up to `OVERDUE_WINDOW` after it, so that a decision
  left open for years does not start mailing the day this is deployed).

Each e-mail has a unique key

    decision:<pk>:<due date>:<before|overdue>:<recipient>

so two beats, a retry or two workers at once queue one row. The due date is in the key: a decision
whose due date moves gets new keys (its reminders re-arm) and `services.decision_save` cancels the
pending rows of the old date; a decision marked done or dropped has its pending rows cancelled and
is never picked up again.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.mail import mail_render
from core.translations import localized
from parties.models import Notification, User
from parties.notifications import notification_queue

from .models import Decision
from .reminders import Recipient

OVERDUE_WINDOW = timedelta(days=30)


def decision_prefix(decision: Decision, due_on: date | None = None) -> str:
    """The key prefix of the decision's reminders; for one due date when the decision has one."""
    due = due_on if due_on is not None else decision.due_on
    base = f"decision:{decision.pk}:"
    return f"{base}{due.isoformat()}:" if due else base


def owners(decision: Decision) -> list[Recipient]:
    """Everyone who follows the decision up, each user once, those without an address left out."""
    users = User.objects.filter(is_active=True).exclude(email="")
    wanted = users.filter(role=User.Role.CONTACT_POINT, party__in=decision.owner_parties.all())
    if decision.owner_secretariat:
        wanted = wanted | users.filter(role=User.Role.SECRETARIAT)
    if decision.owner_core_group:
        wanted = wanted | users.filter(role=User.Role.CORE_GROUP)
    return [
        Recipient(f"user:{u.pk}", u.email, u.preferred_language or "en", u)
        for u in wanted.distinct().order_by("pk")
    ]


def _kind_due(decision: Decision, today: date, days_before: int) -> tuple[str, date] | None:
    """(kind, the day it falls due) of the reminder due today for the decision, or None."""
    due = decision.due_on
    if today > due:
        return ("overdue", due + timedelta(days=1)) if today - due <= OVERDUE_WINDOW else None
    if today >= due - timedelta(days=days_before):
        return "before", due - timedelta(days=days_before)
    return None


def queue_for_decision(decision_pk: int, *, now: datetime) -> int:
    """Queue what is due for one decision; under its row lock, so that an owner closing it or the
    secretariat moving its due date cannot interleave with it."""
    today = timezone.localdate(now)
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("meeting")
            .filter(pk=decision_pk)
            .first()
        )
        if decision is None or not decision.is_open or decision.due_on is None:
            return 0
        found = _kind_due(decision, today, settings.DECISION_REMINDER_DAYS_BEFORE)
        if found is None:
            return 0
        kind, falls_on = found
        prefix = f"{decision_prefix(decision)}{kind}:"
        existing = set(Notification.objects.filter(key__startswith=prefix).values_list("key", flat=True))
        url = settings.SITE_URL.rstrip("/") + decision.get_absolute_url()
        made = 0
        for r in owners(decision):
            key = f"{prefix}{r.key}"
            if key in existing:
                continue
            subject, body = mail_render(
                f"meetings/email/decision_{kind}",
                lambda r=r: {
                    "decision": decision,
                    "text": localized(decision, "text"),
                    "meeting_title": localized(decision.meeting, "title"),
                    "url": url,
                    "recipient": r,
                },
                language=r.language,
            )
            _, created = notification_queue(
                key=key,
                kind=f"decision.{kind}",
                to_email=r.email,
                recipient=r.user,
                language=r.language,
                subject=subject,
                body=body,
                due_at=min(now, timezone.make_aware(datetime.combine(falls_on, datetime.min.time()))),
            )
            made += created
        return made


def queue_due(*, now: datetime | None = None) -> int:
    """Queue every open decision's due reminder (called by the reminder pass every minute)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    pks = Decision.objects.filter(
        status__in=Decision.OPEN_STATUSES,
        due_on__gte=today - OVERDUE_WINDOW,
        due_on__lte=today + timedelta(days=settings.DECISION_REMINDER_DAYS_BEFORE),
    ).values_list("pk", flat=True)
    return sum(queue_for_decision(pk, now=now) for pk in list(pks))
