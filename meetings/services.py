"""Writing meetings: keyword-only, atomic, full_clean before save; history by simple-history.

Every change to a meeting row goes through `core.concurrency.locked_for_edit`, which raises its
version; an edit or a state change carrying an older version raises `StaleEdit` and writes nothing.
After commit, the reminder pass for the meeting is nudged through Celery
(`core.background.enqueue_on_commit`); a broker that is down is logged, never raised: the database
row is the truth and the minute sweep picks it up.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from actions.selectors import plan_in_force
from core.background import enqueue_on_commit
from core.concurrency import StaleEdit, locked_for_edit
from core.translations import translation_save
from parties.models import Party, User
from parties.notifications import notifications_cancel

from . import reminders, selectors
from .decision_reminders import decision_prefix
from .models import Decision, DecisionUpdate, Delegate, Document, Invitation, Meeting

MEETING_FIELDS = [
    "kind",
    "title",
    "title_en",
    "title_ru",
    "timezone",
    "starts_at",
    "ends_at",
    "registration_deadline",
    "city",
    "country",
    "address",
    "online_url",
    "host",
    "chair",
    "description",
    "status",
]


def _nudge(meeting_pk: int) -> None:
    from .tasks import meeting_mail

    enqueue_on_commit(meeting_mail, meeting_pk)


def _plan_set(meeting: Meeting) -> None:
    """The meeting belongs to the plan in force on its first day, in its own time zone (none outside
    every plan's years)."""
    meeting.plan = plan_in_force(meeting.starts_local)


def meetings_plan_unset_fill(*, first_year: int, last_year: int) -> int:
    """Meetings of these years that belong to no plan take the plan now in force on their first day
    (after a mandate is prolonged over their years); returns how many did."""
    edge = timedelta(days=1)  # a start near New Year is read in its own time zone below
    candidates = Meeting.objects.filter(
        plan__isnull=True,
        starts_at__gte=datetime(first_year, 1, 1, tzinfo=UTC) - edge,
        starts_at__lt=datetime(last_year + 1, 1, 1, tzinfo=UTC) + edge,
    )
    changed = []
    for meeting in candidates:
        if first_year <= meeting.starts_local.year <= last_year:
            _plan_set(meeting)
            if meeting.plan_id is not None:
                changed.append(meeting)
    Meeting.objects.bulk_update(changed, ["plan"])
    return len(changed)


def _rearm(meeting: Meeting, *, old_starts_at: datetime, old_deadline: datetime | None) -> None:
    """After a change of time: the old pending reminders never go out; new ones arm from now."""
    if old_starts_at != meeting.starts_at:
        reminders.cancel_stale(meeting, old_starts_at=old_starts_at)
        meeting.scheduled_at = timezone.now()
        meeting.sequence += 1
    if old_deadline and old_deadline != meeting.registration_deadline:
        notifications_cancel(
            key_prefix=f"{reminders.meeting_prefix(meeting, old_starts_at)}deadline-{reminders.instant(old_deadline)}"
        )


@transaction.atomic
def meeting_create(
    *, user: User, data: dict[str, Any], actions=(), offsets: list[int] | None = None
) -> Meeting:
    meeting = Meeting(**{f: data[f] for f in MEETING_FIELDS if f in data})
    meeting.reminder_offsets = offsets or [30, 7, 1]
    meeting.created_by = user
    meeting.scheduled_at = timezone.now()
    _plan_set(meeting)
    meeting.full_clean()
    meeting.save()
    _record_russian(meeting, data, before=None, user=user)
    meeting.actions.set(actions)
    if meeting.kind in (Meeting.Kind.SOM, Meeting.Kind.MINISTERIAL):
        invitations_set(meeting=meeting, mode=Meeting.InviteMode.ALL, parties=(), partners=())
    _nudge(meeting.pk)
    return meeting


@transaction.atomic
def meeting_update(
    *, meeting_pk: int, user: User, version: int | None, data: dict[str, Any], actions=(), offsets=None
) -> Meeting:
    meeting = locked_for_edit(Meeting, meeting_pk, version)
    old_starts_at, old_deadline = meeting.starts_at, meeting.registration_deadline
    russian_before = meeting.title_ru
    for field in MEETING_FIELDS:
        if field in data:
            setattr(meeting, field, data[field])
    if offsets:
        meeting.reminder_offsets = offsets
    _rearm(meeting, old_starts_at=old_starts_at, old_deadline=old_deadline)
    _plan_set(meeting)
    meeting.full_clean()
    meeting.save()
    _record_russian(meeting, data, before=russian_before, user=user)
    meeting.actions.set(actions)
    _nudge(meeting.pk)
    return meeting


def _record_russian(
    obj, data: dict[str, Any], *, before: str | None, user: User, field: str = "title"
) -> None:
    """A Russian text written through a form keeps its translation status and history
    (core.translations.translation_save); an unchanged one is left as it is."""
    key = f"{field}_ru"
    if key not in data or (data[key] or None) == (before or None):
        return
    translation_save(obj, field, ru=data[key], by=user)


@transaction.atomic
def meeting_reschedule(
    *, meeting_pk: int, user: User, version: int, starts_at: datetime, ends_at: datetime
) -> Meeting:
    meeting = locked_for_edit(Meeting, meeting_pk, version)
    old_starts_at = meeting.starts_at
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    if meeting.status == Meeting.Status.HELD:
        meeting.status = Meeting.Status.PLANNED
    _rearm(meeting, old_starts_at=old_starts_at, old_deadline=None)
    _plan_set(meeting)
    meeting.full_clean()
    meeting.save()
    _nudge(meeting.pk)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting_pk: int, user: User, version: int | None) -> Meeting:
    """Cancel: every pending reminder is cancelled and one cancellation notice per recipient queued.
    A meeting already cancelled stays as it is; any other change since `version` raises StaleEdit."""
    try:
        meeting = locked_for_edit(Meeting, meeting_pk, version)
    except StaleEdit as stale:
        if stale.current.is_cancelled:  # cancelled already: nothing to refuse, nothing to write
            return stale.current
        raise
    if meeting.is_cancelled:
        return meeting
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.full_clean()
    meeting.save()
    reminders.queue_cancellation(meeting, now=timezone.now())
    _nudge(meeting.pk)
    return meeting


@transaction.atomic
def invitations_set(
    *, meeting: Meeting, mode: str, parties, partners, user: User | None = None
) -> list[Invitation]:
    """Invite all Parties, a selection or the core group, and the partner organisations chosen;
    answers of Parties and organisations still invited are kept."""
    if mode == Meeting.InviteMode.ALL:
        wanted = set(Party.objects.values_list("pk", flat=True))
    elif mode == Meeting.InviteMode.CORE_GROUP:
        wanted = set(selectors.core_group_parties().values_list("pk", flat=True))
    else:
        wanted = {p.pk for p in parties}
    partners = list(partners)
    _invitations_align(meeting, "party", wanted)
    _invitations_align(meeting, "partner", {p.pk for p in partners})
    if meeting.invite_mode != mode:
        meeting.invite_mode = mode
        meeting.save(update_fields=["invite_mode", "updated_at"])  # save(), not update(): history kept
    meeting.partners.set(partners)
    if user is not None:
        _nudge(meeting.pk)
    return list(Invitation.objects.filter(meeting=meeting))


def _invitations_align(meeting: Meeting, field: str, wanted: set[int]) -> None:
    """One invitation per wanted Party (`field="party"`) or partner organisation (`"partner"`): new
    ones made, those no longer wanted dropped unless they have answered."""
    existing = {
        getattr(inv, f"{field}_id"): inv
        for inv in Invitation.objects.filter(meeting=meeting, **{f"{field}__isnull": False})
    }
    for key, inv in existing.items():
        if key not in wanted and inv.answer == Invitation.Answer.PENDING:
            inv.delete()
    for key in wanted - set(existing):
        inv = Invitation(meeting=meeting, **{f"{field}_id": key})
        inv.full_clean()
        inv.save()


@transaction.atomic
def registration_save(*, invitation_pk: int, user: User, delegates: list[dict]) -> Invitation:
    """Register (or change) the Party's delegates: the list replaces the earlier one."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation_pk)
    invitation.delegates.all().delete()
    for row in delegates:
        delegate = Delegate(invitation=invitation, **row)
        delegate.full_clean()
        delegate.save()
    invitation.answer = Invitation.Answer.REGISTERED if delegates else Invitation.Answer.PENDING
    invitation.answered_at = timezone.now() if delegates else None
    invitation.answered_by = user if delegates else None
    invitation.version += 1
    invitation.full_clean()
    invitation.save()
    _cancel_deadline_reminders(invitation)
    return invitation


@transaction.atomic
def registration_decline(*, invitation_pk: int, user: User) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation_pk)
    invitation.delegates.all().delete()
    invitation.answer = Invitation.Answer.DECLINED
    invitation.answered_at = timezone.now()
    invitation.answered_by = user
    invitation.version += 1
    invitation.save()
    _cancel_deadline_reminders(invitation)
    return invitation


def _cancel_deadline_reminders(invitation: Invitation) -> None:
    """A Party or an organisation that answered gets no "please answer" reminder still pending."""
    if invitation.party_id is not None:
        people = User.objects.filter(party_id=invitation.party_id, role=User.Role.CONTACT_POINT)
    else:
        people = User.objects.filter(partner_organisation_id=invitation.partner_id, role=User.Role.PARTNER)
    notifications_cancel(
        key_prefix=f"{reminders.meeting_prefix(invitation.meeting)}deadline-", recipients=people
    )


@transaction.atomic
def attendance_save(*, meeting: Meeting, values: dict[int, str], user: User) -> int:
    changed = 0
    for inv in Invitation.objects.select_for_update().filter(meeting=meeting, party__isnull=False):
        value = values.get(inv.party_id, inv.attendance)
        if value != inv.attendance:
            inv.attendance = value
            inv.full_clean()
            inv.save()
            changed += 1
    return changed


@transaction.atomic
def agenda_save(*, meeting: Meeting, formset, user: User) -> None:
    formset.instance = meeting
    formset.save()
    for form in formset.forms:
        if form.instance.pk and "title_ru" in form.changed_data and form not in formset.deleted_forms:
            _record_russian(form.instance, form.cleaned_data, before=form.initial.get("title_ru"), user=user)


@transaction.atomic
def document_add(
    *, meeting: Meeting, user: User, upload, title: str, kind: str, language: str, agenda_item, sniffed
) -> Document:
    content_type, extension = sniffed
    document = Document(
        meeting=meeting,
        agenda_item=agenda_item,
        title=title,
        kind=kind,
        language=language,
        file=upload,
        filename=f"{slug(title)}.{extension}",
        content_type=content_type,
        size=upload.size,
        uploaded_by=user,
    )
    document.full_clean()
    document.save()
    if kind == Document.Kind.MINUTES:
        _minutes_done(meeting)
    return document


def slug(text: str) -> str:
    from django.utils.text import slugify

    return slugify(text)[:80] or "document"


def _minutes_done(meeting: Meeting) -> None:
    notifications_cancel(key_prefix=f"{reminders.meeting_prefix(meeting)}minutes-")


def _decision_mail_rearm(decision: Decision, *, old_due_on) -> None:
    """A decision closed gets no more reminders; one whose due date moved gets its reminders again,
    for the new date (its keys carry the date), and the old date's pending ones never go out."""
    if not decision.is_open:
        notifications_cancel(key_prefix=decision_prefix(decision))
    elif old_due_on != decision.due_on:
        notifications_cancel(key_prefix=decision_prefix(decision, old_due_on))


@transaction.atomic
def decision_save(*, form, meeting: Meeting, user: User) -> Decision:
    """Record a decision or save the secretariat's edit of one (version checked); a change of status
    made here is kept in the decision's updates like an owner's."""
    decision = form.save(commit=False)
    before = None
    if decision.pk:
        before = locked_for_edit(Decision, decision.pk, form.cleaned_data.get("version"))
        decision.version = before.version
    decision.meeting = meeting
    decision.full_clean()
    decision.save()
    form.save_m2m()
    if before is not None and before.status != decision.status:
        DecisionUpdate.objects.create(
            decision=decision, by=user, from_status=before.status, to_status=decision.status
        )
    if before is not None:
        _decision_mail_rearm(decision, old_due_on=before.due_on)
    return decision


@transaction.atomic
def decision_update(*, decision_pk: int, user: User, version, status: str, note: str) -> DecisionUpdate:
    """An owner's report: the decision's status moves (or stays) and the note is kept with who and
    when. StaleEdit when the decision changed after the form was opened; nothing is written then."""
    decision = locked_for_edit(Decision, decision_pk, version)
    update = DecisionUpdate(
        decision=decision, by=user, from_status=decision.status, to_status=status, note=note.strip()
    )
    decision.status = status
    decision.full_clean()
    decision.save()
    update.full_clean()
    update.save()
    _decision_mail_rearm(decision, old_due_on=decision.due_on)
    return update


@transaction.atomic
def calendar_token_renew(*, user: User) -> str:
    from parties.models import new_calendar_token

    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user.calendar_token
