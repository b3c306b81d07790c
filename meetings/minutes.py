"""Minutes: a draft the secretariat writes, approved later (usually at the next meeting), and then
sent to the meeting's participants once.

Every save of the text keeps a numbered revision (both languages, who, when); the row carries a
version (core.concurrency), so two editors never overwrite each other. Approving queues one e-mail
per participant in the outbox (parties.notifications) under

    meeting:<pk>:minutes-approved:<revision>:<recipient>

so a second approval of the same text, a retried request, two beats or two senders at once give each
person one e-mail; minutes corrected after approval go back to draft, and the corrected text,
approved anew, is a later revision and reaches them again.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.background import enqueue_on_commit
from core.concurrency import StaleEdit, locked_for_edit
from core.mail import mail_render
from core.translations import localized, translation_save
from parties.models import Notification, User
from parties.notifications import notification_queue, notifications_cancel

from . import reminders
from .models import Document, Meeting, Minutes, MinutesRevision


def minutes_key_prefix(meeting_pk: int, revision: int) -> str:
    return f"meeting:{meeting_pk}:minutes-approved:{revision}:"


def _row(meeting_pk: int) -> Minutes:
    """The meeting's minutes row, made (empty, version 1) on the first write: a page opened before
    any minutes existed carries version 1."""
    row, _created = Minutes.objects.get_or_create(meeting_id=meeting_pk)
    return row


@transaction.atomic
def minutes_save(
    *, meeting_pk: int, user: User, version: int | None, text_en: str, text_ru: str = ""
) -> Minutes:
    """Save the minutes' text as a new revision; approved minutes that change go back to draft.
    StaleEdit when someone saved since `version`; an unchanged text writes nothing."""
    minutes = locked_for_edit(Minutes, _row(meeting_pk).pk, version, bump=False)
    text_en, text_ru = (text_en or "").strip(), (text_ru or "").strip()
    if ((minutes.text_en or "").strip(), (minutes.text_ru or "").strip()) == (text_en, text_ru):
        return minutes  # nothing to write: no revision, the version stays
    minutes.version += 1
    russian_before = (minutes.text_ru or "").strip()
    with translation.override("en"):  # `text` is the English column's original (EnglishOriginal)
        minutes.text = text_en
    minutes.text_en, minutes.text_ru = text_en, text_ru or None
    if minutes.is_approved:
        minutes.state = Minutes.State.DRAFT
        minutes.approved_on = minutes.approved_at = minutes.approved_by = None
    minutes.updated_by = user
    minutes.full_clean()
    minutes.save()
    _revision_add(minutes, by=user)
    if russian_before != text_ru:
        translation_save(minutes, "text", ru=text_ru, by=user)  # its status and translation history
    if text_en:
        meeting = Meeting.objects.get(pk=meeting_pk)
        notifications_cancel(key_prefix=f"{reminders.meeting_prefix(meeting)}minutes-")
    return minutes


def _revision_add(minutes: Minutes, *, by: User | None) -> MinutesRevision:
    number = (minutes.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    return MinutesRevision.objects.create(
        minutes=minutes,
        number=number,
        text_en=(minutes.text_en or "").strip(),
        text_ru=(minutes.text_ru or "").strip(),
        saved_at=timezone.now(),
        saved_by=by,
    )


@transaction.atomic
def minutes_revision_record(*, minutes_pk: int, by: User | None) -> MinutesRevision | None:
    """After the Russian text was changed elsewhere (the translation editor, core.translations):
    keep it as a revision and move the version on, so an edit form opened before refuses to save
    over it. Approved minutes whose text changed go back to draft, as on the minutes' own page."""
    minutes = Minutes.objects.select_for_update().get(pk=minutes_pk)
    latest = minutes.revisions.order_by("-number").first()
    current = ((minutes.text_en or "").strip(), (minutes.text_ru or "").strip())
    if latest is not None and (latest.text_en, latest.text_ru) == current:
        return None
    minutes.version += 1
    minutes.updated_by = by
    fields = ["version", "updated_by", "updated_at"]
    if minutes.is_approved:
        minutes.state = Minutes.State.DRAFT
        minutes.approved_on = minutes.approved_at = minutes.approved_by = None
        fields += ["state", "approved_on", "approved_at", "approved_by"]
    minutes.save(update_fields=fields)
    return _revision_add(minutes, by=by)


@transaction.atomic
def minutes_approve(
    *, meeting_pk: int, user: User, version: int | None, approved_on: date, approved_at: Meeting | None = None
) -> Minutes:
    """Approve the minutes as they stand and queue them to every participant, once each. Minutes
    already approved stay as they are; StaleEdit when they changed since `version`."""
    try:
        minutes = locked_for_edit(Minutes, _row(meeting_pk).pk, version, bump=False)
    except StaleEdit as stale:
        if stale.current.is_approved:  # approved already (a second click, a retry): nothing to do
            return stale.current
        raise
    if minutes.is_approved:
        return minutes
    minutes.version += 1
    meeting = Meeting.objects.get(pk=meeting_pk)
    latest = minutes.revisions.aggregate(n=Max("number"))["n"]
    if latest is None and not meeting.documents.filter(kind=Document.Kind.MINUTES).exists():
        raise ValidationError(_("Write the minutes or upload the minutes document before approving them."))
    minutes.state = Minutes.State.APPROVED
    minutes.approved_on, minutes.approved_at, minutes.approved_by = approved_on, approved_at, user
    minutes.approved_revision = latest or 0
    minutes.full_clean()
    minutes.save()
    minutes_mail_queue(minutes=minutes, meeting=meeting, now=timezone.now())
    from .tasks import meeting_mail

    enqueue_on_commit(meeting_mail, meeting.pk)  # the fast path; the minute sweep sends it anyway
    return minutes


def minutes_url(meeting: Meeting) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("meetings:minutes", args=[meeting.pk])


def minutes_mail_queue(*, minutes: Minutes, meeting: Meeting, now: datetime) -> int:
    """Queue the approved minutes to each participant (reminders.participants), in their language,
    with the minutes documents linked; returns how many were queued. Idempotent: one row per key."""
    if not minutes.is_approved:
        return 0
    prefix = minutes_key_prefix(meeting.pk, minutes.approved_revision)
    existing = set(Notification.objects.filter(key__startswith=prefix).values_list("key", flat=True))
    documents = list(meeting.documents.filter(kind=Document.Kind.MINUTES).order_by("language", "pk"))
    site = settings.SITE_URL.rstrip("/")
    made = 0
    for recipient in reminders.participants(meeting):
        key = f"{prefix}{recipient.key}"
        if key in existing:
            continue

        def context(recipient=recipient) -> dict:
            # The recipient's language first, then the others (each marked with its language).
            ordered = sorted(documents, key=lambda d: d.language != recipient.language)
            return {
                "meeting": meeting,
                "minutes": minutes,
                "text": localized(minutes, "text", recipient.language),
                "url": minutes_url(meeting),
                "documents": [
                    {"title": d.title, "language": d.get_language_display(), "url": site + _document_path(d)}
                    for d in ordered
                ],
            }

        subject, body = mail_render("meetings/email/minutes_approved", context, language=recipient.language)
        _, created = notification_queue(
            key=key,
            kind="meeting.minutes_approved",
            to_email=recipient.email,
            recipient=recipient.user,
            language=recipient.language,
            subject=subject,
            body=body,
            due_at=now,
        )
        made += created
    return made


def _document_path(document: Document) -> str:
    return reverse("meetings:document", args=[document.meeting_id, document.pk])
