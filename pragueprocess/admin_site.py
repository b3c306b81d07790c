"""Django's admin, for the secretariat only: staff flags alone do not open it, and a signed-in
member of another role gets 403 rather than a second sign-in form."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

from parties.permissions import can, require


class PortalAdminSite(admin.AdminSite):
    site_header = _("Prague Process portal – administration")
    site_title = _("Prague Process portal")

    def has_permission(self, request):
        return request.user.is_active and can(request.user, "admin.access")

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated:
                require(request.user, "admin.access")  # 403, logged
            return inner(request, *args, **kwargs)

        guarded.__dict__.update(inner.__dict__)
        return guarded


class PortalAdminConfig(AdminConfig):
    default_site = "pragueprocess.admin_site.PortalAdminSite"
