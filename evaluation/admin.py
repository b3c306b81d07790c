from __future__ import annotations

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from core.admin import VersionedAdmin
from parties.admin import SecretariatAdmin
from parties.permissions import can

from .models import (
    ProgressEntry,
    ProgressReport,
    ReportingCycle,
    ReportRequest,
    ReportVersion,
    Review,
    ReviewCriterion,
    ReviewResponse,
    ReviewScore,
)


@admin.register(ReportingCycle)
class ReportingCycleAdmin(SecretariatAdmin):
    list_display = ["year", "opens_on", "weeks_before_som", "locked_at"]
    list_filter = ["plan"]


class ProgressEntryInline(admin.TabularInline):
    model = ProgressEntry
    extra = 0


@admin.register(ProgressReport)
class ProgressReportAdmin(VersionedAdmin, SecretariatAdmin):
    list_display = ["party", "cycle", "state", "submitted_at", "version"]
    list_filter = ["cycle__year", "state"]
    list_select_related = ["party", "cycle"]
    inlines = [ProgressEntryInline]


@admin.register(ReportRequest)
class ReportRequestAdmin(SecretariatAdmin):
    list_display = ["kind", "year", "state", "progress", "attempts", "created_at", "finished_at"]
    list_filter = ["kind", "state"]


@admin.register(ReportVersion)
class ReportVersionAdmin(SecretariatAdmin):
    list_display = ["title", "number", "state", "created_at", "published_at"]
    list_filter = ["kind", "state"]
    exclude = ["data", "html", "pdf", "xlsx"]

    def has_change_permission(self, request, obj=None):  # versions are immutable
        return False


@admin.register(Review)
class ReviewAdmin(SecretariatAdmin):
    list_display = ["kind", "start_year", "end_year", "opens_on", "deadline"]


@admin.register(ReviewCriterion)
class ReviewCriterionAdmin(TranslationAdmin, SecretariatAdmin):
    list_display = ["code", "name", "plan", "order"]
    list_filter = ["plan"]


class ReviewScoreInline(admin.TabularInline):
    """The response's score and comment per criterion; saving them moves the response's version on."""

    model = ReviewScore
    extra = 0
    fields = ["criterion", "score", "comment"]

    def has_view_permission(self, request, obj=None):
        return can(request.user, "admin.access")

    has_change_permission = has_view_permission

    def has_add_permission(self, request, obj=None):
        return can(request.user, "admin.access")

    def has_delete_permission(self, request, obj=None):
        return False  # a criterion's answer is emptied, never removed

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields["criterion"]
        field.queryset = (
            ReviewCriterion.objects.filter(plan_id=obj.review.plan_id)
            if obj is not None
            else ReviewCriterion.objects.none()
        )
        return formset


@admin.register(ReviewResponse)
class ReviewResponseAdmin(VersionedAdmin, SecretariatAdmin):
    list_display = ["review", "party", "state", "submitted_at"]
    list_filter = ["review", "state"]
    list_select_related = ["review", "party"]
    inlines = [ReviewScoreInline]
