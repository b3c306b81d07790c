from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout

SESSION_STARTED = "_started_at"


class ActiveUserMiddleware:
    """Signs out a deactivated user on the next request, and ends sessions past their absolute lifetime."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.setdefault(SESSION_STARTED, int(time.time()))
            if not user.is_active or time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
        return self.get_response(request)
