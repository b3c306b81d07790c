"""fuzz_forms: whatever is posted to the evaluation's forms, never an exception, never a 5xx."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import ParticipationFactory, ReportingCycleFactory, action

pytestmark = pytest.mark.django_db

text = st.text(max_size=300)
values = st.one_of(
    text, st.integers(-10, 10**6).map(str), st.sampled_from(["", "in_progress", "completed", "0", "5"])
)


@pytest.fixture
def setup(plan, party_a, ncp_a, client_for):
    from evaluation.models import Review

    ParticipationFactory(party=party_a, action=action("I.1"))
    ReportingCycleFactory(plan=plan, year=2013)
    import datetime as dt

    Review.objects.create(
        plan=plan,
        kind="midterm",
        start_year=2012,
        end_year=2014,
        opens_on=dt.date(2014, 6, 1),
        deadline=dt.date(2014, 9, 30),
    )
    return client_for(ncp_a)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.dictionaries(
        st.sampled_from(["version", "status_X", "achieved_X", "next_steps_X", "junk"]), values
    )
)
def test_progress_form_never_fails(setup, data):
    pk = str(action("I.1").pk)
    posted = {k.replace("X", pk): v for k, v in data.items()}
    response = setup.post("/plans/2012-2016/evaluation/2013/cz/edit/", posted)
    assert response.status_code in (302, 400, 403, 409)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.dictionaries(
        st.sampled_from(["version", "relevance_score", "impact_score", "coherence_comment", "submit"]), values
    )
)
def test_questionnaire_form_never_fails(setup, data):
    posted = dict(data)
    response = setup.post("/plans/2012-2016/evaluation/reviews/midterm/cz/", posted)
    assert response.status_code in (302, 400, 403, 409)
