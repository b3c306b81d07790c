"""fuzz_forms: meeting forms posted with arbitrary text never raise and never answer 5xx."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MEETING_FIELDS = [
    "kind",
    "title_en",
    "title_ru",
    "timezone",
    "starts_local",
    "ends_local",
    "deadline_local",
    "city",
    "online_url",
    "host",
    "actions",
    "status",
    "offsets",
    "version",
]
text = st.text(max_size=40) | st.sampled_from(
    ["", "2031-03-30T02:30", "2031-05-12T09:30", "0", "-1", "som", "UTC"]
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.sampled_from(MEETING_FIELDS), text))
def test_fuzz_forms_meeting_form_never_5xx(client_for, secretariat, data):
    clean = {k: v.replace("\x00", "") for k, v in data.items()}
    response = client_for(secretariat).post("/meetings/new/", clean)
    assert response.status_code in (200, 302)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    total=st.sampled_from(["0", "1", "2", "x", "999", ""]),
    name=text,
    email=text,
    decline=st.booleans(),
)
def test_fuzz_forms_registration_never_5xx(client_for, invited_meeting, ncp_a, total, name, email, decline):
    data = {
        "delegates-TOTAL_FORMS": total,
        "delegates-INITIAL_FORMS": "0",
        "delegates-0-name": name.replace("\x00", ""),
        "delegates-0-email": email.replace("\x00", ""),
    }
    if decline:
        data["decline"] = "1"
    response = client_for(ncp_a).post(f"/meetings/{invited_meeting.pk}/register/cz/", data)
    assert response.status_code in (200, 302)


DECISION_FIELDS = ["status", "note", "version"]
DECISION_EDIT_FIELDS = [
    "kind",
    "text_en",
    "text_ru",
    "owner_parties",
    "owner_secretariat",
    "due_on",
    "status",
]


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.dictionaries(
        st.sampled_from(DECISION_FIELDS), text | st.sampled_from(["open", "done", "dropped", "1", "2"])
    )
)
def test_fuzz_forms_decision_update_never_5xx(client_for, invited_meeting, ncp_a, party_a, data):
    from tests.factories import DecisionFactory

    decision = DecisionFactory(meeting=invited_meeting, owner_parties=[party_a])
    clean = {k: v.replace("\x00", "") for k, v in data.items()}
    response = client_for(ncp_a).post(f"/meetings/{invited_meeting.pk}/decisions/{decision.pk}/", clean)
    assert response.status_code in (200, 302, 409)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.sampled_from(DECISION_EDIT_FIELDS), text))
def test_fuzz_forms_decision_form_never_5xx(client_for, invited_meeting, secretariat, data):
    clean = {k: v.replace("\x00", "") for k, v in data.items()}
    response = client_for(secretariat).post(f"/meetings/{invited_meeting.pk}/decisions/new/", clean)
    assert response.status_code in (200, 302)
