from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from . import selectors
from .models import Participation


def _plan_or_404():
    plan = selectors.plan_current()
    if plan is None:
        raise Http404("No plan has been loaded.")
    return plan


def plan_index(request):
    plan = _plan_or_404()
    return render(request, "actions/plan_index.html", {"plan": plan, "areas": selectors.plan_areas(plan)})


def action_detail(request, numeral: str, number: int):
    plan = _plan_or_404()
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
        },
    )
