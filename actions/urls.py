from __future__ import annotations

from django.urls import include, path, register_converter

from . import activity_views, participation_views, views
from .converters import NumeralConverter

register_converter(NumeralConverter, "numeral")

app_name = "actions"

# participation
participation_patterns = [
    path("", participation_views.matrix, name="participation"),
    path("export.csv", participation_views.matrix_csv, name="participation-csv"),
    path("<str:code>/", participation_views.party_participation, name="participation-party"),
    path("<str:code>/withdraw/", participation_views.withdraw, name="participation-withdraw"),
]

# The pages of one plan, `/plans/<url slug>/...`; the same names without the plan are the current
# plan's addresses, which redirect there (actions/plans.py).
urlpatterns = [
    path("plans/<str:plan>/", views.plan_index, name="plan"),
    path("plans/<str:plan>/participation/", include(participation_patterns)),
    path("plans/<str:plan>/<numeral:numeral>/<int:number>/", views.action_detail, name="action"),
    path("plan/", views.plan_index, name="plan"),
    path("plan/<str:numeral>/<int:number>/", views.action_detail, name="action"),
    path("participation/", include(participation_patterns)),
]

# activities
urlpatterns += [
    path("activities/", activity_views.activity_list, name="activity-list"),
    path("activities/new/", activity_views.activity_create, name="activity-create"),
    path("activities/export.csv", activity_views.activity_export_csv, name="activity-export-csv"),
    path("activities/export.xlsx", activity_views.activity_export_xlsx, name="activity-export-xlsx"),
    path("activities/export.iati.xml", activity_views.activity_export_iati, name="activity-export-iati"),
    path("activities/import/", activity_views.activity_import, name="activity-import"),
    path("activities/settings/", activity_views.activity_settings, name="activity-settings"),
    path("activities/<int:pk>/", activity_views.activity_detail, name="activity-detail"),
    path("activities/<int:pk>/edit/", activity_views.activity_edit, name="activity-edit"),
    path("activities/<int:pk>/delete/", activity_views.activity_delete, name="activity-delete"),
    path("activities/<int:pk>/restore/", activity_views.activity_restore, name="activity-restore"),
    path("activities/<int:pk>/messages/", activity_views.activity_message, name="activity-message"),
    path("activities/<int:pk>/check/", activity_views.activity_check, name="activity-check"),
    path("activities/<int:pk>/return/", activity_views.activity_return, name="activity-return"),
    path(
        "activities/<int:pk>/documents/<int:document_pk>/",
        activity_views.activity_document,
        name="activity-document",
    ),
]
