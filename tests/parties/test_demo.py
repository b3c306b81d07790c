from __future__ import annotations

import random
from datetime import date

import pytest

from parties import demo
from parties.models import ContactPointTerm, CoreGroupMembership, GeographicGroup, Party

pytestmark = pytest.mark.django_db


def test_demo_has_terms_deputies_and_a_balanced_core_group_and_is_idempotent(plan):
    demo.seed(rng=random.Random(1), scale=0, password="demo-password-123")
    counts = (ContactPointTerm.objects.count(), CoreGroupMembership.objects.count())
    demo.seed(rng=random.Random(1), scale=0, password="demo-password-123")
    assert (ContactPointTerm.objects.count(), CoreGroupMembership.objects.count()) == counts
    open_terms = ContactPointTerm.objects.filter(ended_on__isnull=True)
    assert open_terms.filter(kind="primary").count() == 52
    assert open_terms.filter(kind="deputy").count() >= 5
    # The first core group: the Parties present at its 1st meeting, the Commission and Turkey.
    current = CoreGroupMembership.objects.filter(ended_on__isnull=True).select_related("party")
    assert {m.party.code for m in current} == set(demo.CORE_GROUP)
    assert {(m.started_on, m.decided_on) for m in current} == {(date(2012, 11, 20), date(2012, 11, 20))}
    assert "1st Core Group meeting, Warsaw" in current[0].decision_reference
    groups = {m.party.group_id for m in current}
    assert len(groups) >= GeographicGroup.objects.count() - 2
    assert len(groups) < GeographicGroup.objects.count()  # a group with no member on the balance page


def test_demo_core_group_leaves_a_seat_given_by_hand(plan):
    from tests.factories import CoreGroupMembershipFactory

    CoreGroupMembershipFactory(party=Party.objects.get(code="CZ"), started_on=date(2013, 1, 1), ended_on=None)
    demo.seed(rng=random.Random(1), scale=0, password="demo-password-123")
    assert CoreGroupMembership.objects.get(party__code="CZ").started_on == date(2013, 1, 1)
