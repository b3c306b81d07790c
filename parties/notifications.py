"""The e-mail outbox: queue once per key, send exactly once per claim, retry what can pass.

Every app queues its mail here (meeting reminders, progress-report reminders, the yearly
confirmation of contact details). Nothing is sent with Celery's eta/countdown: due mail lives in
the Notification table, and a periodic sweep (`parties.tasks.send_due_notifications`, also run by
`manage.py send_reminders`) sends what is due. Enqueueing the sweep after commit is only a fast path.

Every kind of mail has its line in `parties.mailkinds` (a kind without one is refused here). When an
optional mail falls due, the recipient's choice (`parties.mailprefs`) decides: sent now, held for the
weekly digest (`parties.digest`), or skipped with the reason kept. `_message` is the one place a mail
is built: every one says it is automatic (RFC 3834), and optional mail to a person carries a
one-click unsubscribe (RFC 8058).
"""

from __future__ import annotations

import logging
import smtplib
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .mailkinds import category_of, is_essential
from .mailprefs import modes_for, unsubscribe_url
from .models import MailPreference, Notification, User

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF_SECONDS = [60, 300, 900, 3600]  # after attempt 1, 2, 3, 4
STALE_CLAIM = timedelta(minutes=10)  # a sender that died mid-send gives its rows back after this
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError, socket.timeout, ConnectionError)


@dataclass
class SendResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    held: int = 0


def notification_queue(
    *,
    key: str,
    kind: str,
    to_email: str,
    subject: str,
    body: str,
    due_at: datetime,
    recipient: User | None = None,
    language: str = "en",
    attachment: tuple[str, str, str] | None = None,
    link: str = "",
) -> tuple[Notification, bool]:
    """Queue one e-mail under a unique key; a second call with the same key changes nothing.
    `kind` must have its line in parties.mailkinds.KINDS (UnknownMailKind otherwise); `link` is
    the page the mail is about, for the weekly digest."""
    category_of(kind)  # refuses a kind without its line in the table
    name, mimetype, content = attachment or ("", "", "")
    defaults = {
        "kind": kind,
        "to_email": to_email,
        "recipient": recipient,
        "language": language,
        "subject": subject[:250],
        "body": body,
        "due_at": due_at,
        "attachment_name": name,
        "attachment_mimetype": mimetype,
        "attachment_content": content,
        "link": link[:500],
    }
    try:
        with transaction.atomic():
            return Notification.objects.get_or_create(key=key, defaults=defaults)
    except IntegrityError:  # queued concurrently under the same key: the other one stands
        return Notification.objects.get(key=key), False


def notifications_cancel(
    *,
    key_prefix: str | None = None,
    recipients=None,
    party_id: int | None = None,
    keep_prefix: str | None = None,
) -> int:
    """Cancel pending mail: keys starting with `key_prefix`, for `recipients` (users, ids or a
    queryset) or for the people of the Party `party_id`, except keys starting with `keep_prefix`.
    At least one filter is required: this never cancels the whole outbox by accident."""
    if key_prefix is None and recipients is None and party_id is None:
        raise ValueError("notifications_cancel needs a key prefix, recipients or a Party")
    # held for a digest counts as pending: a cancelled meeting's reminder is not in next week's digest
    pending = Notification.objects.filter(status__in=[Notification.Status.PENDING, Notification.Status.HELD])
    if key_prefix is not None:
        pending = pending.filter(key__startswith=key_prefix)
    if recipients is not None:
        pending = pending.filter(recipient__in=recipients)
    if party_id is not None:
        pending = pending.filter(recipient__party_id=party_id)
    if keep_prefix is not None:
        pending = pending.exclude(key__startswith=keep_prefix)
    return pending.update(status=Notification.Status.CANCELLED, updated_at=timezone.now())


def _due(now: datetime):
    return Notification.objects.filter(
        Q(status=Notification.Status.PENDING, due_at__lte=now)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    )


def _release_stale_claims(now: datetime) -> None:
    Notification.objects.filter(status=Notification.Status.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        status=Notification.Status.PENDING, updated_at=now
    )


def _claim(pk: int, now: datetime) -> bool:
    """Conditional update: true only for the one sender that moved the row from pending to sending."""
    return (
        _due(now)
        .filter(pk=pk)
        .update(
            status=Notification.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now
        )
        == 1
    )


# RFC 3834: automatic mail, so that out-of-office and other auto-replies stay away (Exchange reads
# its own header for the same). Every mail of the portal carries them: the outbox's, and Django's
# password reset (pragueprocess.accounts), the one mail sent at once, outside the outbox.
AUTOMATIC_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


def _headers(n: Notification) -> dict[str, str]:
    # Optional mail to a person also carries RFC 8058's one-click unsubscribe.
    headers = dict(AUTOMATIC_HEADERS)
    if n.recipient_id is not None and not is_essential(n.kind):
        url = unsubscribe_url(user_pk=n.recipient_id, category=category_of(n.kind).code)
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def _message(n: Notification) -> EmailMessage:
    message = EmailMessage(
        subject=n.subject,
        body=n.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[n.to_email],
        headers=_headers(n),
    )
    if n.attachment_name:
        message.attach(
            n.attachment_name, n.attachment_content, n.attachment_mimetype or "application/octet-stream"
        )
    return message


def _set_aside(pk: int, now: datetime, status: str, reason: str) -> bool:
    """Skip or hold a due row instead of sending it; a conditional update, as a claim is."""
    return _due(now).filter(pk=pk).update(status=status, reason=reason[:200], updated_at=now) == 1


def _choice(kind: str, recipient_id: int | None, modes: dict[tuple[int, str], str]) -> str:
    if recipient_id is None or is_essential(kind):
        return MailPreference.Mode.IMMEDIATE
    return modes.get((recipient_id, category_of(kind).code), MailPreference.Mode.IMMEDIATE)


def notifications_send_due(*, now: datetime | None = None, limit: int = 200) -> SendResult:
    """Send what is due; safe to run twice at once: each row goes out once. Optional mail follows
    its recipient's choice: skipped, or held for the weekly digest."""
    now = now or timezone.now()
    result = SendResult()
    _release_stale_claims(now)
    due = list(_due(now).order_by("due_at", "pk").values_list("pk", "kind", "recipient_id")[:limit])
    modes = modes_for(r for _pk, kind, r in due if not is_essential(kind))  # one query for the batch
    for pk, kind, recipient_id in due:
        choice = _choice(kind, recipient_id, modes)
        if choice == MailPreference.Mode.NONE:
            reason = f"preference: none ({category_of(kind).code})"
            result.skipped += _set_aside(pk, now, Notification.Status.SKIPPED, reason)
            continue
        if choice == MailPreference.Mode.DIGEST:
            reason = f"preference: digest ({category_of(kind).code})"
            result.held += _set_aside(pk, now, Notification.Status.HELD, reason)
            continue
        if not _claim(pk, now):
            continue  # another sender won it
        n = Notification.objects.get(pk=pk)
        try:
            _message(n).send(fail_silently=False)
        except TRANSIENT_ERRORS as exc:
            error = f"{exc.__class__.__name__}: {exc}"[:2000]
            if n.attempts >= MAX_ATTEMPTS:
                Notification.objects.filter(pk=pk).update(
                    status=Notification.Status.FAILED, last_error=error, updated_at=timezone.now()
                )
                result.failed += 1
                log.warning("notification %s failed for good: %s", n.key, error)
            else:
                delay = BACKOFF_SECONDS[min(n.attempts - 1, len(BACKOFF_SECONDS) - 1)]
                Notification.objects.filter(pk=pk).update(
                    status=Notification.Status.PENDING,
                    last_error=error,
                    next_attempt_at=timezone.now() + timedelta(seconds=delay),
                    updated_at=timezone.now(),
                )
                result.retried += 1
            continue
        Notification.objects.filter(pk=pk).update(
            status=Notification.Status.SENT, sent_at=timezone.now(), last_error="", updated_at=timezone.now()
        )
        result.sent += 1
    return result
