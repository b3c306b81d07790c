"""A client that picks its own address through X-Forwarded-For still gets no more tries than any
other (the lockout is per username as well as per username and address)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _try(client, password: str, forwarded: str):
    return client.post(
        "/accounts/login/", {"username": "ncp-a", "password": password}, HTTP_X_FORWARDED_FOR=forwarded
    )


@pytest.mark.parametrize("proxies", [0, 1])
def test_twenty_forged_addresses_do_not_escape_the_lockout(client, ncp_a, settings, proxies):
    settings.TRUSTED_PROXY_COUNT = proxies
    statuses = [_try(client, "wrong", f"203.0.113.{n}").status_code for n in range(1, 21)]
    tries = settings.AXES_FAILURE_LIMIT - 1  # the failure that reaches the limit is answered 429
    assert statuses[:tries] == [200] * tries
    assert set(statuses[tries:]) == {429}
    response = _try(client, "correct-horse-battery", "198.51.100.7")
    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_the_shipped_configuration_is_consistent():
    """The example environment trusts one proxy: the compose file must then put one in front of
    gunicorn, overwriting the client's header, and not publish gunicorn itself."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    example = dict(
        line.split("=", 1)
        for line in (root / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    compose = (root / "docker-compose.yml").read_text()
    proxy_conf = (root / "deploy" / "nginx.conf").read_text()
    web = compose.split("\n  web:\n", 1)[1].split("\n\n", 1)[0]
    assert "ports:" not in web  # gunicorn is reached through the proxy only
    if int(example.get("TRUSTED_PROXY_COUNT", "0")):
        assert "\n  proxy:\n" in compose
        assert "proxy_set_header X-Forwarded-For $remote_addr;" in proxy_conf
        assert "proxy_set_header X-Forwarded-Proto $scheme;" in proxy_conf


def test_the_proxy_ssl_header_is_believed_only_behind_a_trusted_proxy():
    from tests.pragueprocess.test_healthz_and_settings import _manage

    code = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    base = {"DEBUG": "True"}
    direct = _manage("shell", "-c", code, env={**base, "TRUSTED_PROXY_COUNT": "0"})
    behind = _manage("shell", "-c", code, env={**base, "TRUSTED_PROXY_COUNT": "1"})
    assert direct.stdout.strip().splitlines()[-1] == "None"
    assert behind.stdout.strip().splitlines()[-1] == "('HTTP_X_FORWARDED_PROTO', 'https')"
