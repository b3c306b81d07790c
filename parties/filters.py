from __future__ import annotations

import re

import django_filters
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.translations import option_text

from .models import ContactPointTerm, GeographicGroup, Party


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["group"].field.label_from_instance = lambda g: option_text(g, "name")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name_en__icontains=value)
            | Q(name_ru__icontains=value)
            | Q(short_name_en__icontains=value)
            | Q(short_name_ru__icontains=value)
            | Q(code__iexact=value)
        )


ACTION_CODE = r"^\s*[IVXivx]{1,4}\.\d{1,2}\s*$"


class ContactPointFilter(django_filters.FilterSet):
    """The contact-point directory, over open terms. Filtering by action reads the Parties'
    participations through the reverse relation (parties imports no other app)."""

    party = django_filters.ModelChoiceFilter(
        label=_("Party"),
        field_name="party",
        queryset=Party.objects.order_by("short_name"),
        to_field_name="code",
        empty_label=_("All Parties"),
    )
    group = django_filters.ModelChoiceFilter(
        label=_("Geographic group"),
        field_name="party__group",
        queryset=GeographicGroup.objects.order_by("order"),
        to_field_name="code",
        empty_label=_("All groups"),
    )
    action = django_filters.CharFilter(
        label=_("Taking part in action (e.g. III.2)"),
        method="by_action",
        max_length=8,
        validators=[RegexValidator(ACTION_CODE, _("Write an action as its area and number, e.g. III.2."))],
    )

    class Meta:
        model = ContactPointTerm
        fields = ["party", "group", "action"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["party"].field.label_from_instance = lambda p: option_text(p, "short_name")
        self.filters["group"].field.label_from_instance = lambda g: option_text(g, "name")

    def by_action(self, queryset, name, value):
        value = value.strip().upper()
        if not re.match(ACTION_CODE, value):
            return queryset.none()
        numeral, number = value.split(".")
        return queryset.filter(
            party__participations__action__area__numeral=numeral,
            party__participations__action__number=int(number),
        )
