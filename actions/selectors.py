"""Reading the plan: every function returns querysets with their joins applied."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import Action, ActionItem, ActionPlan, Participation, PriorityArea


def plan_current() -> ActionPlan | None:
    """The plan the portal shows by default: the latest loaded."""
    return ActionPlan.objects.order_by("-start_year", "-pk").first()


def plan_areas(plan: ActionPlan) -> QuerySet[PriorityArea]:
    """Areas with their actions and items, three queries whatever the plan's size."""
    return (
        PriorityArea.objects.filter(plan=plan)
        .order_by("order")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=Action.objects.order_by("number")
                .select_related("area")
                .annotate(
                    party_count=Count("participations", distinct=True),
                    lead_count=Count("participations", filter=Q(participations__role="lead"), distinct=True),
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
