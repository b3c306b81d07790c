from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions import plan_cache
from actions.models import Action, slugs_for_url
from core.translations import option_text

from .models import Meeting

SORTS = {"date": "starts_at", "-date": "-starts_at", "title": "title", "-title": "-title"}


def year_choices():
    from actions import plan_cache

    plan = plan_cache.current()
    this_year = timezone.localdate().year
    first, last = (plan.start_year, plan.end_year) if plan else (this_year, this_year)
    return [(y, str(y)) for y in range(first - 1, last + 3)]


def plan_choices():
    return [(p.url_slug, f"{option_text(p, 'title')} ({p.years_label})") for p in plan_cache.plans()]


class MeetingFilter(django_filters.FilterSet):
    plan = django_filters.ChoiceFilter(
        label=_("Plan"), choices=plan_choices, method="of_plan", empty_label=_("All plans")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Meeting.Kind.choices, empty_label=_("All kinds")
    )
    year = django_filters.ChoiceFilter(
        label=_("Year"),
        choices=year_choices,
        field_name="starts_at",
        lookup_expr="year",
        empty_label=_("All years"),
    )
    action = django_filters.ModelChoiceFilter(
        label=_("Action"),
        field_name="actions",
        queryset=Action.objects.select_related("area").order_by("area__order", "number"),
        empty_label=_("All actions"),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Order"),
        choices=[
            ("date", _("Date, earliest first")),
            ("-date", _("Date, latest first")),
            ("title", _("Title")),
        ],
        method="sort_by",
        empty_label=_("Default"),
    )

    class Meta:
        model = Meeting
        fields = ["plan", "kind", "year", "action"]

    def of_plan(self, queryset, name, value):
        return queryset.filter(plan__slug__in=slugs_for_url(value))

    def sort_by(self, queryset, name, value):
        return queryset.order_by(SORTS.get(value, "starts_at"), "pk")
