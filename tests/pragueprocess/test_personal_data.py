"""A signed-in person downloads everything the portal holds about them, as JSON, and nobody else's."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from parties.models import Notification
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def _download(client):
    response = client.get("/accounts/my-data.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    return json.loads(response.content)


def test_the_download_holds_the_persons_account_records_mail_and_security_events(
    client_for, ncp_a, ncp_b, party_a, party_b
):
    ncp_a.phone = "+420 123 456 789"
    ncp_a.save()
    mine = ActivityFactory(party=party_a, created_by=ncp_a, title="Training in Brno")
    ActivityFactory(party=party_b, created_by=ncp_b, title="Germany's own")
    Notification.objects.create(
        key="k1", kind="reminder", to_email=ncp_a.email, recipient=ncp_a, subject="SOM reminder",
        body="Dear Eva", due_at=timezone.now(),
    )  # fmt: skip
    c = client_for(ncp_a)
    c.get("/parties/contact-points/invite/")  # a refused page: a security event under their name
    data = _download(c)
    assert data["account"]["username"] == "ncp-a" and data["account"]["phone"] == "+420 123 456 789"
    assert "password" not in data["account"] and "calendar_token" not in data["account"]
    assert [a["title"] for a in data["records"]["actions.Activity"]] == [mine.title]
    assert data["records"]["parties.Notification"][0]["subject"] == "SOM reminder"
    assert any(e["event"] == "forbidden_403" for e in data["security_events"])
    assert "Germany's own" not in json.dumps(data, ensure_ascii=False)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get("/accounts/my-data.json")["Location"].startswith("/accounts/login/")
