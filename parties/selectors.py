"""Reading Parties and people."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

# "-kind" puts "primary" before "deputy" (the only two kinds).
from .models import (
    ContactPointTerm,
    CoreGroupMembership,
    DetailsConfirmation,
    GeographicGroup,
    Invitation,
    PartnerOrganisation,
    Party,
    User,
)


def party_list() -> QuerySet[Party]:
    return Party.objects.select_related("group").order_by("group__order", "order")


def group_list() -> QuerySet[GeographicGroup]:
    return GeographicGroup.objects.annotate(party_count=Count("parties")).order_by("order")


def party_get(code: str) -> Party:
    return get_object_or_404(Party.objects.select_related("group"), code__iexact=code)


def party_contact_points(party: Party) -> QuerySet[User]:
    """The Party's active contact points, primary first; `current_kind` is their open term's kind."""
    open_terms = ContactPointTerm.objects.filter(user=OuterRef("pk"), ended_on__isnull=True)
    return (
        User.objects.filter(party=party, role=User.Role.CONTACT_POINT, is_active=True)
        .annotate(current_kind=Subquery(open_terms.values("kind")[:1]))
        .order_by(F("current_kind").desc(nulls_last=True), "last_name", "first_name")  # primary first
    )


def groups_with_parties() -> QuerySet[GeographicGroup]:
    return GeographicGroup.objects.order_by("order").prefetch_related(
        Prefetch("parties", queryset=Party.objects.order_by("order"))
    )


def current_terms() -> QuerySet[ContactPointTerm]:
    """Open terms of active people, with their Party and group: the contact-point directory."""
    return (
        ContactPointTerm.objects.filter(ended_on__isnull=True, user__is_active=True)
        .select_related("user", "party__group")
        .order_by("party__group__order", "party__order", "-kind", "user__last_name", "user__first_name")
    )


def party_terms(party: Party) -> QuerySet[ContactPointTerm]:
    """Every term of a Party, current first, with the person (ended ones keep their name)."""
    return (
        ContactPointTerm.objects.filter(party=party)
        .select_related("user", "ended_by")
        .order_by(F("ended_on").desc(nulls_first=True), "-kind", "-started_on")
    )


def pending_invitations() -> QuerySet[Invitation]:
    return Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True).select_related(
        "party", "partner_organisation", "invited_by"
    )


def core_group_current(*, on: date) -> QuerySet[CoreGroupMembership]:
    return (
        CoreGroupMembership.objects.filter(started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .select_related("party__group")
        .order_by("party__group__order", "party__order")
    )


def core_group_history() -> QuerySet[CoreGroupMembership]:
    return CoreGroupMembership.objects.select_related("party__group").order_by("started_on", "party__order")


def core_group_balance(memberships: list[CoreGroupMembership]) -> list[tuple[GeographicGroup, list]]:
    """Every geographic group with its current core-group members (an empty list: no member)."""
    by_group: dict[int, list] = {}
    for m in memberships:
        by_group.setdefault(m.party.group_id, []).append(m)
    return [(g, by_group.get(g.pk, [])) for g in GeographicGroup.objects.order_by("order")]


def partner_list() -> QuerySet[PartnerOrganisation]:
    return PartnerOrganisation.objects.order_by("acronym")


def confirmations_for(user_ids: list[int], year: int) -> set[int]:
    return set(
        DetailsConfirmation.objects.filter(user_id__in=user_ids, year=year).values_list("user_id", flat=True)
    )
