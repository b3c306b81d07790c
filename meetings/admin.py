from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from parties.admin import SecretariatAdmin

from .models import Decision, Meeting


@admin.register(Meeting)
class MeetingAdmin(SecretariatAdmin, SimpleHistoryAdmin):
    list_display = ["title", "kind", "starts_at", "status", "host"]
    list_filter = ["kind", "status"]


@admin.register(Decision)
class DecisionAdmin(SecretariatAdmin, SimpleHistoryAdmin):
    list_display = ["__str__", "meeting", "status", "due_on"]
    list_filter = ["status", "kind"]
