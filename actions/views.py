from __future__ import annotations

from django.shortcuts import render

from . import selectors
from .models import Participation
from .plans import plan_page


@plan_page
def plan_index(request, plan):
    return render(request, "actions/plan_index.html", {"plan": plan, "areas": selectors.plan_areas(plan)})


@plan_page
def action_detail(request, numeral: str, number: int, plan):
    action = selectors.action_get(plan, numeral, number)
    participations = list(selectors.action_participations(action))
    return render(
        request,
        "actions/action_detail.html",
        {
            "plan": plan,
            "action": action,
            "leads": [p for p in participations if p.role == Participation.Role.LEAD],
            "participants": [p for p in participations if p.role != Participation.Role.LEAD],
            "action_activities": selectors.action_activities(request.user, action),
            "party_names": selectors.party_names(plan),
        },
    )
