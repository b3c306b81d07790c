"""Client address behind trusted proxies, and the JSON security log.

Every denial in the portal writes one line here: `parties.permissions` logs the denials it decides
(with the capability and the Party), and `SecurityLogMiddleware` logs any other 403 a view raises
(a PermissionDenied not logged already). The middleware also keeps the current request, so that a
line written deep in a selector still names the address and the path.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

from django.conf import settings

security_log = logging.getLogger("pragueprocess.security")
_current_request: ContextVar = ContextVar("security_request", default=None)


def client_ip(request) -> str:
    """REMOTE_ADDR, or the address the trusted proxies saw, never a client-supplied header otherwise."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def log_event(event: str, request=None, **fields) -> None:
    """One JSON line per security event. Never pass a password or a session key."""
    record = {"event": event, **fields}
    request = request if request is not None else _current_request.get()
    if request is not None:
        record.setdefault("ip", client_ip(request))
        record.setdefault("path", request.path)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            record.setdefault("user", user.get_username())
    security_log.info(event, extra={"security": record})
    _keep(record)


def _keep(record: dict) -> None:
    """Keep the line for the audit page too. Never at the cost of the request: a database that
    cannot take it (down, or inside a transaction already broken) leaves the log line alone."""
    from django.db import DatabaseError, transaction
    from django.utils import timezone

    from .models import SecurityEvent

    fields = {k: v for k, v in record.items() if k not in {"event", "ip", "path", "user", "username"}}
    username = record.get("username") or record.get("user") or ""
    ip = record.get("ip") or None
    try:
        with transaction.atomic():
            SecurityEvent.objects.create(
                at=timezone.now(),
                event=record["event"][:40],
                username=str(username)[:150],
                ip=ip,
                path=str(record.get("path", ""))[:300],
                details=json.loads(json.dumps(fields, default=str)),
            )
    except (DatabaseError, ValueError):
        security_log.warning("security event not kept in the database", exc_info=True)


def log_denial(*, user, capability: str, party_id: int | None, visible: bool, reason: str = "") -> None:
    """The one line a denial writes: a hiding 404 (`cross_party_404`) or a 403 (`forbidden_403`)."""
    fields = {
        "user": getattr(user, "username", None),
        "capability": capability,
        "party": party_id,
    }
    if reason:
        fields["reason"] = reason
    log_event("forbidden_403" if visible else "cross_party_404", **fields)


class SecurityLogMiddleware:
    """Keeps the request for the security log's lines, and logs every 403 that nothing logged yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied

        if isinstance(exception, PermissionDenied) and not getattr(exception, "logged", False):
            user = getattr(request, "user", None)
            log_denial(user=user, capability="", party_id=None, visible=True, reason=str(exception))
            exception.logged = True
        return None


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
        }
        payload.update(getattr(record, "security", {"message": record.getMessage()}))
        return json.dumps(payload, default=str)


def csrf_failure(request, reason: str = ""):
    """Log the CSRF failure, then show Django's usual 403 page in our layout."""
    from django.shortcuts import render

    log_event("csrf_failure", request, reason=reason)
    return render(request, "403_csrf.html", {"reason": reason}, status=403)


def _on_login_failed(sender, credentials, request=None, **kwargs):
    log_event("login_failed", request, username=credentials.get("username", ""))


def _on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    log_event("lockout", request, username=username or "")


def connect_signals() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_login_failed

    user_login_failed.connect(_on_login_failed, dispatch_uid="security-login-failed")
    user_locked_out.connect(_on_locked_out, dispatch_uid="security-lockout")
    user_logged_in.connect(
        lambda sender, request, user, **kw: log_event("login", request, username=user.get_username()),
        dispatch_uid="security-login",
        weak=False,
    )
