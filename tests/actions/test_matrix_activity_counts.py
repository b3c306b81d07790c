from __future__ import annotations

import pytest

from tests.factories import ActivityFactory, ParticipationFactory, action

pytestmark = pytest.mark.django_db


def _totals(response):
    return response.context["activity_totals"]


def test_matrix_counts_activities_per_party_and_action(client_for, party_a, ncp_a, ncp_b, reader):
    i1 = action("I.1")
    ParticipationFactory(party=party_a, action=i1)
    ActivityFactory(party=party_a, actions=[i1])
    ActivityFactory(party=party_a, actions=[i1])
    ActivityFactory(party=party_a, actions=[i1], state="draft")
    index = [
        a.code for a in client_for(reader).get("/plans/2012-2016/participation/").context["m"].actions
    ].index("I.1")
    # The draft is counted for its own Party's contact point only.
    assert _totals(client_for(ncp_a).get("/plans/2012-2016/participation/"))[index] == 3
    assert _totals(client_for(ncp_b).get("/plans/2012-2016/participation/"))[index] == 2
    body = client_for(reader).get("/plans/2012-2016/participation/").content.decode()
    assert _totals(client_for(reader).get("/plans/2012-2016/participation/"))[index] == 2
    assert "Activities per action" in body and '2<span class="visually-hidden"> activities</span>' in body


def test_matrix_query_count_does_not_grow_with_activities(
    client_for, reader, party_a, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(reader)
    ActivityFactory(party=party_a, actions=[action("I.1")])
    with CaptureQueriesContext(connection) as few:
        c.get("/plans/2012-2016/participation/")
    for code in ["I.2", "II.1", "III.3", "V.2", "VI.3"] * 8:
        ActivityFactory(party=party_a, actions=[action(code)])
    with django_assert_max_num_queries(len(few)):
        c.get("/plans/2012-2016/participation/")


def test_matrix_counts_are_cached_per_reading_scope_until_a_write(client_for, party_a, ncp_a, reader):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    i1 = action("I.1")
    ActivityFactory(party=party_a, actions=[i1])
    ActivityFactory(party=party_a, actions=[i1], state="draft")
    c = client_for(reader)
    index = [a.code for a in c.get("/plans/2012-2016/participation/").context["m"].actions].index("I.1")
    with CaptureQueriesContext(connection) as first:
        assert _totals(c.get("/plans/2012-2016/participation/"))[index] == 1
    assert not any("GROUP BY" in q["sql"] for q in first.captured_queries)  # served from the cache
    # Another scope is counted on its own: the contact point also reads its Party's draft.
    assert _totals(client_for(ncp_a).get("/plans/2012-2016/participation/"))[index] == 2
    # A write is seen at once, in every scope.
    added = ActivityFactory(party=party_a, actions=[i1])
    assert _totals(c.get("/plans/2012-2016/participation/"))[index] == 2
    assert _totals(client_for(ncp_a).get("/plans/2012-2016/participation/"))[index] == 3
    added.actions.remove(i1)  # changing an activity's actions counts as a write too
    assert _totals(c.get("/plans/2012-2016/participation/"))[index] == 1
