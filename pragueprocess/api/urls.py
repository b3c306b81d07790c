"""`/api/`: the read API, its OpenAPI schema and its documentation (served by the portal itself)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

app_name = "api"

urlpatterns = [
    path("", views.root, name="root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("plans/", views.PlanList.as_view(), name="plan-list"),
    path("plans/<str:slug>/", views.PlanDetail.as_view(), name="plan-detail"),
    path("parties/", views.PartyList.as_view(), name="party-list"),
    path("parties/<str:code>/", views.PartyDetail.as_view(), name="party-detail"),
    path("participation/", views.ParticipationList.as_view(), name="participation-list"),
    path("activities/", views.ActivityList.as_view(), name="activity-list"),
    path("activities/<int:pk>/", views.ActivityDetail.as_view(), name="activity-detail"),
    path("meetings/", views.MeetingList.as_view(), name="meeting-list"),
    path("meetings/<int:pk>/", views.MeetingDetail.as_view(), name="meeting-detail"),
    path("reports/", views.ReportList.as_view(), name="report-list"),
    path("reports/<int:pk>/", views.ReportDetail.as_view(), name="report-detail"),
]
