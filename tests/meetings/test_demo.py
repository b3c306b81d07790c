from __future__ import annotations

import datetime as dt
import random
import time

import pytest
from django.utils import timezone

from meetings import demo
from meetings.models import Decision, DecisionUpdate, Delegate, Meeting
from parties import demo as parties_demo


@pytest.mark.django_db
def test_demo_seeds_meetings_fast_and_idempotently(plan, client):
    parties_demo.seed(rng=random.Random(1), scale=0, password="x")
    started = time.monotonic()
    first = demo.seed(rng=random.Random(1), scale=0.1, plan=plan)
    elapsed = time.monotonic() - started
    again = demo.seed(rng=random.Random(1), scale=0.1, plan=plan)
    assert first["meetings"] == len(demo.HELD) + 1 and again["meetings"] == 0
    assert elapsed < 10
    assert Meeting.objects.filter(status="held").count() == len(demo.HELD)
    assert Meeting.objects.filter(kind="expert").count() == 1  # the knowledge-base workshop
    assert Decision.objects.filter(status="open").exists() and Delegate.objects.count() >= 3
    nxt = Meeting.objects.get(title="Senior Officials' Meeting (next)")
    page = client.get(f"/meetings/{nxt.pk}/").content.decode()
    assert "Open decisions from earlier meetings" in page
    # Decisions have owners (Parties, the secretariat, the core group), updates, and some are overdue.
    assert not Decision.objects.filter(owner_parties=None, owner_secretariat=False, owner_core_group=False)
    assert Decision.objects.filter(owner_parties__code="PL").filter(owner_parties__code="RO").exists()
    assert Decision.objects.filter(owner_core_group=True, status="open").exists()
    overdue = Decision.objects.filter(status__in=["open", "in_progress"], due_on__lt=timezone.localdate())
    assert overdue.filter(due_on__gte=timezone.localdate() - dt.timedelta(days=30)).count() >= 2
    assert DecisionUpdate.objects.exclude(note="").count() >= 4
    assert all(u.created_at <= timezone.now() for u in DecisionUpdate.objects.all())
    assert "Template drafted in English" in page  # an open decision's latest note, on the next SOM
    assert Decision.objects.exclude(text_ru="").exclude(text_ru=None).count() == Decision.objects.count()
    # The SOM cadence warns about the plan's years without an SOM in the record, and no other.
    listing = client.get("/meetings/").content.decode()
    som_years = {m.starts_local.year for m in Meeting.objects.filter(kind="som", status="held")}
    assert listing.count("Warning:") == len(set(plan.years) - som_years)


@pytest.mark.django_db
def test_demo_has_partner_accounts_invited_to_the_next_som_and_minutes_to_approve(plan, client_for):
    from meetings.models import Invitation, Minutes
    from parties.models import User

    parties_demo.seed(rng=random.Random(1), scale=0, password="x")
    demo.seed(rng=random.Random(1), scale=0.1, plan=plan)
    unhcr = User.objects.get(username="unhcr")
    assert unhcr.role == "partner" and unhcr.partner_organisation.acronym == "UNHCR"
    assert User.objects.filter(username="frontex", partner_organisation__acronym="Frontex").exists()
    nxt = Meeting.objects.get(title="Senior Officials' Meeting (next)")
    invited = Invitation.objects.filter(meeting=nxt, partner__isnull=False)
    assert set(invited.values_list("partner__acronym", flat=True)) == {"UNHCR", "Frontex", "IOM", "EASO"}
    page = client_for(unhcr).get(nxt.get_absolute_url()).content.decode()
    assert "/register/partner/unhcr/" in page
    # The minutes of the meetings held are approved, but the last one's: a draft to approve.
    assert Minutes.objects.filter(state="draft").count() == 1
    assert Minutes.objects.get(state="draft").meeting.title == demo.HELD[-1].title_en
    assert Minutes.objects.filter(state="approved").count() == sum(1 for h in demo.HELD if h.minutes) - 1
