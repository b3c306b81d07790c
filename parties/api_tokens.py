"""Personal API tokens: made, found and revoked here, and nowhere else.

A token is `pp_` and 43 URL-safe characters (256 bits). The database keeps its SHA-256 and its first
characters (to tell tokens apart in a list); the token itself exists only in the answer that made it.
Every use writes a line to the security log, kept for the audit page (`api_token_used`).
"""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from core.security import log_event

from .models import ApiToken, User

PREFIX = "pp_"
SHOWN = 10  # characters kept in clear, `pp_` included
TOUCH_EVERY_SECONDS = 60  # last_used_at is written at most this often per token


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`: the row and the token, which is never shown again."""
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user, name=name.strip()[:80], prefix=token[:SHOWN], digest=_digest(token)
    )
    log_event("api_token_created", user=user.get_username(), token=row.prefix)
    return row, token


def token_revoke(*, token: ApiToken, by: User) -> bool:
    """Revoke it (once); False when it already was."""
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if changed:
        log_event(
            "api_token_revoked", user=by.get_username(), token=token.prefix, owner=token.user.get_username()
        )
    return bool(changed)


def token_user(token: str, *, request=None) -> tuple[User, ApiToken] | None:
    """The active person of an active token, or None; the use is logged either way."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    row = ApiToken.objects.select_related("user", "user__party").filter(digest=_digest(token)).first()
    if row is None or row.revoked_at is not None or not row.user.is_active:
        log_event(
            "api_token_refused",
            request,
            token=token[:SHOWN],
            reason="unknown" if row is None else ("revoked" if row.revoked_at else "inactive"),
        )
        return None
    now = timezone.now()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() >= TOUCH_EVERY_SECONDS:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    method = getattr(request, "method", "")
    log_event("api_token_used", request, user=row.user.get_username(), token=row.prefix, method=method)
    return row.user, row
