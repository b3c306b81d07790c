"""Reading participation: the matrix and a Party's declarations, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from parties.models import GeographicGroup, Party

from .models import Action, ActionItem, ActionPlan, Participation, PriorityArea


@dataclass
class Matrix:
    areas: list[PriorityArea]
    actions: list[Action]
    groups: list[tuple[GeographicGroup, list]]  # (group, [(party, [cell per action], count)])
    action_counts: list[int]
    untouched: list[Action]
    party_count: int
    total: int = 0


def participation_matrix(plan: ActionPlan, *, group: GeographicGroup | None = None) -> Matrix:
    """Party x Action: four queries whatever the number of Parties and declarations."""
    areas = list(
        PriorityArea.objects.filter(plan=plan)
        .order_by("order")
        .prefetch_related(Prefetch("actions", queryset=Action.objects.order_by("number")))
    )
    actions = [a for area in areas for a in area.actions.all()]
    for area in areas:  # Action.code reads area, its link area.plan: give them the ones already loaded
        area.plan = plan
        for a in area.actions.all():
            a.area = area
    parties = Party.objects.select_related("group").order_by("group__order", "order")
    if group is not None:
        parties = parties.filter(group=group)
    parties = list(parties)
    roles = {
        (p.party_id, p.action_id): p
        for p in Participation.objects.filter(
            action__area__plan=plan, party__in=[p.pk for p in parties]
        ).only("id", "party_id", "action_id", "role")  # a cell shows the role only
    }
    counts = {a.pk: 0 for a in actions}
    groups: list[tuple[GeographicGroup, list]] = []
    for party in parties:
        row = [roles.get((party.pk, a.pk)) for a in actions]
        for a, cell in zip(actions, row, strict=True):
            if cell:
                counts[a.pk] += 1
        if not groups or groups[-1][0].pk != party.group_id:
            groups.append((party.group, []))
        groups[-1][1].append((party, row, sum(1 for c in row if c)))
    action_counts = [counts[a.pk] for a in actions]
    return Matrix(
        areas=areas,
        actions=actions,
        groups=groups,
        action_counts=action_counts,
        untouched=[a for a in actions if counts[a.pk] == 0],
        party_count=len(parties),
        total=sum(action_counts),
    )


def party_participations(party: Party, plan: ActionPlan | None = None) -> QuerySet[Participation]:
    """A Party's declarations (in the plan's actions when a plan is given) with the action, its area
    and plan, the items and who declared."""
    qs = Participation.objects.filter(party=party)
    if plan is not None:
        qs = qs.filter(action__area__plan=plan)
    return (
        qs.select_related("action__area__plan", "declared_by")
        .prefetch_related(Prefetch("items", queryset=ActionItem.objects.order_by("letter")))
        .order_by("action__area__order", "action__number")
    )


def party_participation_history(party: Party, *, limit: int = 50):
    """The latest changes to a Party's participation, newest first, with who made them."""
    return (
        Participation.history.filter(party_id=party.pk)
        .select_related("history_user", "action__area")
        .order_by("-history_date", "-history_id")[:limit]
    )
