"""Reading meetings: every function returns querysets with their joins applied.

`core_group_parties()` returns the Parties invited when a meeting invites "the core group": the
Parties whose core-group membership is current today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils import timezone

from actions.models import Action
from parties.models import Party, User
from parties.permissions import ALL, OWN, can, can_as_owner, deny, object_or_deny, scope

from .models import (
    AgendaItem,
    Decision,
    DecisionUpdate,
    Delegate,
    Document,
    Invitation,
    Meeting,
    Minutes,
    MinutesRevision,
)

OPEN_DECISION_STATUSES = list(Decision.OPEN_STATUSES)
DECISION_UPDATE = "decision.update"


def core_group_parties() -> QuerySet[Party]:
    """The Parties of the current core group."""
    from parties.selectors import core_group_current

    today = timezone.localdate()
    return Party.objects.filter(pk__in=core_group_current(on=today).values("party_id"))


def sees_every_party(user, capability: str) -> bool:
    """True when the user holds `capability` for every Party's records, not only their own."""
    return scope(user, capability) is ALL


def meeting_for(user, pk: int, capability: str, *, queryset: QuerySet[Meeting] | None = None) -> Meeting:
    """The meeting `pk` when the user holds `capability` for it, else a denial, logged: 403, as a
    meeting's existence is public (404 when there is no such meeting). A meeting is every invited
    Party's business, so the capability must be held for every Party, not for one's own only."""
    if not sees_every_party(user, capability):
        deny(user, capability)
    queryset = Meeting.objects.all() if queryset is None else queryset
    return object_or_deny(user, capability, queryset, party_of=lambda meeting: None, pk=pk)


def meeting_seen_or_deny(user, meeting: Meeting, capability: str = "meeting.documents.view") -> None:
    """Deny (logged, 403: a meeting's existence is public) unless the user sees this meeting's
    documents and minutes: every member does; a partner organisation's contact person only for the
    meetings its organisation is invited to."""
    granted = scope(user, capability)
    if granted is ALL:
        return
    if granted is OWN and user.partner_organisation_id is not None:
        invited = Invitation.objects.filter(meeting=meeting, partner_id=user.partner_organisation_id)
        if invited.exists():
            return
    deny(user, capability, reason=f"meeting {meeting.pk}")


def minutes_of(meeting: Meeting) -> Minutes | None:
    """The meeting's minutes, or None (read from the meeting's select_related where it was)."""
    try:
        return meeting.minutes
    except Minutes.DoesNotExist:
        return None


def minutes_readable(user, minutes: Minutes | None) -> bool:
    """Drafts are read by the secretariat and the core group; approved minutes by the rest."""
    if minutes is None:
        return False
    return minutes.is_approved or can(user, "minutes.draft.view")


def minutes_revisions(minutes: Minutes) -> QuerySet[MinutesRevision]:
    return minutes.revisions.select_related("saved_by").order_by("-number")


def later_meetings(meeting: Meeting) -> QuerySet[Meeting]:
    """The meetings that may approve this one's minutes: those after it, not cancelled."""
    return (
        Meeting.objects.filter(starts_at__gt=meeting.starts_at)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("starts_at")
    )


def _actions_prefetch(path: str = "actions") -> Prefetch:
    return Prefetch(
        path, queryset=Action.objects.select_related("area__plan").order_by("area__order", "number")
    )


def meeting_list() -> QuerySet[Meeting]:
    """Meetings with their host; their actions come with `meetings_page`."""
    return Meeting.objects.select_related("host")


def meeting_get(pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("host", "plan", "minutes__approved_at").prefetch_related(
            _actions_prefetch(),
            "partners",
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.order_by("order", "pk").prefetch_related(
                    _actions_prefetch(), Prefetch("documents", queryset=Document.objects.order_by("pk"))
                ),
            ),
            Prefetch("documents", queryset=Document.objects.select_related("agenda_item").order_by("kind")),
            Prefetch("decisions", queryset=with_latest_note(Decision.objects.all())),
        ),
        pk=pk,
    )


def meeting_invitations(meeting: Meeting) -> QuerySet[Invitation]:
    """The Parties' invitations, then the partner organisations', each with its delegates."""
    return (
        Invitation.objects.filter(meeting=meeting)
        .select_related("party", "partner", "answered_by")
        .prefetch_related(Prefetch("delegates", queryset=Delegate.objects.order_by("pk")))
        .order_by(F("party__order").asc(nulls_last=True), "party__short_name", "partner__acronym")
    )


def open_decisions_before(meeting: Meeting) -> QuerySet[Decision]:
    """Open decisions of earlier meetings: they come back on every SOM page until closed."""
    return with_latest_note(
        Decision.objects.filter(
            meeting__starts_at__lt=meeting.starts_at, status__in=OPEN_DECISION_STATUSES
        ).select_related("meeting")
    ).order_by("meeting__starts_at", "pk")


def _owners_prefetch(path: str = "owner_parties") -> Prefetch:
    return Prefetch(path, queryset=Party.objects.order_by("order", "short_name"))


def with_latest_note(qs: QuerySet[Decision]) -> QuerySet[Decision]:
    """Decisions with `latest_note` and `latest_note_at`, their newest update's, in the same query."""
    newest = (
        DecisionUpdate.objects.filter(decision=OuterRef("pk")).exclude(note="").order_by("-created_at", "-pk")
    )
    return qs.annotate(
        latest_note=Subquery(newest.values("note")[:1]),
        latest_note_at=Subquery(newest.values("created_at")[:1]),
    )


def decision_get(meeting_pk: int, pk: int) -> Decision:
    """One decision of one meeting with what its page shows: meeting, actions, owners, updates."""
    return get_object_or_404(
        Decision.objects.select_related("meeting").prefetch_related(
            _actions_prefetch(),
            _owners_prefetch(),
            Prefetch(
                "updates", queryset=DecisionUpdate.objects.select_related("by").order_by("-created_at", "-pk")
            ),
        ),
        meeting_id=meeting_pk,
        pk=pk,
    )


def can_update_decision(user, decision: Decision) -> bool:
    """An owner may report on a decision: a contact point of an owner Party, a core group member
    when the core group owns it; the secretariat always (owner Parties from the prefetch, if any)."""
    return can_as_owner(
        user,
        DECISION_UPDATE,
        party_ids=[p.pk for p in decision.owner_parties.all()],
        core_group=decision.owner_core_group,
    )


def decision_for_update(user, decision: Decision) -> Decision:
    """The decision when the user may report on it, else a denial, logged: 403 (decisions are public)."""
    if not can_update_decision(user, decision):
        deny(user, DECISION_UPDATE, visible=True, reason=f"meetings.Decision {decision.pk}")
    return decision


def open_decisions_owned(
    *, party: Party | None = None, secretariat: bool = False, core_group: bool = False
) -> QuerySet[Decision]:
    """Open decisions owned by `party`, or by the secretariat, or by the core group, due first."""
    owned = Q()
    if party is not None:
        owned |= Q(pk__in=Decision.owner_parties.through.objects.filter(party=party).values("decision_id"))
    if secretariat:
        owned |= Q(owner_secretariat=True)
    if core_group:
        owned |= Q(owner_core_group=True)
    if not owned:
        return Decision.objects.none()
    return (
        Decision.objects.filter(owned, status__in=OPEN_DECISION_STATUSES)
        .select_related("meeting")
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )


OPEN_DECISIONS_SHOWN = 50  # the oldest first: those most overdue for follow-up


def meeting_page_decisions(meeting: Meeting) -> tuple[list[Decision], list[Decision], int]:
    """The meeting's own decisions and, for an SOM, the oldest open ones of earlier meetings (at most
    OPEN_DECISIONS_SHOWN, with their total), with their actions fetched in one query for both lists."""
    own = list(meeting.decisions.all())
    earlier, total = [], 0
    if meeting.kind == Meeting.Kind.SOM:
        pending = open_decisions_before(meeting)
        earlier = list(pending[:OPEN_DECISIONS_SHOWN])
        total = pending.count()  # always asked, so the page's query count never depends on the data
    prefetch_related_objects(own + earlier, _actions_prefetch(), _owners_prefetch())
    return own, earlier, total


def meetings_page(
    qs: QuerySet[Meeting], *, now: datetime, page: int, per_page: int = 25, keep_order: bool = False
):
    """Upcoming meetings (up to 50, soonest first) and one page of past ones (latest first), each
    one query whatever the data, and their actions in one more: the number of queries does not
    grow with the number of meetings. `keep_order`: the visitor chose an order."""
    upcoming_qs, past_qs = qs.filter(ends_at__gte=now), qs.filter(ends_at__lt=now)
    if not keep_order:
        upcoming_qs, past_qs = upcoming_qs.order_by("starts_at", "pk"), past_qs.order_by("-starts_at", "-pk")
    upcoming = list(upcoming_qs[:50])
    offset = (page - 1) * per_page
    past = list(past_qs[offset : offset + per_page + 1])
    has_next = len(past) > per_page
    past = past[:per_page]
    prefetch_related_objects(upcoming + past, _actions_prefetch())
    return upcoming, past, has_next


def meetings_upcoming(*, now: datetime | None = None, limit: int = 5) -> QuerySet[Meeting]:
    now = now or timezone.now()
    return (
        Meeting.objects.filter(ends_at__gte=now)
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("host")
        .order_by("starts_at")[:limit]
    )


def partner_meetings(partner_id: int, *, limit: int = 10) -> list[Invitation]:
    """A partner organisation's invitations, latest meeting first, with its answer."""
    return list(
        Invitation.objects.filter(partner_id=partner_id)
        .select_related("meeting", "partner")
        .annotate(delegate_count=Count("delegates"))
        .order_by("-meeting__starts_at")[:limit]
    )


def party_meetings(party: Party, *, limit: int = 10) -> list[Invitation]:
    """The Party's invitations, latest meeting first, with its answer."""
    return list(
        Invitation.objects.filter(party=party)
        .select_related("meeting")
        .annotate(delegate_count=Count("delegates"))
        .order_by("-meeting__starts_at")[:limit]
    )


def user_meetings(user: User) -> QuerySet[Meeting]:
    """The meetings a user is invited to (their personal calendar feed)."""
    qs = Meeting.objects.select_related("host")
    if can(user, "meeting.manage"):  # who manages the meetings has them all in their feed
        return qs.all()
    core_group = can(user, "meeting.core_group.view")
    if user.partner_organisation_id:
        return qs.filter(invitations__partner_id=user.partner_organisation_id).distinct()
    if user.party_id:
        mine = Q(invitations__party_id=user.party_id)
        if core_group:
            mine |= Q(kind=Meeting.Kind.CORE_GROUP)
        return qs.filter(mine).distinct()
    if core_group:
        return qs.filter(kind=Meeting.Kind.CORE_GROUP)
    return qs.none()


@dataclass
class CadenceYear:
    year: int
    held: list[Meeting]
    scheduled: list[Meeting]

    @property
    def missing(self) -> bool:
        return not self.held and not self.scheduled


def soms_took_place(*, now: datetime | None = None) -> QuerySet[Meeting]:
    """The one definition of "SOMs held": Senior Officials' Meetings not cancelled and marked held
    or already ended (a meeting only scheduled has not taken place). evaluation/figures.py counts them."""
    now = now or timezone.now()
    return (
        Meeting.objects.filter(kind=Meeting.Kind.SOM)
        .exclude(status=Meeting.Status.CANCELLED)
        .filter(Q(status=Meeting.Status.HELD) | Q(ends_at__lt=now))
    )


def som_took_place(meeting: Meeting, *, now: datetime | None = None) -> bool:
    """`soms_took_place` for a meeting already loaded."""
    now = now or timezone.now()
    return (
        meeting.kind == Meeting.Kind.SOM
        and meeting.status != Meeting.Status.CANCELLED
        and (meeting.status == Meeting.Status.HELD or meeting.ends_at < now)
    )


def som_cadence(years: range, *, now: datetime | None = None) -> list[CadenceYear]:
    """For each year of the plan: the SOMs held and those scheduled; one query."""
    now = now or timezone.now()
    by_year = {year: CadenceYear(year, [], []) for year in years}
    soms = Meeting.objects.filter(kind=Meeting.Kind.SOM).exclude(status=Meeting.Status.CANCELLED)
    for meeting in soms.order_by("starts_at"):
        year = meeting.starts_local.year
        if year not in by_year:
            continue
        if som_took_place(meeting, now=now):
            by_year[year].held.append(meeting)
        else:
            by_year[year].scheduled.append(meeting)
    return list(by_year.values())
