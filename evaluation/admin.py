from __future__ import annotations

from django.contrib import admin

from core.admin import VersionedAdmin
from parties.admin import SecretariatAdmin

from .models import (
    ProgressEntry,
    ProgressReport,
    ReportingCycle,
    ReportRequest,
    ReportVersion,
    Review,
    ReviewResponse,
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


@admin.register(ReviewResponse)
class ReviewResponseAdmin(VersionedAdmin, SecretariatAdmin):
    list_display = ["review", "party", "state", "submitted_at"]
    list_filter = ["review", "state"]
