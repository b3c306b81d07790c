from __future__ import annotations

from django.urls import include, path

from . import mandate_views, views

app_name = "evaluation"

# The pages of one plan's evaluation: `/plans/<url slug>/evaluation/...`; the same names under
# `/evaluation/` are the current plan's addresses, which redirect there (actions/plans.py).
plan_patterns = [
    path("", views.cycle_list, name="cycles"),
    path("setup/", views.evaluation_setup, name="setup"),
    path("mandate/", mandate_views.mandate, name="mandate"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/print/", views.dashboard_print, name="dashboard-print"),
    path("dashboard.pdf", views.dashboard_pdf, name="dashboard-pdf"),
    path("ministers/", views.ministers, name="ministers"),
    path("reviews/<str:kind>/", views.review_detail, name="review"),
    path("reviews/<str:kind>/compile/", views.review_compile, name="review-compile"),
    path("reviews/<str:kind>/<str:code>/", views.review_respond, name="review-respond"),
    path("<int:year>/", views.cycle_detail, name="cycle"),
    path("<int:year>/lock/", views.cycle_lock, name="cycle-lock"),
    path("<int:year>/compile/", views.report_compile, name="compile"),
    path("<int:year>/<str:code>/", views.progress_detail, name="progress"),
    path("<int:year>/<str:code>/edit/", views.progress_edit, name="progress-edit"),
    path("<int:year>/<str:code>/submit/", views.progress_submit, name="progress-submit"),
    path("<int:year>/<str:code>/return/", views.progress_return, name="progress-return"),
    path("<int:year>/<str:code>/accept/", views.progress_accept, name="progress-accept"),
    path("<int:year>/<str:code>/messages/", views.progress_message, name="progress-message"),
]

# Compiled reports and their compiles are keyed by their own number, whatever their plan.
report_patterns = [
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>.pdf", views.report_pdf, name="report-pdf"),
    path("reports/<int:pk>.xlsx", views.report_xlsx, name="report-xlsx"),
    path("reports/<int:pk>/publish/", views.report_publish, name="report-publish"),
    path("reports/<int:pk>/conclusions/", views.report_conclusions, name="report-conclusions"),
    path("compiles/<int:pk>/", views.request_detail, name="request"),
]

urlpatterns = [
    path("plans/<str:plan>/evaluation/", include(plan_patterns)),
    path("evaluation/", include(report_patterns)),
    path("evaluation/", include(plan_patterns)),
]
