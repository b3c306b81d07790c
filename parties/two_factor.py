"""Two-factor sign-in: a TOTP device (RFC 6238) and one-time recovery codes, from django-otp.

django-otp is chosen over django-two-factor-auth and allauth's MFA because it is the small,
well-kept core both of them build on: it gives the devices (TOTP with throttling and replay
protection, static recovery codes), the session marker and `user.is_verified()`, and leaves the
pages to us, so the sign-in keeps its own form, django-axes throttling and security log.

The rule: the secretariat must have a verified second factor in the session. Until then
`parties.permissions.role_of` grants it no capability (so not /admin/ either), and
`SecondFactorMiddleware` leads it to set one up or to enter a code. Every other role may turn it on
from its details page.
"""

from __future__ import annotations

import secrets
from binascii import unhexlify

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp import login as otp_login
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.security import log_event

RECOVERY_CODES = 10
# Pages an unverified secretariat member may still open: the second factor's own pages, signing out,
# the language switch, health, static files.
OPEN_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/i18n/", "/healthz", "/static/")


def second_factor_required(user) -> bool:
    """True for the roles that must have a second factor: the secretariat (superusers included)."""
    return bool(user.is_authenticated and (user.role == "secretariat" or user.is_superuser))


def is_verified(user) -> bool:
    """True when this session was verified with a second factor. A user object that did not come
    through a request (a task, a service called by a command) carries no session: it is not held
    back here, since no HTTP request can reach it without OTPMiddleware."""
    check = getattr(user, "is_verified", None)
    return True if check is None else bool(check())


def totp_device(user, *, confirmed: bool | None = True) -> TOTPDevice | None:
    devices = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    return devices.order_by("-confirmed", "pk").first()


def has_second_factor(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def totp_start(*, user) -> TOTPDevice:
    """The unconfirmed device to scan; one per person, reused until it is confirmed."""
    device = totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def otpauth_uri(device: TOTPDevice) -> str:
    """What an authenticator app scans (config_url names the issuer from OTP_TOTP_ISSUER)."""
    return device.config_url


def base32_secret(device: TOTPDevice) -> str:
    from base64 import b32encode

    return b32encode(unhexlify(device.key)).decode()


@transaction.atomic
def recovery_codes_new(*, user) -> list[str]:
    """Ten fresh one-time codes; any earlier ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [
        f"{secrets.token_hex(2)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}" for _ in range(RECOVERY_CODES)
    ]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def totp_confirm(*, request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device with a code from it; the session is verified and recovery codes made.
    None when the code is wrong."""
    if not device.verify_token(token.strip().replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    otp_login(request, device)
    log_event("second_factor_enabled", request, username=device.user.get_username())
    return recovery_codes_new(user=device.user)


def verify(*, request, token: str) -> bool:
    """Verify this session with a code from the authenticator or a recovery code (used once)."""
    token = token.strip().replace(" ", "")
    for device in devices_for_user(request.user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(token):
            otp_login(request, device)
            kind = "recovery_code" if isinstance(device, StaticDevice) else "totp"
            log_event("second_factor_verified", request, username=request.user.get_username(), kind=kind)
            return True
    log_event("second_factor_failed", request, username=request.user.get_username())
    return False


@transaction.atomic
def second_factor_remove(*, user, by, request=None) -> int:
    """Remove a person's second factor (lost device): they set up a new one at their next sign-in
    if their role needs one. Logged with who did it."""
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    removed += StaticDevice.objects.filter(user=user).delete()[0]
    log_event(
        "second_factor_reset" if by.pk != user.pk else "second_factor_removed",
        request,
        username=by.get_username(),
        target=user.get_username(),
    )
    return removed


def demo_secret_hex() -> str:
    """The demo's known key (settings.DEMO_TOTP_SECRET, base32) as django-otp stores it (hex)."""
    from base64 import b32decode

    return b32decode(settings.DEMO_TOTP_SECRET).hex()


def current_code(device: TOTPDevice) -> str:
    """The code the device shows now (for the demo's `make totp`, and the browser tests)."""
    from django_otp.oath import TOTP

    totp = TOTP(unhexlify(device.key), device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def demo_device(*, user, secret_hex: str) -> TOTPDevice:
    """A confirmed device with a known secret, for the demo only (refused with DEBUG=False)."""
    if not settings.DEBUG:
        raise RuntimeError("a known second-factor secret is for the demo only (DEBUG=True)")
    device, _ = TOTPDevice.objects.update_or_create(
        user=user, name="demo", defaults={"key": secret_hex, "confirmed": True}
    )
    return device


def client_verified(client, user) -> None:
    """For the tests and the bench: a Django test Client already signed in as `user` gets its
    session verified with a second factor when the role needs one (a device is made if missing)."""
    if not second_factor_required(user):
        return
    device = totp_device(user) or TOTPDevice.objects.create(user=user, name="measured", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    # as after a real sign-in, whose verification reads the device once and keeps it in the cache
    cache.set(_device_cache_key(device.persistent_id), device, DEVICE_CACHE_SECONDS)


DEVICE_CACHE_SECONDS = 300


def _device_cache_key(persistent_id: str) -> str:
    return f"otp-device:{persistent_id}"


class VerifiedSessionMiddleware(OTPMiddleware):
    """django-otp's OTPMiddleware (user.is_verified()), with the session's device read from the cache:
    the stock middleware reads it from the database on every request of a verified session (one
    query a page for the secretariat: `make bench`). A device saved or deleted (a reset, a new
    device) leaves the cache at once (`device_changed`), so a removed second factor stops counting on
    the next request, as before."""

    def _device_from_persistent_id(self, persistent_id: str):
        key = _device_cache_key(persistent_id)
        device = cache.get(key)
        if device is None:
            device = super()._device_from_persistent_id(persistent_id)
            if device is not None:
                cache.set(key, device, DEVICE_CACHE_SECONDS)
        return device


def device_changed(sender, instance, **kwargs) -> None:
    """post_save/post_delete receiver for the device models: forget the cached device."""
    cache.delete(_device_cache_key(instance.persistent_id))


class SecondFactorMiddleware:
    """After OTPMiddleware: a secretariat member whose session is not verified is led to the
    second-factor page (set up, or enter a code) from every page but those it needs to get there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and second_factor_required(user)
            and not is_verified(user)
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            return redirect(f"{reverse('two-factor')}?next={request.get_full_path()}")
        return self.get_response(request)
