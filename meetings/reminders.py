"""Meeting mail through the outbox (`parties.notifications`), exactly once per key.

`queue_due(now=...)` is called every minute by the reminder pass (`pragueprocess.reminders`) and
queues what is due; it is idempotent: each e-mail has a unique key

    meeting:<pk>:<start instant, UTC>:<kind>:<recipient>

so two beats, a rerun or two workers at once queue one row. The start instant is in the key: a
rescheduled meeting gets new keys (its reminders re-arm for the new time) and the services cancel
the old pending rows with `notifications_cancel`. A cancelled meeting gets one cancellation notice
per recipient under `meeting:<pk>:cancelled:<recipient>` and nothing more.

Kinds: `invitation` (when the meeting is scheduled), `before-<N>d` (the meeting's offsets, counted
in the meeting's own time zone, so a reminder falls at the same wall-clock time as the meeting even
across a clock change), `deadline-<instant>` (before the registration deadline, to invited Parties
that have not answered), `minutes-<N>d` (after the meeting, to the secretariat while minutes are
missing) and `cancelled`.

Approved minutes go to the participants under `meeting:<pk>:minutes-approved:<revision>:<recipient>`
(meetings/minutes.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from core.mail import mail_render
from parties.models import Notification, User
from parties.notifications import notification_queue, notifications_cancel

from .calendars import meeting_ics
from .models import Delegate, Invitation, Meeting, Minutes

DEADLINE_REMINDER_DAYS = 3
MINUTES_REMINDER_DAYS = [3, 7]
MINUTES_REMINDER_WINDOW = timedelta(days=14)


@dataclass(frozen=True)
class Recipient:
    key: str
    email: str
    language: str
    user: User | None = None


def instant(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def meeting_prefix(meeting: Meeting, starts_at: datetime | None = None) -> str:
    """The key prefix of every reminder for the meeting at this start instant."""
    return f"meeting:{meeting.pk}:{instant(starts_at or meeting.starts_at)}:"


def local_shift(meeting: Meeting, moment: datetime, days: int) -> datetime:
    """`moment` moved by whole days in the meeting's wall-clock time (clock changes respected)."""
    local = moment.astimezone(meeting.zone) + timedelta(days=days)  # wall-clock arithmetic
    return local.astimezone(UTC)


def _user_recipient(user: User) -> Recipient:
    return Recipient(f"user:{user.pk}", user.email, user.preferred_language or "en", user)


def contact_points(
    meeting: Meeting, *, answers: list[str] | None = None, invitations=None
) -> list[Recipient]:
    """The contact points of the invited Parties and the contact persons of the invited partner
    organisations (of the invitations given, else of the meeting's, with these answers)."""
    if invitations is None:
        invitations = Invitation.objects.filter(meeting=meeting)
    if answers is not None:
        invitations = invitations.filter(answer__in=answers)
    parties = invitations.filter(party__isnull=False).values("party_id")
    partners = invitations.filter(partner__isnull=False).values("partner_id")
    users = (
        User.objects.filter(is_active=True)
        .filter(
            Q(role=User.Role.CONTACT_POINT, party_id__in=parties)
            | Q(role=User.Role.PARTNER, partner_organisation_id__in=partners)
        )
        .exclude(email="")
    )
    return [_user_recipient(u) for u in users.order_by("pk")]


def delegates(meeting: Meeting, *, invitations=None) -> list[Recipient]:
    """The registered delegates (of the invitations given, else of the meeting's)."""
    rows = Delegate.objects.filter(
        invitation__meeting=meeting, invitation__answer=Invitation.Answer.REGISTERED
    ).select_related("invitation__answered_by")
    if invitations is not None:
        rows = rows.filter(invitation__in=invitations)
    out = []
    for d in rows.order_by("pk"):
        digest = hashlib.sha256(d.email.strip().lower().encode()).hexdigest()[:16]
        by = d.invitation.answered_by
        out.append(Recipient(f"delegate:{digest}", d.email, (by.preferred_language if by else "en")))
    return out


def secretariat() -> list[Recipient]:
    users = User.objects.filter(role=User.Role.SECRETARIAT, is_active=True).exclude(email="")
    return [_user_recipient(u) for u in users.order_by("pk")]


def everyone(meeting: Meeting, *, invitations=None) -> list[Recipient]:
    """Contact points of every invited Party (or of the invitations given), the contact persons of
    the invited partner organisations and the registered delegates, each address once."""
    seen: set[str] = set()
    out = []
    for r in contact_points(meeting, invitations=invitations) + delegates(meeting, invitations=invitations):
        if r.email.lower() not in seen:
            seen.add(r.email.lower())
            out.append(r)
    return out


def _render(meeting: Meeting, kind: str, recipient: Recipient, extra: dict) -> tuple[str, str]:
    def context() -> dict:
        return {
            "meeting": meeting,
            "recipient": recipient,
            "url": settings.SITE_URL.rstrip("/") + meeting.get_absolute_url(),
            **extra,
        }

    return mail_render(f"meetings/email/{kind.split('-')[0]}", context, language=recipient.language)


def _queue(meeting, kind: str, key_kind: str, due: datetime, recipients, existing: set[str], extra=None):
    prefix = f"meeting:{meeting.pk}:cancelled:" if kind == "cancelled" else meeting_prefix(meeting)
    ics: dict[str, str] = {}  # the calendar entry in each recipient's language (its title, its name)
    made = 0
    for r in recipients:
        key = f"{prefix}{key_kind}:{r.key}" if kind != "cancelled" else f"{prefix}{r.key}"
        if key in existing:
            continue
        subject, body = _render(meeting, kind, r, extra or {})
        if r.language not in ics:
            with translation.override(r.language):
                ics[r.language] = meeting_ics(meeting).decode()
        _, created = notification_queue(
            key=key,
            kind=f"meeting.{kind.split('-')[0]}",
            to_email=r.email,
            recipient=r.user,
            language=r.language,
            subject=subject,
            body=body,
            due_at=due,
            attachment=("meeting.ics", "text/calendar", ics[r.language]),
            link=settings.SITE_URL.rstrip("/") + meeting.get_absolute_url(),
        )
        made += created
    return made


def _latest_due(meeting: Meeting, dues: dict[int, datetime], now: datetime, armed: datetime):
    """Of the due moments that have passed since the meeting was (re)scheduled, the latest."""
    passed = [(due, n) for n, due in dues.items() if armed <= due <= now]
    return max(passed) if passed else None


def queue_for_meeting(meeting_pk: int, *, now: datetime) -> int:
    """Queue what is due for one meeting; under the meeting's row lock, so that a reschedule or a
    cancellation in progress cannot interleave with it."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().filter(pk=meeting_pk).first()
        if meeting is None or meeting.is_cancelled:
            return 0
        prefix = meeting_prefix(meeting)
        existing = set(Notification.objects.filter(key__startswith=prefix).values_list("key", flat=True))
        armed = meeting.scheduled_at or meeting.created_at
        made = 0
        if now < meeting.starts_at:
            # A first invitation goes to the contact points; after a change of time, the updated
            # invitation also reaches the delegates already registered.
            invited = everyone(meeting) if meeting.sequence else contact_points(meeting)
            made += _queue(meeting, "invitation", "invitation", armed, invited, existing)
            offsets = {
                int(n): local_shift(meeting, meeting.starts_at, -int(n)) for n in meeting.reminder_offsets
            }
            latest = _latest_due(meeting, offsets, now, armed)
            if latest:
                due, n = latest
                made += _queue(
                    meeting, "before", f"before-{n}d", due, everyone(meeting), existing, {"days": n}
                )
        deadline = meeting.registration_deadline
        if deadline and now < deadline:
            due = local_shift(meeting, deadline, -DEADLINE_REMINDER_DAYS)
            if armed <= due <= now:
                pending = contact_points(meeting, answers=[Invitation.Answer.PENDING])
                made += _queue(meeting, "deadline", f"deadline-{instant(deadline)}", due, pending, existing)
        if meeting.ends_at <= now < meeting.ends_at + MINUTES_REMINDER_WINDOW and minutes_missing(meeting):
            dues = {n: local_shift(meeting, meeting.ends_at, n) for n in MINUTES_REMINDER_DAYS}
            latest = _latest_due(meeting, dues, now, meeting.ends_at)
            if latest:
                due, n = latest
                made += _queue(meeting, "minutes", f"minutes-{n}d", due, secretariat(), existing, {"days": n})
        return made


def participants(meeting: Meeting) -> list[Recipient]:
    """Who took part: the registered delegates and the contact points (or contact persons) of the
    Parties and organisations that attended (present, or registered where attendance is not
    recorded), each address once."""
    attended = Invitation.objects.filter(meeting=meeting).filter(
        Q(attendance=Invitation.Attendance.PRESENT)
        | Q(attendance=Invitation.Attendance.UNKNOWN, answer=Invitation.Answer.REGISTERED)
    )
    return everyone(meeting, invitations=attended)


def minutes_missing(meeting: Meeting) -> bool:
    """No minutes written (draft or approved) and no minutes document uploaded: the secretariat is
    reminded. A draft stops the reminders: its approval waits for the next meeting."""
    written = Minutes.objects.filter(meeting=meeting, text_en__gt="").exists()
    return not written and not meeting.documents.filter(kind="minutes").exists()


def queue_due(*, now: datetime | None = None) -> int:
    """Queue every meeting's due mail (called by the reminder pass every minute)."""
    now = now or timezone.now()
    pks = (
        Meeting.objects.exclude(status=Meeting.Status.CANCELLED)
        .filter(ends_at__gte=now - MINUTES_REMINDER_WINDOW)
        .values_list("pk", flat=True)
    )
    return sum(queue_for_meeting(pk, now=now) for pk in list(pks))


def queue_cancellation(meeting: Meeting, *, now: datetime) -> int:
    """Cancel every pending mail of the meeting and queue one cancellation notice per recipient.
    Called inside the cancelling transaction, under the meeting's row lock."""
    notifications_cancel(key_prefix=f"meeting:{meeting.pk}:")
    existing = set(
        Notification.objects.filter(key__startswith=f"meeting:{meeting.pk}:cancelled:").values_list(
            "key", flat=True
        )
    )
    return _queue(meeting, "cancelled", "cancelled", now, everyone(meeting), existing)


def cancel_stale(meeting: Meeting, *, old_starts_at: datetime) -> int:
    """A rescheduled meeting: the pending mail for the old start instant never goes out."""
    return notifications_cancel(key_prefix=meeting_prefix(meeting, old_starts_at))
