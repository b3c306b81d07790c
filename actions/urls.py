from __future__ import annotations

from django.urls import path

from . import activity_views, participation_views, views

app_name = "actions"

urlpatterns = [
    path("plan/", views.plan_index, name="plan"),
    path("plan/<str:numeral>/<int:number>/", views.action_detail, name="action"),
    # participation
    path("participation/", participation_views.matrix, name="participation"),
    path("participation/export.csv", participation_views.matrix_csv, name="participation-csv"),
    path("participation/<str:code>/", participation_views.party_participation, name="participation-party"),
    path("participation/<str:code>/withdraw/", participation_views.withdraw, name="participation-withdraw"),
]

# activities
urlpatterns += [
    path("activities/", activity_views.activity_list, name="activity-list"),
    path("activities/new/", activity_views.activity_create, name="activity-create"),
    path("activities/export.csv", activity_views.activity_export_csv, name="activity-export-csv"),
    path("activities/export.xlsx", activity_views.activity_export_xlsx, name="activity-export-xlsx"),
    path("activities/import/", activity_views.activity_import, name="activity-import"),
    path("activities/<int:pk>/", activity_views.activity_detail, name="activity-detail"),
    path("activities/<int:pk>/edit/", activity_views.activity_edit, name="activity-edit"),
    path("activities/<int:pk>/delete/", activity_views.activity_delete, name="activity-delete"),
    path("activities/<int:pk>/restore/", activity_views.activity_restore, name="activity-restore"),
    path(
        "activities/<int:pk>/documents/<int:document_pk>/",
        activity_views.activity_document,
        name="activity-document",
    ),
]
