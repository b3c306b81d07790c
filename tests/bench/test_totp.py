"""The load test's simulated secretariat computes the same code as its device does."""

from __future__ import annotations

import pytest

from bench.totp import totp_now
from parties import two_factor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_load_tests_code_is_the_devices_code(plan):
    key = "3132333435363738393031323334353637383930"  # RFC 6238's test key, "12345678901234567890"
    assert totp_now(key, at=59) == "287082"  # RFC 6238, appendix B, SHA-1, the last six digits
    device = two_factor.TOTPDevice.objects.create(user=UserFactory(), key=key, confirmed=True)
    assert totp_now(key) == two_factor.current_code(device)
