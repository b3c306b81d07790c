"""lost_update under real concurrency: two saves from the same version at the same moment, each in
its own transaction and connection. The row lock lets exactly one through; the other is a conflict."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from actions.models import Activity
from actions.selectors import activity_counts_by_party_action
from actions.services import ActivityWrite, activity_update
from core.concurrency import StaleEdit
from tests.factories import ActivityFactory, action


@pytest.mark.django_db(transaction=True)
def test_lost_update_two_concurrent_saves_one_wins_one_conflicts(plan, ncp_a, secretariat, party_a):
    activity = ActivityFactory(party=party_a, title="Start")
    entries = activity.history.count()
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(name, user):
        try:
            barrier.wait(timeout=10)
            write = ActivityWrite(fields={"title": f"Saved by {name}"}, actions=[action("I.1")])
            activity_update(
                activity=Activity.objects.get(pk=activity.pk), user=user, expected_version=1, write=write
            )
            outcomes[name] = "saved"
        except StaleEdit:
            outcomes[name] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(n, u)) for n, u in (("a", ncp_a), ("b", secretariat))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(n for n, o in outcomes.items() if o == "saved")
    activity.refresh_from_db()
    assert activity.title == f"Saved by {winner}" and activity.version == 2
    assert activity.history.count() == entries + 1  # only the save that won


@pytest.mark.django_db
def test_activity_counts_for_the_participation_matrix_respect_drafts(plan, ncp_a, ncp_b, party_a):
    ActivityFactory(party=party_a, state="submitted", actions=[action("I.2")])
    ActivityFactory(party=party_a, state="draft", actions=[action("I.2")])
    ActivityFactory(party=party_a, state="archived", actions=[action("I.2")])
    key = (party_a.pk, action("I.2").pk)
    assert activity_counts_by_party_action(ncp_a)[key] == 2
    assert activity_counts_by_party_action(ncp_b)[key] == 1
