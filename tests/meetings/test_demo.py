from __future__ import annotations

import random
import time

import pytest

from meetings import demo
from meetings.models import Decision, Delegate, Meeting
from parties import demo as parties_demo


@pytest.mark.django_db
def test_demo_seeds_meetings_fast_and_idempotently(plan, client):
    parties_demo.seed(rng=random.Random(1), scale=0, password="x")
    started = time.monotonic()
    first = demo.seed(rng=random.Random(1), scale=0.1, plan=plan)
    elapsed = time.monotonic() - started
    again = demo.seed(rng=random.Random(1), scale=0.1, plan=plan)
    assert first["meetings"] == len(plan.years) + 2 and again["meetings"] == 0
    assert elapsed < 10
    assert Meeting.objects.filter(kind="som", status="held").count() == len(plan.years)
    assert Meeting.objects.filter(kind="expert").count() == 1
    assert Decision.objects.filter(status="open").exists() and Delegate.objects.count() >= 3
    nxt = Meeting.objects.get(title="Senior Officials' Meeting (next)")
    page = client.get(f"/meetings/{nxt.pk}/").content.decode()
    assert "Open decisions from earlier meetings" in page
    assert "Warning:" not in client.get("/meetings/").content.decode()
