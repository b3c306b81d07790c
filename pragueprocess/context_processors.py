from __future__ import annotations

from django.conf import settings

from actions.plan_cache import current as footer_plan
from parties.permissions import can


def portal(request):
    user = getattr(request, "user", None)
    return {
        "LANGUAGES": settings.LANGUAGES,
        "nav_can_admin": bool(user and can(user, "admin.access")),
        "nav_is_member": bool(user and can(user, "member.view")),
        # Called by the template when the footer is rendered, not before: a fragment costs nothing.
        "footer_plan": footer_plan,
    }
