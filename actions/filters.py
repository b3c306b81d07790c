"""The filters of the activity list; the exports apply the very same filterset.

Filters across many-to-many relations use EXISTS subqueries, so an activity appears once whatever it
matches, with no DISTINCT over the whole list.
"""

from __future__ import annotations

from datetime import date

import django_filters
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.choices import use_cached_choices
from core.translations import option_text
from parties.models import GeographicGroup, PartnerOrganisation, Party
from parties.permissions import can

from .models import (
    Action,
    ActionItem,
    Activity,
    ActivityPartner,
    FinancingLine,
    FinancingSource,
    PriorityArea,
)
from .selectors import involving

SORTS = (
    ("start_date", "start"),
    ("title", "title"),
    ("party__order", "party"),
    ("updated_at", "updated"),
)


class ActivityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=200)
    area = django_filters.ModelChoiceFilter(
        label=_("Priority area"),
        queryset=PriorityArea.objects.order_by("plan", "order"),
        method="by_area",
        empty_label=_("All areas"),
    )
    action = django_filters.ModelChoiceFilter(
        label=_("Action"),
        queryset=Action.objects.select_related("area").order_by("area__order", "number"),
        method="by_action",
        empty_label=_("All actions"),
    )
    item = django_filters.ModelChoiceFilter(
        label=_("Item"),
        queryset=ActionItem.objects.select_related("action__area").order_by(
            "action__area__order", "action__number", "letter"
        ),
        method="by_item",
        empty_label=_("All items"),
    )
    party = django_filters.ModelChoiceFilter(
        label=_("Party"),
        queryset=Party.objects.order_by("order"),
        to_field_name="code",
        method="by_party",
        empty_label=_("All Parties"),
    )
    group = django_filters.ModelChoiceFilter(
        label=_("Geographic group"),
        queryset=GeographicGroup.objects.order_by("order"),
        to_field_name="code",
        field_name="party__group",
        empty_label=_("All groups"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Activity.Kind.choices, empty_label=_("All kinds")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Activity.Status.choices, empty_label=_("All statuses")
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=Activity.State.choices,
        empty_label=_("Drafts and submitted"),
        method="by_state",
    )
    review = django_filters.ChoiceFilter(
        label=_("Secretariat's check"), choices=Activity.Review.choices, empty_label=_("Checked or not")
    )
    year = django_filters.NumberFilter(label=_("Year"), method="by_year", min_value=1900, max_value=2100)
    source = django_filters.ModelChoiceFilter(
        label=_("Financing source"),
        queryset=FinancingSource.objects.order_by("plan", "order"),
        method="by_source",
        empty_label=_("All sources"),
    )
    partner = django_filters.ModelChoiceFilter(
        label=_("Partner organisation"),
        queryset=PartnerOrganisation.objects.order_by("acronym"),
        to_field_name="acronym",
        method="by_partner",
        empty_label=_("All organisations"),
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=SORTS,
        field_labels={
            "start_date": _("Start date"),
            "title": _("Title"),
            "party__order": _("Party"),
            "updated_at": _("Last change"),
        },
        empty_label=_("Newest first"),
    )

    class Meta:
        model = Activity
        fields: list[str] = []

    @property
    def form(self):
        """The filters' form, its lists of Parties, actions and the rest from the cache."""
        if not hasattr(self, "_form"):
            use_cached_choices(super().form)
        return self._form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["action"].field.label_from_instance = lambda a: a.code
        self.filters["item"].field.label_from_instance = lambda i: f"{i.action.code} {i.letter}"
        self.filters["area"].field.label_from_instance = lambda a: f"{a.numeral}. {option_text(a, 'title')}"
        self.filters["party"].field.label_from_instance = lambda p: option_text(p, "short_name")
        self.filters["group"].field.label_from_instance = lambda g: option_text(g, "name")
        self.filters["source"].field.label_from_instance = lambda s: option_text(s, "name")
        if self.request is not None and not can(self.request.user, "draft.view"):
            # Those who read only submitted activities have no states to choose from.
            del self.filters["state"]

    def filter_queryset(self, queryset):
        # Archived activities only show when asked for by the state filter.
        if not self.form.cleaned_data.get("state"):  # also when the filter is not offered
            queryset = queryset.exclude(state=Activity.State.ARCHIVED)
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(F("start_date").desc(nulls_last=True), "-pk")
        else:
            # A stable order for pagination, whatever key was chosen.
            queryset = queryset.order_by(*queryset.query.order_by, "-pk")
        return queryset

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchVector

            vector = SearchVector("title", "description", "outputs", config="english")
            query = SearchQuery(value, config="english", search_type="websearch")
            return queryset.annotate(search=vector).filter(Q(search=query) | Q(title__icontains=value))
        return queryset.filter(
            Q(title__icontains=value) | Q(description__icontains=value) | Q(outputs__icontains=value)
        )

    def by_area(self, queryset, name, value):
        through = Activity.actions.through.objects.filter(activity=OuterRef("pk"), action__area=value)
        return queryset.filter(Exists(through))

    def by_action(self, queryset, name, value):
        return queryset.filter(
            Exists(Activity.actions.through.objects.filter(activity=OuterRef("pk"), action=value))
        )

    def by_item(self, queryset, name, value):
        return queryset.filter(
            Exists(Activity.items.through.objects.filter(activity=OuterRef("pk"), actionitem=value))
        )

    def by_party(self, queryset, name, value):
        return queryset.filter(involving(value))

    def by_state(self, queryset, name, value):
        return queryset.filter(state=value)

    def by_year(self, queryset, name, value):
        """Activities running at some time in the year. Without an end date, a planned or ongoing
        activity runs on; a completed or cancelled one counts in its start year only."""
        year = int(value)
        first, last = date(year, 1, 1), date(year, 12, 31)
        running = [Activity.Status.PLANNED, Activity.Status.ONGOING]
        return queryset.filter(start_date__lte=last).filter(
            Q(end_date__gte=first)
            | Q(end_date__isnull=True, status__in=running)
            | Q(end_date__isnull=True, start_date__gte=first)
        )

    def by_source(self, queryset, name, value):
        return queryset.filter(Exists(FinancingLine.objects.filter(activity=OuterRef("pk"), source=value)))

    def by_partner(self, queryset, name, value):
        return queryset.filter(
            Exists(ActivityPartner.objects.filter(activity=OuterRef("pk"), organisation=value))
        )

    def active_filters(self, request) -> list[dict]:
        """The filters in use, each with the address of the same list without it."""
        if not self.is_valid():
            return []
        out = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, "", []) or name == "sort":
                continue
            params = request.GET.copy()
            params.pop(name, None)
            params.pop("page", None)
            field = self.form.fields[name]
            if hasattr(field, "choices") and not hasattr(value, "pk"):
                shown = dict(field.choices).get(value, value)
            elif hasattr(field, "label_from_instance"):
                shown = field.label_from_instance(value)
            else:
                shown = value
            out.append({"label": field.label, "value": shown, "remove": "?" + params.urlencode()})
        return out
