"""The audit page: every history and the security log, filtered by person, Party, kind and date,
exportable; the secretariat's only; its query count does not grow with the history."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def _edit(activity, user, title):
    activity.title = title
    activity._history_user = user
    activity.save()


@pytest.fixture
def trail(client_for, party_a, party_b, ncp_a, ncp_b):
    mine = ActivityFactory(party=party_a, title="Training in Brno", state="draft")
    _edit(mine, ncp_a, "Training in Brno and Ostrava")
    theirs = ActivityFactory(party=party_b, title="Round table in Vienna", state="submitted")
    _edit(theirs, ncp_b, "Round table in Vienna, second day")
    client_for(ncp_b).get("/parties/contact-points/invite/")  # the secretariat's page: a logged denial
    return mine, theirs


def test_the_secretariat_sees_changes_and_security_events_together(client_for, secretariat, trail):
    body = client_for(secretariat).get("/audit/").content.decode()
    assert "Training in Brno and Ostrava" in body and "Round table in Vienna, second day" in body
    assert "forbidden_403" in body and "ncp-b" in body


def test_filters_by_person_party_kind_and_date(client_for, secretariat, trail):
    c = client_for(secretariat)
    by_person = c.get("/audit/", {"person": "ncp-a"}).content.decode()
    assert "Training in Brno and Ostrava" in by_person and "second day" not in by_person
    by_party = c.get("/audit/", {"party": "DE"}).content.decode()
    assert "second day" in by_party and "Ostrava" not in by_party
    security = c.get("/audit/", {"kind": "security"}).content.decode()
    assert "forbidden_403" in security and "Ostrava" not in security
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert "Nothing matches this filter." in c.get("/audit/", {"since": tomorrow}).content.decode()
    backwards = c.get("/audit/", {"since": tomorrow, "until": "2012-01-01"})
    assert backwards.status_code == 200 and "The end comes before the start." in backwards.content.decode()


def test_the_export_holds_the_filtered_lines(client_for, secretariat, trail):
    response = client_for(secretariat).get("/audit/export.csv", {"person": "ncp-b"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "When (UTC)"
    assert {row[4] for row in rows[1:]} == {"ncp-b"}
    assert any("second day" in row[2] for row in rows[1:]) and any(
        row[2] == "forbidden_403" for row in rows[1:]
    )


@pytest.mark.parametrize("who", ["ncp_a", "reader", "coregroup"])
def test_nobody_but_the_secretariat_opens_it(request, client_for, who):
    c = client_for(request.getfixturevalue(who))
    assert c.get("/audit/").status_code == 403 and c.get("/audit/export.csv").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get("/audit/")["Location"].startswith("/accounts/login/")


def test_the_query_count_does_not_grow_with_the_history(client_for, secretariat, party_a, ncp_a):
    c = client_for(secretariat)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/audit/").status_code == 200
        return len(ctx)

    ActivityFactory(party=party_a)
    small = count()
    for n in range(30):
        _edit(ActivityFactory(party=party_a), ncp_a, f"Edited {n}")
    assert count() == small


def test_security_events_are_named_in_the_readers_language(client_for, secretariat, trail):
    c = client_for(secretariat)
    english = c.get("/audit/", {"kind": "security"}).content.decode()
    assert "refused (403) <code>forbidden_403</code>" in english
    c.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    russian = c.get("/audit/", {"kind": "security"}).content.decode()
    assert "отказано (403) <code>forbidden_403</code>" in russian


def test_a_malformed_filter_is_answered_next_to_its_field(client_for, secretariat, trail):
    response = client_for(secretariat).get("/audit/", {"since": "30.11.", "party": "ZZ", "kind": "nonsense"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_since_error"' in body and 'id="id_party_error"' in body and 'id="id_kind_error"' in body
    export = client_for(secretariat).get("/audit/export.csv", {"since": "30.11."})
    assert export.status_code == 200
    assert len(b"".join(export.streaming_content).decode("utf-8-sig").splitlines()) == 1  # the header only
