from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout

SESSION_STARTED = "_started_at"
SESSION_RENEWED = "_renewed_at"


class ActiveUserMiddleware:
    """Signs out a deactivated user on the next request, ends sessions past their absolute lifetime,
    and renews a signed-in session's idle expiry when it was last renewed SESSION_RENEW_SECONDS ago
    or more (the session is then saved, with a fresh cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault(SESSION_STARTED, now)
            if not user.is_active or now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
            elif now - request.session.get(SESSION_RENEWED, 0) >= settings.SESSION_RENEW_SECONDS:
                request.session[SESSION_RENEWED] = now  # modified: saved with a new expiry
        return self.get_response(request)


def session_started(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: signing in starts the absolute lifetime and is the first renewal."""
    if hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_STARTED] = now
        request.session[SESSION_RENEWED] = now
