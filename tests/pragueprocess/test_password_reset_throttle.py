"""Password reset is throttled per address and per client; the page answers the same either way."""

from __future__ import annotations

import pytest
from django.core import mail

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_thirty_requests_for_one_address_send_at_most_the_limit(client, ncp_a, settings):
    statuses = {
        client.post("/accounts/password_reset/", {"email": ncp_a.email}).status_code for _ in range(30)
    }
    assert statuses == {302}
    assert len(mail.outbox) == settings.PASSWORD_RESET_PER_ADDRESS
    assert {m.to[0] for m in mail.outbox} == {ncp_a.email}


def test_one_client_asking_for_many_addresses_is_held_back(client, plan, settings):
    people = [UserFactory(username=f"p{n}", email=f"p{n}@example.org") for n in range(15)]
    for person in people:
        assert client.post("/accounts/password_reset/", {"email": person.email}).status_code == 302
    assert len(mail.outbox) == settings.PASSWORD_RESET_PER_CLIENT


def test_another_client_can_still_ask_for_its_own_address(client, ncp_a, ncp_b, settings):
    for _ in range(settings.PASSWORD_RESET_PER_CLIENT + 2):
        client.post("/accounts/password_reset/", {"email": ncp_a.email}, REMOTE_ADDR="192.0.2.1")
    mail.outbox.clear()
    client.post("/accounts/password_reset/", {"email": ncp_b.email}, REMOTE_ADDR="192.0.2.2")
    assert [m.to[0] for m in mail.outbox] == [ncp_b.email]
