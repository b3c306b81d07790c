from __future__ import annotations

from django.urls import path

from . import views

app_name = "actions"

urlpatterns = [
    path("plan/", views.plan_index, name="plan"),
    path("plan/<str:numeral>/<int:number>/", views.action_detail, name="action"),
]
