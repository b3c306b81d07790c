"""AnyOf: a column equal to one of a list, the list bound as one array on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F, OuterRef, Q, Subquery
from django.test.utils import CaptureQueriesContext

from actions.models import Activity
from core.lookups import AnyOf
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


class _InList(AnyOf):
    """The form other databases get (SQLite in `make run`), run here on PostgreSQL."""

    as_postgresql = AnyOf.as_sql


@pytest.fixture
def activities(plan):
    return [ActivityFactory() for _ in range(6)]


def test_rows_whose_id_is_in_the_list_and_only_they(activities):
    wanted = [a.pk for a in activities[1:4]]
    with CaptureQueriesContext(connection) as queries:
        found = sorted(Activity.objects.filter(AnyOf(F("pk"), wanted)).values_list("pk", flat=True))
    assert found == sorted(wanted)
    assert "= ANY(" in queries.captured_queries[0]["sql"]
    generic = sorted(Activity.objects.filter(_InList(F("pk"), wanted)).values_list("pk", flat=True))
    assert generic == found


def test_an_empty_list_matches_nothing_and_combines_with_or(activities):
    assert not Activity.objects.filter(AnyOf(F("pk"), [])).exists()
    assert not Activity.objects.filter(_InList(F("pk"), [])).exists()
    first = activities[0]
    either = Activity.objects.filter(Q(party=first.party) | Q(AnyOf(F("pk"), [activities[1].pk])))
    assert {first.pk, activities[1].pk} <= set(either.values_list("pk", flat=True))


def test_it_names_the_right_table_inside_a_subquery(activities):
    wanted = [activities[2].pk]
    inner = Activity.objects.filter(AnyOf(F("pk"), wanted), pk=OuterRef("pk")).values("pk")
    outer = Activity.objects.filter(pk=Subquery(inner[:1])).values_list("pk", flat=True)
    assert list(outer) == wanted
