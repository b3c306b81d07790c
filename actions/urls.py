from __future__ import annotations

from django.urls import path

from . import participation_views, views

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
