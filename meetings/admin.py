from __future__ import annotations

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import VersionedAdmin
from parties.admin import SecretariatAdmin

from .models import AgendaItem, Decision, DecisionUpdate, Delegate, Document, Invitation, Meeting


@admin.register(Meeting)
class MeetingAdmin(VersionedAdmin, TranslationAdmin, SecretariatAdmin, SimpleHistoryAdmin):
    list_display = ["title", "kind", "starts_at", "status", "host"]
    list_filter = ["kind", "status"]


class DecisionUpdateInline(admin.TabularInline):
    model = DecisionUpdate
    extra = 0
    fields = ["created_at", "by", "from_status", "to_status", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # updates are made on the decision's page, by its owners


@admin.register(Decision)
class DecisionAdmin(VersionedAdmin, TranslationAdmin, SecretariatAdmin, SimpleHistoryAdmin):
    list_display = ["__str__", "meeting", "status", "due_on", "owner_secretariat", "owner_core_group"]
    list_filter = ["status", "kind", "owner_secretariat", "owner_core_group"]
    list_select_related = ["meeting"]
    filter_horizontal = ["owner_parties", "actions"]
    inlines = [DecisionUpdateInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(TranslationAdmin, SecretariatAdmin, SimpleHistoryAdmin):
    list_display = ["title", "meeting", "order", "time"]


class DelegateInline(admin.TabularInline):
    model = Delegate
    extra = 0


@admin.register(Invitation)
class InvitationAdmin(VersionedAdmin, SecretariatAdmin, SimpleHistoryAdmin):
    list_display = ["meeting", "party", "answer", "attendance"]
    list_filter = ["answer", "attendance"]
    list_select_related = ["meeting", "party"]
    inlines = [DelegateInline]


@admin.register(Document)
class DocumentAdmin(SecretariatAdmin, SimpleHistoryAdmin):
    list_display = ["title", "meeting", "kind", "language", "size"]
    list_filter = ["kind", "language"]
    readonly_fields = ["file", "filename", "content_type", "size", "uploaded_by"]
