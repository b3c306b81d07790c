from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import VersionedAdmin

from .models import (
    ContactPointTerm,
    CoreGroupMembership,
    DetailsConfirmation,
    GeographicGroup,
    Invitation,
    Notification,
    PartnerOrganisation,
    Party,
    User,
)
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
class PartyAdmin(TranslationAdmin, SecretariatAdmin):
    list_display = ["code", "short_name", "name", "kind", "group"]
    list_filter = ["group", "kind"]
    search_fields = ["name", "short_name", "code"]


@admin.register(GeographicGroup)
class GeographicGroupAdmin(TranslationAdmin, SecretariatAdmin):
    list_display = ["code", "name", "order"]


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(VersionedAdmin, TranslationAdmin, SecretariatAdmin, SimpleHistoryAdmin):
    list_display = ["acronym", "name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]


@admin.register(User)
class PortalUserAdmin(VersionedAdmin, SecretariatAdmin, SimpleHistoryAdmin, UserAdmin):
    """Django's user admin with the version check: a person's details (names, e-mail, title,
    ministry, phone, language) are also edited by the person on /parties/my-details/, so a save here
    from an older version is refused, and a save here refuses the person's form opened before it.
    The hidden version rides in the "Portal" fieldset (with fieldsets, only listed fields render)."""

    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "role",
        "party",
        "partner_organisation",
        "is_active",
    ]
    list_filter = ["role", "is_active", "party__group", "partner_organisation"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (
            "Portal",
            {
                "fields": [
                    "role",
                    "party",
                    "partner_organisation",
                    "title",
                    "organisation",
                    "phone",
                    "preferred_language",
                    "version",
                ]
            },
        ),
    ]


@admin.register(Notification)
class NotificationAdmin(SecretariatAdmin):
    list_display = ["kind", "to_email", "subject", "due_at", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to_email", "subject", "key"]
    readonly_fields = [f.name for f in Notification._meta.fields]


@admin.register(ContactPointTerm)
class ContactPointTermAdmin(SecretariatAdmin, SimpleHistoryAdmin):
    list_display = ["user", "party", "kind", "started_on", "ended_on"]
    list_filter = ["kind", "party__group"]
    search_fields = ["user__last_name", "user__email", "party__short_name"]
    raw_id_fields = ["user", "ended_by"]


@admin.register(Invitation)
class InvitationAdmin(SecretariatAdmin):
    list_display = ["email", "party", "kind", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["kind"]
    search_fields = ["email"]
    readonly_fields = ["token_hash", "accepted_at", "user", "invited_by"]


@admin.register(CoreGroupMembership)
class CoreGroupMembershipAdmin(SecretariatAdmin, SimpleHistoryAdmin):
    list_display = ["party", "started_on", "ended_on", "decided_on", "decision_reference"]


@admin.register(DetailsConfirmation)
class DetailsConfirmationAdmin(SecretariatAdmin):
    list_display = ["user", "year", "confirmed_at"]
    list_filter = ["year"]
