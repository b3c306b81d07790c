"""Names as of a plan, and the plan switcher.

{% load plans %}
{% tr party|as_of:party_names "short_name" %}   the Party's name as the page's plan writes it
{% plan_switcher plan %}                          the plan a page is about, and the same page of the others
"""

from __future__ import annotations

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
    where the page has no counterpart, a year the other plan does not have for instance)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    others = []
    for other in plans_all():
        if other.pk == plan.pk:
            continue
        url = None
        if match is not None and "plan" in match.kwargs:
            try:
                url = reverse(match.view_name, kwargs={**match.kwargs, "plan": other.url_slug})
            except NoReverseMatch:
                url = None
        if url is None or ("year" in match.kwargs and match.kwargs["year"] not in other.years):
            url = other.get_absolute_url()
        others.append((other, url))
    return {"plan": plan, "others": others}
