from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("next_url", ["/accounts/login/", "/accounts/login/?next=/accounts/login/"])
def test_a_signed_in_person_sent_to_the_sign_in_page_lands_on_their_page(client_for, ncp_a, next_url):
    response = client_for(ncp_a).get("/accounts/login/", {"next": next_url})
    assert response.status_code == 302 and response["Location"] == "/accounts/welcome/"


def test_signing_in_with_the_sign_in_page_as_next_lands_on_the_welcome_page(client, ncp_a):
    ncp_a.set_password("a-long-password-1")
    ncp_a.save()
    response = client.post(
        "/accounts/login/?next=/accounts/login/",
        {"username": ncp_a.username, "password": "a-long-password-1"},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/welcome/"


def test_a_safe_next_is_still_followed(client_for, ncp_a):
    response = client_for(ncp_a).get("/accounts/login/", {"next": "/activities/"})
    assert response.status_code == 302 and response["Location"] == "/activities/"
