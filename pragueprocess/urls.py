from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from parties import token_views, two_factor_views
from parties.mail_urls import urlpatterns as mail_patterns
from parties.urls import urlpatterns as party_patterns

from . import accounts, audience_views, audit, opendata_views, personal_data, translations, views

party_namespace = (
    [*party_patterns, path("<str:code>/", views.party_detail, name="detail")],
    "parties",
)

# One's choice of e-mails and the unsubscribe link live in parties; the secretariat's mail to an
# audience reads meetings, so it is added to the namespace here.
mail_namespace = (
    [
        *mail_patterns,
        path("audience/", audience_views.audience_list, name="audience"),
        path("audience/new/", audience_views.audience_new, name="audience-new"),
        path("audience/<int:pk>/", audience_views.audience_detail, name="audience-detail"),
    ],
    "mail",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers and crawlers ask for /favicon.ico whatever the page links: send them to the icon.
    path("favicon.ico", views.favicon, name="favicon"),
    path("robots.txt", views.robots, name="robots"),
    path("audit/", audit.audit, name="audit"),
    path("audit/export.csv", audit.audit_export, name="audit-export"),
    path("translations/", translations.status_page, name="translations"),
    path("translations/<slug:kind>/", translations.kind_list, name="translations-kind"),
    path("translations/<slug:kind>/official/", translations.mark_official, name="translations-official"),
    path("translations/<slug:kind>/<int:pk>/", translations.edit, name="translations-edit"),
    path("", include("evaluation.urls")),  # before the plan's pages: /plans/<plan>/evaluation/
    path("", include("actions.urls")),
    path("parties/", include(party_namespace)),
    path("meetings/", include("meetings.urls")),
    path("mail/", include(mail_namespace)),
    path("accounts/welcome/", views.after_login, name="after-login"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/my-data.json", personal_data.my_data, name="my-data"),
    path("accounts/password_reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/two-factor/", two_factor_views.two_factor_verify, name="two-factor"),
    path("accounts/two-factor/setup/", two_factor_views.two_factor_setup, name="two-factor-setup"),
    path(
        "accounts/two-factor/recovery-codes/",
        two_factor_views.two_factor_recovery_codes,
        name="two-factor-codes",
    ),
    path("accounts/two-factor/remove/", two_factor_views.two_factor_remove, name="two-factor-remove"),
    path("accounts/two-factor/reset/<int:pk>/", two_factor_views.two_factor_reset, name="two-factor-reset"),
    path("accounts/api-tokens/", token_views.api_tokens, name="api-tokens"),
    path("accounts/api-tokens/<int:pk>/revoke/", token_views.api_token_revoke, name="api-token-revoke"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("pragueprocess.api.urls")),
    path("open-data/", opendata_views.open_data, name="open-data"),
    path("open-data/<str:day>.zip", opendata_views.open_data_bundle, name="open-data-bundle"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.BENCH_FLOOR:  # the bench's baseline request, never routed in production
    urlpatterns.append(path("bench/floor", views.bench_floor, name="bench-floor"))
