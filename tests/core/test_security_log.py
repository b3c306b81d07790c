from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from core.security import JsonFormatter

pytestmark = pytest.mark.django_db


def _events(caplog):
    return [getattr(r, "security", {}) for r in caplog.records if r.name == "pragueprocess.security"]


def test_security_log_records_failed_sign_in_without_the_password(client, ncp_a, caplog):
    caplog.set_level(logging.INFO, logger="pragueprocess.security")
    client.post("/accounts/login/", {"username": "ncp-a", "password": "hunter2-secret"})
    events = _events(caplog)
    failed = [e for e in events if e["event"] == "login_failed"]
    assert failed and failed[0]["username"] == "ncp-a" and failed[0]["ip"] == "127.0.0.1"
    lines = [JsonFormatter().format(r) for r in caplog.records if r.name == "pragueprocess.security"]
    assert all("hunter2-secret" not in line for line in lines)
    parsed = json.loads(lines[0])
    assert parsed["time"].endswith("+00:00") and parsed["event"] == "login_failed"


def test_security_log_records_a_lockout(client, ncp_a, settings, caplog):
    caplog.set_level(logging.INFO, logger="pragueprocess.security")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "ncp-a", "password": "wrong"})
    assert any(e["event"] == "lockout" for e in _events(caplog))


def test_security_log_records_csrf_failures(ncp_a, caplog):
    caplog.set_level(logging.INFO, logger="pragueprocess.security")
    c = Client(enforce_csrf_checks=True)
    c.force_login(ncp_a)
    response = c.post("/accounts/logout/")
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    assert any(e["event"] == "csrf_failure" for e in _events(caplog))


def test_security_log_records_a_denied_cross_party_request(ncp_a, party_b, caplog):
    from django.http import Http404

    from parties.permissions import require

    caplog.set_level(logging.INFO, logger="pragueprocess.security")
    with pytest.raises(Http404):
        require(ncp_a, "activity.edit", party_b, visible=False)
    assert any(e["event"] == "cross_party_404" and e["user"] == "ncp-a" for e in _events(caplog))


def test_client_address_comes_from_the_proxy_header_only_when_trusted(rf, settings):
    from core.security import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.7", REMOTE_ADDR="10.0.0.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "10.0.0.7"
