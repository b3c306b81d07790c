"""Plans side by side: every page that belongs to a plan names it in its URL (`/plans/<url slug>/...`).

The URL without the plan (`/plan/`, `/participation/`, `/evaluation/...`) is the current plan's: a
GET there is redirected (302) to the current plan's page with the same query string; a POST is
still served, on the current plan. Both URLs share their name and differ by the `plan` argument:
`reverse("actions:action", args=[plan.url_slug, "I", 2])` is the plan's page,
`reverse("actions:action", args=["I", 2])` the current plan's address.
"""

from __future__ import annotations

from functools import wraps

from django.http import Http404, HttpResponseRedirect
from django.urls import reverse

from . import plan_cache
from .models import ActionPlan


def plan_get(url_slug: str) -> ActionPlan:
    plan = plan_cache.by_url_slug(url_slug)
    if plan is None:
        raise Http404("No such plan.")
    return plan


def current_or_404() -> ActionPlan:
    plan = plan_cache.current()
    if plan is None:
        raise Http404("No plan has been loaded.")
    return plan


def plan_page(view):
    """View decorator: the view is called with `plan`, the ActionPlan its URL names; without one in
    the URL, a GET is redirected to the current plan's page and a POST acts on the current plan."""

    @wraps(view)
    def wrapped(request, *args, plan: str | None = None, **kwargs):
        if plan is not None:
            return view(request, *args, plan=plan_get(plan), **kwargs)
        current = current_or_404()
        if request.method in ("GET", "HEAD"):
            match = request.resolver_match
            url = reverse(match.view_name, kwargs={**match.kwargs, "plan": current.url_slug})
            query = request.META.get("QUERY_STRING", "")
            return HttpResponseRedirect(f"{url}?{query}" if query else url)
        return view(request, *args, plan=current, **kwargs)

    return wrapped
