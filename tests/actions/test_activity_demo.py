"""The demo's activities: quick at the default scale, believable, and consistent with participation (submitted ones)."""

from __future__ import annotations

import random

import pytest

from actions import demo
from actions.models import Activity, Participation
from parties import demo as parties_demo

pytestmark = pytest.mark.django_db


def test_demo_seeds_activities_with_participation_and_is_idempotent(plan):
    rng = random.Random(3)
    parties_demo.seed(rng=rng, scale=0.01, password="demo-password-123")
    counts = demo.seed(rng=rng, scale=0.02, plan=plan)
    assert counts["activities"] == 20 == Activity.objects.count()
    for activity in Activity.objects.filter(state="submitted").prefetch_related("actions"):
        for action in activity.actions.all():
            assert Participation.objects.filter(party=activity.party, action=action).exists()
        assert activity.financing_lines.exists()
    assert demo.seed(rng=rng, scale=0.02, plan=plan)["activities"] == 0
