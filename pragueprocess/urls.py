from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from parties.urls import urlpatterns as party_patterns

from . import views

party_namespace = (
    [*party_patterns, path("<str:code>/", views.party_detail, name="detail")],
    "parties",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("actions.urls")),
    path("parties/", include(party_namespace)),
    path("meetings/", include("meetings.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("accounts/welcome/", views.after_login, name="after-login"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.BENCH_FLOOR:  # the bench's baseline request, never routed in production
    urlpatterns.append(path("bench/floor", views.bench_floor, name="bench-floor"))
