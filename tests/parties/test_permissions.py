from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from parties.permissions import CAPABILITIES, can, can_as_owner

pytestmark = pytest.mark.django_db


def test_contact_point_writes_only_its_own_party(ncp_a, party_a, party_b):
    assert can(ncp_a, "activity.edit", party_a)
    assert not can(ncp_a, "activity.edit", party_b)
    assert can(ncp_a, "participation.edit", party_a.pk)
    assert not can(ncp_a, "participation.edit", party_b.pk)


def test_secretariat_writes_everything(secretariat, party_a, party_b):
    for capability in CAPABILITIES:
        assert can(secretariat, capability, party_b), capability


# The core group reports on the decisions it owns, and on nothing else (the object check below).
OWNERS_ONLY = {"coregroup": {"decision.update"}, "reader": set()}


@pytest.mark.parametrize("role", ["reader", "coregroup"])
def test_readers_write_nothing(cast, role, party_a):
    writes = [c for c in CAPABILITIES if not c.endswith(".view") and c != "member.view"]
    for capability in writes:
        if capability not in OWNERS_ONLY[role]:
            assert not can(cast[role], capability, party_a), capability


def test_decision_owners_are_the_owner_partys_contact_points_the_core_group_and_the_secretariat(
    cast, party_a, party_b
):
    def may(role, **owned):
        return can_as_owner(cast[role], "decision.update", **owned)

    assert may("ncp_a", party_ids=[party_a.pk, party_b.pk]) and not may("ncp_a", party_ids=[party_b.pk])
    assert not may("ncp_a", party_ids=[], core_group=True)
    assert may("coregroup", party_ids=[], core_group=True) and not may("coregroup", party_ids=[party_a.pk])
    assert may("secretariat", party_ids=[])
    assert not may("reader", party_ids=[party_a.pk], core_group=True)
    assert not may("anonymous", party_ids=[party_a.pk], core_group=True)


def test_anonymous_and_deactivated_hold_nothing(ncp_a, party_a):
    assert not any(can(AnonymousUser(), c) for c in CAPABILITIES)
    ncp_a.is_active = False
    assert not any(can(ncp_a, c, party_a) for c in CAPABILITIES)


def test_unknown_capability_is_an_error(ncp_a):
    with pytest.raises(KeyError):
        can(ncp_a, "activity.teleport")
