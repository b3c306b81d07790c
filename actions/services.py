"""Writing activities: keyword-only, atomic, validated, and each change kept in the history.

One history entry per save: the activity's own fields, its sets (actions, items, other Parties) and a
reason line that names what changed in its financing, partners and documents. Writes go through
`save()`, never `QuerySet.update()`, which would bypass the history.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.concurrency import locked_for_edit
from parties.models import Party, User
from parties.permissions import can
from parties.threads import message_post, thread_delete

from .models import (
    Action,
    ActionPlan,
    Activity,
    ActivityDocument,
    ActivityPartner,
    ActivitySettings,
    FinancingLine,
    Participation,
)

PLAIN_FIELDS = (
    "title",
    "description",
    "kind",
    "status",
    "state",
    "start_date",
    "end_date",
    "outputs",
    "links",
)


class ActivityStateError(Exception):
    """The requested transition is not possible from the activity's state."""


@dataclass
class ActivityWrite:
    """What a form or an import row validated, for `activity_create` / `activity_update`."""

    fields: dict
    actions: list[Action]
    items: list = field(default_factory=list)
    other_parties: list[Party] = field(default_factory=list)
    financing: list[dict] = field(default_factory=list)
    partners: list[dict] = field(default_factory=list)
    documents: list = field(default_factory=list)
    remove_documents: list = field(default_factory=list)
    # The plan of a new activity; without one, its actions' plan (see `plan_of`). An existing
    # activity keeps its own.
    plan: ActionPlan | None = None


def plan_of(write: ActivityWrite) -> ActionPlan | None:
    """The plan a new activity belongs to: the one given, else its actions' plan, else the plan in
    force at its start date, else the current plan."""
    from .selectors import plan_current, plan_in_force

    if write.plan is not None:
        return write.plan
    if write.actions:
        return write.actions[0].area.plan
    return plan_in_force(write.fields.get("start_date")) or plan_current()


def _line_key(line: dict | FinancingLine) -> tuple:
    get = line.get if isinstance(line, dict) else lambda k: getattr(line, k)
    return (get("source").pk, f"{get('amount'):.2f}", get("currency"), get("funder") or "")


def _partner_key(row: dict | ActivityPartner) -> tuple:
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k)
    return (get("organisation").pk, get("role"))


def financing_describe(lines) -> str:
    """Financing lines (rows or dicts) as one readable line, for the history and the conflict view."""
    return (
        "; ".join(
            f"{(ln['amount'] if isinstance(ln, dict) else ln.amount):,.2f} "
            f"{ln['currency'] if isinstance(ln, dict) else ln.currency} "
            f"({ln['source'] if isinstance(ln, dict) else ln.source})"
            for ln in lines
        )
        or "–"
    )


def _write_related(
    *, activity: Activity, write: ActivityWrite, user: User | None, created: bool
) -> list[str]:
    """Sets, financing lines, partners and documents; returns reason phrases for the history."""
    reasons = []
    activity.actions.set(write.actions)
    activity.items.set(write.items)
    activity.other_parties.set(write.other_parties)

    old_lines = list(activity.financing_lines.select_related("source").order_by("pk")) if not created else []
    if sorted(map(_line_key, old_lines)) != sorted(map(_line_key, write.financing)):
        for line in old_lines:
            line.delete()
        for data in write.financing:
            line = FinancingLine(activity=activity, **data)
            line._history_user = user
            line.full_clean(exclude=["activity"])
            line.save()
        if not created:
            reasons.append(
                _("Financing: %(old)s → %(new)s")
                % {"old": financing_describe(old_lines), "new": financing_describe(write.financing)}
            )

    old_partners = list(activity.partner_roles.select_related("organisation")) if not created else []
    if sorted(map(_partner_key, old_partners)) != sorted(map(_partner_key, write.partners)):
        for row in old_partners:
            row.delete()
        for data in write.partners:
            row = ActivityPartner(activity=activity, **data)
            row._history_user = user
            row.full_clean(exclude=["activity"])
            row.save()
        if not created:
            names = ", ".join(f"{p['organisation']} ({p['role']})" for p in write.partners) or "–"
            reasons.append(_("Partners: %(names)s") % {"names": names})

    storage = ActivityDocument._meta.get_field("file").storage
    for document in write.remove_documents:
        if document.activity_id != activity.pk:
            continue
        name = document.file.name
        document.delete()
        transaction.on_commit(lambda name=name: storage.delete(name))
        reasons.append(_("Document removed: %(name)s") % {"name": document.original_name})
    for upload in write.documents:
        document = ActivityDocument(
            activity=activity,
            original_name=upload.name[-200:],
            content_type=upload.sniffed_type,
            size=upload.size,
            uploaded_by=user,
        )
        document.file.save("upload", upload, save=False)
        document.save()
        reasons.append(_("Document added: %(name)s") % {"name": document.original_name})
    return reasons


def _participations_ensure(*, activity: Activity, user: User | None) -> list[Action]:
    """Record the reporting Party as participant in each of the activity's actions it has not joined.

    Only once the activity is submitted: a draft is private to its Party, and the participation
    matrix is not."""
    if activity.state != Activity.State.SUBMITTED:
        return []
    joined = set(
        Participation.objects.filter(party_id=activity.party_id)
        .order_by()
        .values_list("action_id", flat=True)
    )
    added = []
    for action in activity.actions.select_related("area").order_by("area__order", "number"):
        if action.pk in joined:
            continue
        participation = Participation(
            party_id=activity.party_id,
            action=action,
            role=Participation.Role.PARTICIPANT,
            since=activity.start_date or timezone.localdate(),
            declared_by=user,
            note=_("Recorded with the activity “%(title)s”.") % {"title": activity.title[:150]},
        )
        participation._history_user = user
        participation.full_clean()
        participation.save()
        added.append(action)
    return added


def _save_once(
    activity: Activity, *, user: User | None, reason: str, created: bool, write: ActivityWrite
) -> None:
    """Save the row and its sets with the history paused, then keep a single history entry."""
    activity.skip_history_when_saving = True
    try:
        activity.save()
        extra = _write_related(activity=activity, write=write, user=user, created=created)
    finally:
        del activity.skip_history_when_saving
    activity._history_user = user
    activity._change_reason = "; ".join(filter(None, [reason, *extra]))[:100] or None
    activity.save(update_fields=["updated_at"])
    if created:
        # The entry is the creation, whatever save() it came from.
        record = activity.history.order_by("-history_id").first()
        record.history_type = "+"
        record.save(update_fields=["history_type"])


@transaction.atomic
def activity_create(*, user: User, party: Party, write: ActivityWrite) -> tuple[Activity, list[Action]]:
    """Create an activity for `party`; returns it and the actions the Party was newly recorded in."""
    activity = Activity(party=party, plan=plan_of(write), created_by=user, updated_by=user, version=1)
    for name in PLAIN_FIELDS:
        if name in write.fields:
            setattr(activity, name, write.fields[name])
    if activity.state == Activity.State.ARCHIVED:
        raise ActivityStateError("a new activity cannot be archived")
    activity.full_clean()
    _save_once(activity, user=user, reason="", created=True, write=write)
    joined = _participations_ensure(activity=activity, user=user)
    return activity, joined


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    user: User,
    expected_version: int | None,
    write: ActivityWrite,
    party: Party | None = None,
) -> tuple[Activity, list[Action]]:
    """Apply an edit made from `expected_version`; raise core.concurrency.StaleEdit (writing
    nothing) if stale."""
    current = locked_for_edit(Activity, activity.pk, expected_version)
    if current.state == Activity.State.ARCHIVED:
        raise ActivityStateError("an archived activity is restored before it is edited")
    new_state = write.fields.get("state", current.state)
    if current.state == Activity.State.SUBMITTED and new_state != Activity.State.SUBMITTED:
        raise ActivityStateError("a submitted activity stays submitted")
    for name in PLAIN_FIELDS:
        if name in write.fields:
            setattr(current, name, write.fields[name])
    if party is not None:
        current.party = party
    if (
        current.state == Activity.State.SUBMITTED
        and current.review != Activity.Review.PENDING
        and not can(user, "activity.review", current.party_id)
    ):
        # The Party's own change (a returned activity resubmitted, or a checked one changed) waits
        # for the secretariat's new look; the secretariat's edits keep the check.
        current.review = Activity.Review.PENDING
    current.updated_by = user
    # The Party and the people are model instances read from the database (the form's Party, the
    # signed-in user): asking whether they exist would cost three queries and prove nothing.
    current.full_clean(exclude=["party", "created_by", "updated_by"])
    _save_once(current, user=user, reason="", created=False, write=write)
    joined = _participations_ensure(activity=current, user=user)
    return current, joined


def _locked_for_change(activity: Activity, expected_version: int | None) -> Activity:
    """The activity locked for a state change, its version moved on so that a form opened before
    is stale; compared with `expected_version` when the page gave one (StaleEdit if it differs)."""
    if expected_version is None:
        current = Activity.objects.select_for_update().get(pk=activity.pk)
        current.version += 1
        return current
    return locked_for_edit(Activity, activity.pk, expected_version)


@transaction.atomic
def activity_delete(*, activity: Activity, user: User, expected_version: int | None = None) -> str:
    """A draft is deleted; a submitted activity is archived (kept, restorable). Returns what happened.
    StaleEdit when `expected_version` is given and the activity changed since."""
    current = _locked_for_change(activity, expected_version)
    current._history_user = user
    if current.state == Activity.State.DRAFT:
        files = [d.file.name for d in current.documents.all()]
        thread_delete(current)
        current.delete()
        storage = ActivityDocument._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
        return "deleted"
    if current.state == Activity.State.ARCHIVED:
        return "unchanged"
    current.state = Activity.State.ARCHIVED
    current.updated_by = user
    current._change_reason = "archived"
    current.save()
    return "archived"


@transaction.atomic
def activity_restore(*, activity: Activity, user: User, expected_version: int | None = None) -> bool:
    """Bring an archived activity back as submitted; False when it was not archived. StaleEdit when
    `expected_version` is given and the activity changed since."""
    current = _locked_for_change(activity, expected_version)
    if current.state != Activity.State.ARCHIVED:
        return False
    current.state = Activity.State.SUBMITTED
    current.updated_by = user
    current._history_user = user
    current._change_reason = "restored"
    current.save()
    return True


def _reviewed(
    *, activity: Activity, user: User, expected_version: int | None, review: str, reason: str
) -> Activity:
    """The submitted activity, locked at the version the secretariat saw, given its check."""
    current = locked_for_edit(Activity, activity.pk, expected_version)
    if current.state != Activity.State.SUBMITTED:
        raise ActivityStateError("only a submitted activity is checked or returned")
    current.review, current.reviewed_at, current.reviewed_by = review, timezone.now(), user
    current.updated_by = user
    current._history_user = user
    current._change_reason = reason
    current.save()
    return current


@transaction.atomic
def activity_check(*, activity: Activity, user: User, expected_version: int | None) -> Activity:
    """Mark a submitted activity checked by the secretariat. StaleEdit (nothing written) when it
    changed since `expected_version`, so the same click twice checks it once."""
    return _reviewed(
        activity=activity,
        user=user,
        expected_version=expected_version,
        review=Activity.Review.CHECKED,
        reason="checked",
    )


@transaction.atomic
def activity_return(
    *, activity: Activity, user: User, expected_version: int | None, comment: str
) -> Activity:
    """Return a submitted activity to its Party for changes; the comment becomes a message of the
    activity's conversation (mailed to the Party's contact points). StaleEdit when it changed since
    `expected_version`."""
    if not comment.strip():
        raise ValidationError({"comment": _("Say what the Party should change.")})
    current = _reviewed(
        activity=activity,
        user=user,
        expected_version=expected_version,
        review=Activity.Review.RETURNED,
        reason="returned",
    )
    message_post(
        user=user,
        record=current,
        party=current.party,
        text=comment,
        url=current.get_absolute_url(),
        about=current.title,
    )
    return current


@transaction.atomic
def activity_settings_save(
    *, user: User, expected_version: int | None, readers_checked_only: bool
) -> ActivitySettings:
    """Save the secretariat's activity settings made from `expected_version` (StaleEdit if stale)."""
    ActivitySettings.objects.get_or_create(pk=1)
    current = locked_for_edit(ActivitySettings, 1, expected_version)
    current.readers_checked_only = readers_checked_only
    current.updated_by = user
    current.full_clean(exclude=["updated_by"])
    current.save()
    return current
