from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions.models import Action

from .models import Meeting

SORTS = {"date": "starts_at", "-date": "-starts_at", "title": "title", "-title": "-title"}


def year_choices():
    from actions.selectors import plan_current

    plan = plan_current()
    this_year = timezone.localdate().year
    first, last = (plan.start_year, plan.end_year) if plan else (this_year, this_year)
    return [(y, str(y)) for y in range(first - 1, last + 3)]


class MeetingFilter(django_filters.FilterSet):
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
        fields = ["kind", "year", "action"]

    def sort_by(self, queryset, name, value):
        return queryset.order_by(SORTS.get(value, "starts_at"), "pk")
