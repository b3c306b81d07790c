"""Reading Parties and people."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from .models import GeographicGroup, Party, User


def party_list() -> QuerySet[Party]:
    return Party.objects.select_related("group").order_by("group__order", "order")


def group_list() -> QuerySet[GeographicGroup]:
    return GeographicGroup.objects.annotate(party_count=Count("parties")).order_by("order")


def party_get(code: str) -> Party:
    return get_object_or_404(Party.objects.select_related("group"), code__iexact=code)


def party_contact_points(party: Party) -> QuerySet[User]:
    return User.objects.filter(party=party, role=User.Role.CONTACT_POINT, is_active=True).order_by(
        "last_name", "first_name"
    )


def groups_with_parties() -> QuerySet[GeographicGroup]:
    return GeographicGroup.objects.order_by("order").prefetch_related(
        Prefetch("parties", queryset=Party.objects.order_by("order"))
    )
