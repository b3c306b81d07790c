"""Names as of a plan, and the plan switcher.

{% load plans %}
{% tr party|as_of:party_names "short_name" %}   the Party's name as the page's plan writes it
{% plan_switcher plan %}                          the plan a page is about, and the same page of the others
"""

from __future__ import annotations

import contextlib

from django import template
from django.urls import NoReverseMatch, reverse

from actions.selectors import plans_all

register = template.Library()


@register.filter
def as_of(party, names):
    """The Party's names in a plan (its PartyName) from the page's dict, else the Party (today's)."""
    if party is None or not names:
        return party
    return names.get(party.pk, party)


@register.inclusion_tag("actions/_plan_switcher.html", takes_context=True)
def plan_switcher(context, plan):
    """The plan a page is about, and a link to the same page of each other plan (the plan's index
    where the page has no counterpart: an action, a year the other plan does not have)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    kwargs = dict(match.kwargs) if match is not None else {}
    others = []
    for other in plans_all():
        if other.pk == plan.pk:
            continue
        url = other.get_absolute_url()
        # a year or an action of one plan is not the other's: its index instead
        same_page = "plan" in kwargs and "numeral" not in kwargs
        if same_page and kwargs.get("year", other.start_year) in other.years:
            with contextlib.suppress(NoReverseMatch):
                url = reverse(match.view_name, kwargs={**kwargs, "plan": other.url_slug})
        others.append((other, url))
    return {"plan": plan, "others": others}
