"""One's own e-mail address changes only with one's password, and the old address is told."""

from __future__ import annotations

import pytest
from django.core import mail

from parties.notifications import notifications_send_due

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-password-1"


@pytest.fixture
def person(ncp_a):
    ncp_a.set_password(PASSWORD)
    ncp_a.email = "eva.old@example.cz"
    ncp_a.save()
    return ncp_a


def _post(client, person, **changes):
    data = {
        "first_name": person.first_name or "Eva", "last_name": person.last_name or "Svobodová", "title": "",
        "organisation": "", "email": person.email, "phone": "", "preferred_language": "en",
        "version": person.version, **changes,
    }  # fmt: skip
    return client.post("/parties/my-details/", data)


def test_a_new_address_without_the_password_is_refused_next_to_the_field(client_for, person):
    response = _post(client_for(person), person, email="attacker@example.org")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter your password to change your e-mail address." in body
    assert 'id="id_current_password_error"' in body
    person.refresh_from_db()
    assert person.email == "eva.old@example.cz"


def test_a_wrong_password_is_refused(client_for, person):
    response = _post(client_for(person), person, email="attacker@example.org", current_password="guess")
    assert "This is not your password" in response.content.decode()
    person.refresh_from_db()
    assert person.email == "eva.old@example.cz"


def test_with_the_password_the_address_changes_and_the_old_one_is_told(client_for, person):
    response = _post(client_for(person), person, email="eva.new@example.cz", current_password=PASSWORD)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.email == "eva.new@example.cz"
    notifications_send_due()
    notice = [m for m in mail.outbox if m.to == ["eva.old@example.cz"]]
    assert len(notice) == 1 and "eva.new@example.cz" in notice[0].body
    assert "e-mail address of your account was changed" in notice[0].subject


def test_other_details_change_without_the_password(client_for, person):
    response = _post(client_for(person), person, phone="+420 222 333 444")
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "+420 222 333 444"
    notifications_send_due()
    assert mail.outbox == []
