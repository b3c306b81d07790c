from __future__ import annotations

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from core.admin import VersionedAdmin
from parties.admin import SecretariatAdmin

from .models import (
    Action,
    ActionItem,
    ActionPlan,
    Activity,
    ActivityDocument,
    ActivityPartner,
    FinancingLine,
    FinancingSource,
    Participation,
    PriorityArea,
)


class ActionItemInline(TranslationTabularInline):
    model = ActionItem
    extra = 0


@admin.register(ActionPlan)
class ActionPlanAdmin(TranslationAdmin, SecretariatAdmin):
    list_display = ["title", "process", "start_year", "end_year"]


@admin.register(PriorityArea)
class PriorityAreaAdmin(TranslationAdmin, SecretariatAdmin):
    list_display = ["numeral", "title", "plan"]


@admin.register(Action)
class ActionAdmin(TranslationAdmin, SecretariatAdmin):
    list_display = ["__str__", "text"]
    list_select_related = ["area"]
    inlines = [ActionItemInline]


@admin.register(FinancingSource)
class FinancingSourceAdmin(TranslationAdmin, SecretariatAdmin):
    list_display = ["name", "plan", "order"]


@admin.register(Participation)
class ParticipationAdmin(SecretariatAdmin, VersionedAdmin, SimpleHistoryAdmin):
    list_display = ["party", "action", "role", "since"]
    list_select_related = ["party", "action__area"]
    list_filter = ["role", "action__area"]


class FinancingLineInline(admin.TabularInline):
    model = FinancingLine
    extra = 0


class ActivityPartnerInline(admin.TabularInline):
    model = ActivityPartner
    extra = 0


class ActivityDocumentInline(admin.TabularInline):
    """Read-only here: documents are uploaded through the activity form, which checks their content."""

    model = ActivityDocument
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(SecretariatAdmin, VersionedAdmin, SimpleHistoryAdmin):
    list_display = ["title", "party", "kind", "status", "state", "start_date"]
    list_select_related = ["party"]
    list_filter = ["state", "status", "kind", "party__group", "actions__area"]
    search_fields = ["title", "description", "outputs"]
    inlines = [FinancingLineInline, ActivityPartnerInline, ActivityDocumentInline]
    raw_id_fields = ["party", "created_by", "updated_by", "reviewed_by"]

    def save_model(self, request, obj, form, change):
        # VersionedAdmin moves the version on, so forms opened before this edit are stale.
        if change:
            obj.updated_by = request.user
        super().save_model(request, obj, form, change)
