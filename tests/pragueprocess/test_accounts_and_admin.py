from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in_from_admin(client, plan):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("role", ["ncp_a", "reader", "coregroup"])
def test_other_roles_get_403_from_admin(cast, client_for, role):
    assert client_for(cast[role]).get("/admin/").status_code == 403
    assert client_for(cast[role]).get("/admin/actions/activity/").status_code == 403


def test_secretariat_opens_the_admin(client_for, secretariat):
    assert client_for(secretariat).get("/admin/").status_code == 200
    assert client_for(secretariat).get("/admin/actions/activity/").status_code == 200


def test_sign_in_lands_contact_point_on_its_party_page(client, ncp_a):
    response = client.post(
        "/accounts/login/", {"username": "ncp-a", "password": "correct-horse-battery"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/parties/cz/"


def test_sign_in_changes_the_session_key(client, ncp_a):
    client.get("/accounts/login/")
    before = client.session.session_key
    client.post("/accounts/login/", {"username": "ncp-a", "password": "correct-horse-battery"})
    assert client.session.session_key != before


def test_wrong_password_shows_a_message_not_an_error(client, ncp_a):
    response = client.post("/accounts/login/", {"username": "ncp-a", "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_login_throttle_locks_after_repeated_failures(client, ncp_a, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "ncp-a", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "ncp-a", "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_sign_out_is_post_only(client_for, ncp_a):
    c = client_for(ncp_a)
    assert c.get("/accounts/logout/").status_code == 405
    assert c.post("/accounts/logout/").status_code == 200
    assert "_auth_user_id" not in c.session


def test_password_reset_by_email(client, ncp_a):
    response = client.post("/accounts/password_reset/", {"email": ncp_a.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    post_to = form_page.redirect_chain[-1][0]
    done = client.post(
        post_to, {"new_password1": "a-new-long-password-1", "new_password2": "a-new-long-password-1"}
    )
    assert done.status_code == 302
    ncp_a.refresh_from_db()
    assert ncp_a.check_password("a-new-long-password-1")
    # The link is single-use.
    again = client.get(path, follow=True).content.decode()
    assert "no longer valid" in again


def test_password_change_requires_sign_in(client, client_for, ncp_a):
    assert client.get("/accounts/password_change/").status_code == 302
    assert client_for(ncp_a).get("/accounts/password_change/").status_code == 200


def test_deactivated_user_is_signed_out_on_next_request(client_for, ncp_a):
    c = client_for(ncp_a)
    assert "Signed in as" in c.get("/").content.decode()
    ncp_a.is_active = False
    ncp_a.save()
    assert "Signed in as" not in c.get("/").content.decode()


def test_session_ends_after_absolute_lifetime(client_for, ncp_a, settings):
    c = client_for(ncp_a)
    c.get("/")
    session = c.session
    session["_started_at"] = 0
    session.save()
    assert "Signed in as" not in c.get("/").content.decode()


def test_session_is_written_only_when_its_idle_expiry_is_renewed(client_for, ncp_a, settings):
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(ncp_a)  # signing in is the first renewal
    key = c.session.session_key
    with CaptureQueriesContext(connection) as reads:
        assert "Signed in as" in c.get("/").content.decode()
    assert not any("django_session" in q["sql"] and "UPDATE" in q["sql"] for q in reads.captured_queries)

    # Once SESSION_RENEW_SECONDS have passed, a request moves the idle expiry on.
    session = c.session
    session["_renewed_at"] = session["_renewed_at"] - settings.SESSION_RENEW_SECONDS
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    c.get("/")
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_an_idle_session_ends(client_for, ncp_a):
    from django.contrib.sessions.models import Session

    c = client_for(ncp_a)
    assert "Signed in as" in c.get("/").content.decode()
    Session.objects.filter(session_key=c.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert "Signed in as" not in c.get("/").content.decode()
