"""Reading the plan: every function returns querysets with their joins applied."""

from __future__ import annotations

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from core.lookups import AnyOf
from parties.models import Party
from parties.permissions import ALL, OWN, READER, can, role_of, scope, visible_or_deny

from . import plan_cache
from .models import (
    Action,
    ActionItem,
    ActionPlan,
    Activity,
    ActivityDocument,
    ActivityPartner,
    ActivitySettings,
    FinancingLine,
    Participation,
    PartyName,
    PriorityArea,
)


def plan_current() -> ActionPlan | None:
    """The plan the portal shows by default: the latest loaded."""
    return ActionPlan.objects.order_by("-start_year", "-pk").first()


def plan_in_force(day) -> ActionPlan | None:
    """The plan in force on `day` (a date, or a datetime read as its own date): the plan whose years
    hold the day's year, a prolonged mandate's added years included (`end_year` moves with each
    prolongation); the newest when several do; None before the first plan and after the last."""
    if day is None:
        return None
    return (
        ActionPlan.objects.filter(start_year__lte=day.year, end_year__gte=day.year)
        .order_by("-start_year", "-pk")
        .first()
    )


def plans_all() -> list[ActionPlan]:
    """Every plan, newest first: the plan switcher's choices (kept per process: plan_cache.py)."""
    return plan_cache.plans()


def plans_several() -> bool:
    """Whether more than one plan is loaded: pages then name the plan of what they list."""
    return plan_cache.several()


def party_names(plan: ActionPlan) -> dict[int, PartyName]:
    """{party id: the Party's names as the plan writes them}, in one query, for the pages of a plan
    (`{% tr party|as_of:party_names "short_name" %}`, actions/templatetags/plans.py). A Party the
    plan does not name keeps today's name."""
    return {n.party_id: n for n in PartyName.objects.filter(plan=plan)}


def plan_areas(plan: ActionPlan) -> QuerySet[PriorityArea]:
    """Areas with their actions and items, three queries whatever the plan's size."""
    return (
        PriorityArea.objects.filter(plan=plan)
        .order_by("order")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=Action.objects.order_by("number")
                .select_related("area__plan")
                .annotate(
                    party_count=Count("participations", distinct=True),
                    lead_count=Count(
                        "participations",
                        filter=Q(participations__role=Participation.Role.LEAD),
                        distinct=True,
                    ),
                ),
            ),
            Prefetch("actions__items", queryset=ActionItem.objects.order_by("letter")),
        )
    )


def action_get(plan: ActionPlan, numeral: str, number: int) -> Action:
    return get_object_or_404(
        Action.objects.select_related("area__plan").prefetch_related(
            Prefetch("items", queryset=ActionItem.objects.order_by("letter"))
        ),
        area__plan=plan,
        area__numeral__iexact=numeral,
        number=number,
    )


def action_participations(action: Action) -> QuerySet[Participation]:
    return (
        Participation.objects.filter(action=action)
        .select_related("party__group")
        .prefetch_related("items")
        .order_by("role", "party__order")
    )


def plan_actions(plan: ActionPlan) -> QuerySet[Action]:
    return Action.objects.filter(area__plan=plan).select_related("area").order_by("area__order", "number")


def plan_outline(plan: ActionPlan) -> QuerySet[Action]:
    """The plan's actions in order, each with its area and its items: two queries whatever its size."""
    return plan_actions(plan).prefetch_related(
        Prefetch("items", queryset=ActionItem.objects.order_by("letter"))
    )


# --- activities ---------------------------------------------------------------------------------
# Every list, search, export and page of activities starts from `activities_visible_to(user)`.


def readers_checked_only() -> bool:
    """Whether the secretariat has turned on "readers see only checked activities" (one query)."""
    return ActivitySettings.objects.filter(pk=1, readers_checked_only=True).exists()


def sees_checked_only(user) -> bool:
    """Whether `user` is a reader held to checked activities by the secretariat's setting."""
    return role_of(user) == READER and readers_checked_only()


def activity_reach(user) -> str:
    """Which activities the user may read, as a word: "none" (visitors), "all" (drafts and archived
    ones of every Party), "own-<party id>" (submitted ones and their Party's), "submitted", or
    "checked" (a reader while the secretariat shows readers only checked activities)."""
    if not can(user, "member.view"):
        return "none"
    draft_scope = scope(user, "draft.view")
    if draft_scope is ALL:
        return "all"
    if draft_scope is OWN and user.party_id:
        return f"own-{user.party_id}"
    return "checked" if sees_checked_only(user) else "submitted"


def activities_visible_to(user) -> QuerySet[Activity]:
    """Activities the user may read: submitted ones for every member (only checked ones for readers
    when the secretariat turns that on); drafts and archived ones only for their own Party (and the
    secretariat). Anonymous visitors read none."""
    reach = activity_reach(user)
    if reach == "none":
        return Activity.objects.none()
    if reach == "all":
        return Activity.objects.all()
    if reach.startswith("own-"):
        return Activity.objects.filter(Q(state=Activity.State.SUBMITTED) | Q(party_id=user.party_id))
    if reach == "checked":
        return Activity.objects.filter(state=Activity.State.SUBMITTED, review=Activity.Review.CHECKED)
    return Activity.objects.filter(state=Activity.State.SUBMITTED)


def submitted_narrowed_for(user, queryset: QuerySet[Activity]) -> QuerySet[Activity]:
    """A queryset of submitted activities read outside `activities_visible_to` (a progress report's
    activities of the year), narrowed as that selector narrows it: checked ones only for a reader
    while the setting is on."""
    return queryset.filter(review=Activity.Review.CHECKED) if sees_checked_only(user) else queryset


def activities_returned(party_id: int) -> QuerySet[Activity]:
    """The Party's submitted activities the secretariat returned for changes, oldest return first:
    they stay in the Party's "what is due" until it saves them again."""
    return Activity.objects.filter(
        party_id=party_id, state=Activity.State.SUBMITTED, review=Activity.Review.RETURNED
    ).order_by("reviewed_at", "pk")


def activities_awaiting_check() -> QuerySet[Activity]:
    """Submitted activities the secretariat has not yet checked or returned."""
    return Activity.objects.filter(state=Activity.State.SUBMITTED, review=Activity.Review.PENDING)


def activity_settings() -> ActivitySettings:
    """The one row of activity settings, made on first read."""
    return ActivitySettings.objects.get_or_create(pk=1)[0]


def involving(party) -> Q:
    """Activities the Party reports or takes part in as one of the other Parties.

    The joint ones are read first (a few hundred ids from their index), then asked for as
    `party = P OR id = ANY(those ids)` (core.lookups.AnyOf): PostgreSQL combines the two indexes, and the list's
    newest-first index serves a page of them. An OR across the join would scan every activity,
    and `id IN (own UNION ALL joint)` looked each of the Party's activities up by id (14 ms to
    count a busy Party's 3,600 at scale 50, against 5 ms this way; a page of them 13 ms against 1)."""
    joint = list(
        Activity.other_parties.through.objects.filter(party=party)
        .order_by()
        .values_list("activity_id", flat=True)
    )
    return Q(party=party) | Q(AnyOf(F("pk"), joint)) if joint else Q(party=party)


def activity_list(user) -> QuerySet[Activity]:
    """The rows of the list page, with what a row shows (Party, actions, items): a fixed number
    of queries per page."""
    return (
        activities_visible_to(user)
        .select_related("party__group", "plan")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("area__plan").order_by("area__order", "number"),
            ),
            Prefetch("items", queryset=ActionItem.objects.select_related("action__area")),
        )
    )


def activity_records(queryset: QuerySet[Activity]) -> QuerySet[Activity]:
    """Activities of `activity_list` with all a whole record shows besides its row (the other
    Parties, the partners, the financing lines): the API and the IATI export, a fixed number of
    queries per page or batch."""
    return queryset.prefetch_related(
        Prefetch("other_parties", queryset=Party.objects.order_by("order")),
        "partner_roles__organisation",
        "financing_lines__source",
    )


def _visible_activity(user, queryset: QuerySet[Activity], pk: int) -> Activity:
    """The activity from what the user may read; another Party's draft is a hiding 404, logged."""
    return visible_or_deny(user, "draft.view", queryset, Activity.objects.all(), pk=pk)


def activity_get(user, pk: int) -> Activity:
    """One activity with everything its page shows; 404 when the user may not read it."""
    return _visible_activity(
        user,
        activity_list(user)
        .select_related("created_by", "updated_by", "reviewed_by")
        .prefetch_related(
            Prefetch("other_parties", queryset=Party.objects.order_by("order")),
            Prefetch(
                "partner_roles",
                queryset=ActivityPartner.objects.select_related("organisation").order_by("pk"),
            ),
            Prefetch(
                "financing_lines", queryset=FinancingLine.objects.select_related("source").order_by("pk")
            ),
            Prefetch(
                "documents", queryset=ActivityDocument.objects.select_related("uploaded_by").order_by("pk")
            ),
        ),
        pk=pk,
    )


def activity_for_edit(user, pk: int) -> Activity:
    """One activity with what its edit form reads from it (its sets; the financing and partner
    formsets read their own rows); 404 when the user may not read it."""
    return _visible_activity(
        user,
        activity_list(user).prefetch_related(
            Prefetch("other_parties", queryset=Party.objects.order_by("order"))
        ),
        pk=pk,
    )


def activity_history(activity: Activity, *, limit: int = 50) -> list[dict]:
    """The activity's changes, newest first: who, when, and each field's old and new value.

    The m2m history tables are prefetched, so the diff of the plain fields and of the sets costs a
    fixed number of queries whatever the length of the history shown."""
    records = list(
        activity.history.select_related("history_user")
        .prefetch_related(
            "historicalactivity_actions_set__action__area",
            "historicalactivity_items_set__actionitem__action__area",
            "historicalactivity_other_parties_set__party",
        )
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    plain = [
        f.name
        for f in Activity._meta.concrete_fields
        if f.editable
        and f.name
        not in {
            "id",
            "created_at",
            "updated_at",
            "created_by",
            "updated_by",
            "version",
            "reviewed_at",
            "reviewed_by",
        }
    ]
    m2m = {
        "actions": ("action", Activity._meta.get_field("actions").verbose_name),
        "items": ("actionitem", Activity._meta.get_field("items").verbose_name),
        "other_parties": ("party", Activity._meta.get_field("other_parties").verbose_name),
    }
    entries = []
    # An activity written in bulk (an import, demo data) may have no history rows at all.
    for newer, older in zip(records, [*records[1:], None][: len(records)], strict=True):
        if len(entries) == limit:
            break
        changes = []
        if older is not None:
            delta = newer.diff_against(older, included_fields=plain)
            for change in delta.changes:
                field = Activity._meta.get_field(change.field)
                changes.append(
                    {
                        "field": field.verbose_name,
                        "old": _display(field, change.old, older),
                        "new": _display(field, change.new, newer),
                    }
                )
            for name, (attr, label) in m2m.items():
                rows = f"historicalactivity_{name}_set"
                old = sorted(str(getattr(row, attr)) for row in getattr(older, rows).all())
                new = sorted(str(getattr(row, attr)) for row in getattr(newer, rows).all())
                if old != new:
                    changes.append({"field": label, "old": ", ".join(old), "new": ", ".join(new)})
        entries.append(
            {
                "record": newer,
                "user": newer.history_user,
                "when": newer.history_date,
                "type": newer.get_history_type_display(),
                "reason": newer.history_change_reason or "",
                "changes": changes,
            }
        )
    return entries


def _display(field, value, record) -> str:
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.name == "party":
        party = Party.objects.filter(pk=value).first() if value else None  # rare: a moved activity
        return str(party or "")
    return "" if value is None else str(value)


def party_activities(user, party: Party, *, limit: int = 10) -> dict | None:
    """The Party page's block: the latest activities the user may read, and how many there are;
    None for visitors who may not read activities."""
    if not can(user, "member.view"):
        return None
    qs = activities_visible_to(user).filter(involving(party)).exclude(state=Activity.State.ARCHIVED)
    return {
        "party": party,
        "count": qs.count(),
        "latest": list(
            qs.select_related("party").prefetch_related(
                Prefetch("actions", queryset=Action.objects.select_related("area"))
            )[:limit]
        ),
    }


def action_activities(user, action: Action, *, limit: int = 20) -> dict | None:
    """The action page's block: the latest activities under the action that the user may read;
    None for visitors who may not read activities."""
    if not can(user, "member.view"):
        return None
    qs = activities_visible_to(user).filter(actions=action).exclude(state=Activity.State.ARCHIVED)
    return {
        "count": qs.count(),
        "latest": list(
            qs.select_related("party").prefetch_related(
                Prefetch("items", queryset=ActionItem.objects.select_related("action__area"))
            )[:limit]
        ),
    }


def activity_counts_by_party_action(user) -> dict[tuple[int, int], int]:
    """{(party_id, action_id): number of activities the user may read}, for the participation matrix.

    The count reads every activity, so it is cached per reading scope (every activity, submitted
    ones and one Party's drafts, submitted ones only) until the next write (core/caching.py).
    """
    from core.caching import cached

    reach = activity_reach(user)
    if reach == "none":
        return {}

    def count() -> dict[tuple[int, int], int]:
        rows = (
            Activity.actions.through.objects.filter(
                activity__in=activities_visible_to(user).exclude(state=Activity.State.ARCHIVED)
            )
            .values("activity__party_id", "action_id")
            .annotate(n=Count("activity_id"))
        )
        return {(r["activity__party_id"], r["action_id"]): r["n"] for r in rows}

    return cached(("participation-counts", reach), count)
