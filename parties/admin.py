from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import GeographicGroup, Notification, PartnerOrganisation, Party, User
from .permissions import can


class SecretariatAdmin(admin.ModelAdmin):
    """Model admin whose permissions come from the portal's table, not Django's per-model perms."""

    def has_module_permission(self, request):
        return can(request.user, "admin.access")

    def has_view_permission(self, request, obj=None):
        return can(request.user, "admin.access")

    def has_add_permission(self, request):
        return can(request.user, "admin.access")

    def has_change_permission(self, request, obj=None):
        return can(request.user, "admin.access")

    def has_delete_permission(self, request, obj=None):
        return can(request.user, "admin.access")


@admin.register(Party)
class PartyAdmin(SecretariatAdmin):
    list_display = ["code", "short_name", "name", "kind", "group"]
    list_filter = ["group", "kind"]
    search_fields = ["name", "short_name", "code"]


@admin.register(GeographicGroup)
class GeographicGroupAdmin(SecretariatAdmin):
    list_display = ["code", "name", "order"]


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(SecretariatAdmin):
    list_display = ["acronym", "name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]


@admin.register(User)
class PortalUserAdmin(SecretariatAdmin, UserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "role", "party", "is_active"]
    list_filter = ["role", "is_active", "party__group"]
    fieldsets = [
        *UserAdmin.fieldsets,
        ("Portal", {"fields": ["role", "party", "title", "organisation", "phone", "preferred_language"]}),
    ]


@admin.register(Notification)
class NotificationAdmin(SecretariatAdmin):
    list_display = ["kind", "to_email", "subject", "due_at", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to_email", "subject", "key"]
    readonly_fields = [f.name for f in Notification._meta.fields]
