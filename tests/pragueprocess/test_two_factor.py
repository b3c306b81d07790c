"""Two-factor sign-in: required for the secretariat (no capability, no /admin/ without it), optional for
everyone else; recovery codes; the secretariat resets another person's second factor, logged."""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from parties import two_factor
from parties.permissions import can

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_throttle_between_tries(settings):
    """django-otp pauses a device for a second after a wrong code (doubling each time); the tests
    try the right code at once after a wrong one."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


SECRETARIAT_PAGES = ["/admin/", "/meetings/new/", "/parties/contact-points/invite/", "/meetings/reminders/"]


def _signed_in_without_second_factor(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _code(user) -> str:
    device = two_factor.totp_device(user, confirmed=None)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # a code is accepted once per 30 s step
    return two_factor.current_code(device)


@pytest.mark.parametrize("path", SECRETARIAT_PAGES)
def test_a_secretariat_member_without_a_second_factor_reaches_no_secretariat_page(secretariat, path):
    secretariat.is_staff = True
    secretariat.save()
    c = _signed_in_without_second_factor(secretariat)
    response = c.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/?next=")
    assert c.post(path, {}).status_code == 302


def test_without_the_second_factor_the_secretariat_holds_no_capability(rf, secretariat):
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp.middleware import OTPMiddleware

    request = rf.get("/")
    request.user, request.session = secretariat, SessionStore()
    seen = {}

    def view(r):
        seen.update(manage=can(r.user, "meeting.manage"), admin=can(r.user, "admin.access"))

    OTPMiddleware(view)(request)
    assert seen == {"manage": False, "admin": False}


def test_setting_up_the_second_factor_opens_the_secretariat_pages(secretariat):
    c = _signed_in_without_second_factor(secretariat)
    first = c.get("/meetings/new/", follow=True)
    assert first.redirect_chain[-1][0].startswith("/accounts/two-factor/setup/")
    body = first.content.decode()
    assert "<svg" in body and "Set up two-factor sign-in" in body
    device = TOTPDevice.objects.get(user=secretariat, confirmed=False)
    wrong = c.post("/accounts/two-factor/setup/?next=/meetings/new/", {"token": "000000"})
    assert wrong.status_code == 200 and "This code is not right" in wrong.content.decode()
    assert 'aria-invalid="true"' in wrong.content.decode() or "field-error" in wrong.content.decode()
    done = c.post("/accounts/two-factor/setup/", {"token": _code(secretariat), "next": "/meetings/new/"})
    codes = re.findall(r"<code>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</code>", done.content.decode())
    assert len(codes) == two_factor.RECOVERY_CODES
    device.refresh_from_db()
    assert device.confirmed
    assert c.get("/meetings/new/").status_code == 200
    assert c.get("/admin/").status_code == 200 or not secretariat.is_staff


def test_signing_in_asks_the_secretariat_for_a_code_and_a_recovery_code_works_once(secretariat, caplog):
    secretariat.set_password("a-long-password-1")
    secretariat.save()
    TOTPDevice.objects.create(user=secretariat, name="phone", confirmed=True)
    codes = two_factor.recovery_codes_new(user=secretariat)
    caplog.set_level(logging.INFO, logger="pragueprocess.security")

    c = Client()
    signed = c.post(
        "/accounts/login/", {"username": secretariat.username, "password": "a-long-password-1"}, follow=True
    )
    assert signed.redirect_chain[-1][0].startswith("/accounts/two-factor/")
    assert c.post("/accounts/two-factor/", {"token": "123456"}).status_code == 200
    assert c.get("/meetings/new/").status_code == 302
    assert (
        c.post("/accounts/two-factor/", {"token": codes[0], "next": "/meetings/new/"})["Location"]
        == "/meetings/new/"
    )
    assert c.get("/meetings/new/").status_code == 200

    again = Client()
    again.post("/accounts/login/", {"username": secretariat.username, "password": "a-long-password-1"})
    reused = again.post("/accounts/two-factor/", {"token": codes[0]})
    assert reused.status_code == 200 and "used already" in reused.content.decode()
    events = [getattr(r, "security", {}).get("event") for r in caplog.records]
    assert "second_factor_failed" in events and "second_factor_verified" in events


def test_the_secretariat_resets_a_lost_second_factor_and_it_is_logged(client_for, secretariat, ncp_a, caplog):
    TOTPDevice.objects.create(user=ncp_a, name="phone", confirmed=True)
    two_factor.recovery_codes_new(user=ncp_a)
    caplog.set_level(logging.INFO, logger="pragueprocess.security")
    response = client_for(secretariat).post(f"/accounts/two-factor/reset/{ncp_a.pk}/")
    assert response.status_code == 302
    assert (
        not TOTPDevice.objects.filter(user=ncp_a).exists()
        and not StaticDevice.objects.filter(user=ncp_a).exists()
    )
    reset = [
        r.security for r in caplog.records if getattr(r, "security", {}).get("event") == "second_factor_reset"
    ]
    assert reset == [{**reset[0], "username": "sec", "target": "ncp-a"}]


@pytest.mark.parametrize("who", ["ncp_a", "reader"])
def test_nobody_else_resets_a_second_factor(request, client_for, secretariat, who):
    TOTPDevice.objects.create(user=secretariat, name="phone", confirmed=True)
    response = client_for(request.getfixturevalue(who)).post(f"/accounts/two-factor/reset/{secretariat.pk}/")
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=secretariat).exists()


def test_a_contact_point_may_turn_it_on_and_off_and_is_then_asked_for_it(client_for, ncp_a):
    c = client_for(ncp_a)
    assert c.get("/meetings/").status_code == 200  # not required: nothing is held back
    c.get("/accounts/two-factor/setup/")
    c.post("/accounts/two-factor/setup/", {"token": _code(ncp_a)})
    assert TOTPDevice.objects.get(user=ncp_a).confirmed
    assert c.post("/accounts/two-factor/remove/").status_code == 302
    assert not TOTPDevice.objects.filter(user=ncp_a).exists()


def test_the_secretariat_cannot_turn_its_own_second_factor_off(client_for, secretariat):
    c = client_for(secretariat)
    c.post("/accounts/two-factor/remove/")
    assert TOTPDevice.objects.filter(user=secretariat).exists()


def test_the_demo_key_is_refused_without_debug(settings, secretariat):
    settings.DEBUG = False
    with pytest.raises(RuntimeError):
        two_factor.demo_device(user=secretariat, secret_hex=two_factor.demo_secret_hex())


def test_seed_demo_prints_how_the_demo_secretariat_signs_in(settings, plan):
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", scale=0, stdout=out)
    assert f"add the key {settings.DEMO_TOTP_SECRET}" in out.getvalue()
    code = StringIO()
    call_command("demo_totp", "secretariat", stdout=code)
    assert re.fullmatch(r"\d{6}\n", code.getvalue())


def test_a_reset_second_factor_stops_counting_on_the_next_request(client_for, secretariat):
    c = client_for(secretariat)
    assert c.get("/meetings/new/").status_code == 200  # the device is now read through the cache
    TOTPDevice.objects.filter(user=secretariat).delete()
    response = c.get("/meetings/new/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")


def test_a_verified_session_reads_its_device_once_not_on_every_request(client_for, secretariat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(secretariat)
    c.get("/meetings/")
    with CaptureQueriesContext(connection) as ctx:
        assert c.get("/meetings/").status_code == 200
    assert not [q for q in ctx.captured_queries if "otp_totp_totpdevice" in q["sql"]]
