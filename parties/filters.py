from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import GeographicGroup, Party


class PartyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or code"), method="search")
    group = django_filters.ModelChoiceFilter(
        label=_("Geographic group"),
        queryset=GeographicGroup.objects.order_by("order"),
        to_field_name="code",
        empty_label=_("All groups"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Party.Kind.choices, empty_label=_("All kinds")
    )

    class Meta:
        model = Party
        fields = ["q", "group", "kind"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(short_name__icontains=value) | Q(code__iexact=value)
        )
