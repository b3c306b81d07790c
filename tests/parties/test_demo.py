from __future__ import annotations

import random

import pytest

from parties import demo
from parties.models import ContactPointTerm, CoreGroupMembership, GeographicGroup

pytestmark = pytest.mark.django_db


def test_demo_has_terms_deputies_and_a_balanced_core_group_and_is_idempotent(plan):
    demo.seed(rng=random.Random(1), scale=0, password="demo-password-123")
    counts = (ContactPointTerm.objects.count(), CoreGroupMembership.objects.count())
    demo.seed(rng=random.Random(1), scale=0, password="demo-password-123")
    assert (ContactPointTerm.objects.count(), CoreGroupMembership.objects.count()) == counts
    open_terms = ContactPointTerm.objects.filter(ended_on__isnull=True)
    assert open_terms.filter(kind="primary").count() == 52
    assert open_terms.filter(kind="deputy").count() >= 5
    current = CoreGroupMembership.objects.filter(ended_on__isnull=True).select_related("party")
    assert 9 <= current.count() <= 12
    groups = {m.party.group_id for m in current}
    assert len(groups) >= GeographicGroup.objects.count() - 2
    assert CoreGroupMembership.objects.filter(ended_on__isnull=False).exists()  # some history
