"""Settings for the Prague Process portal: one module, read from the environment.

DEBUG is off unless it is asked for: `make run` and the tests turn it on (and with it the development
defaults, which need nothing installed: SQLite, Celery on kombu's filesystem transport, e-mail to
the console). With DEBUG=False, SECRET_KEY and DATABASE_URL have no default and the development
key is refused, so a bad deploy fails loudly instead of running on a demo database or a known key.
"""

from __future__ import annotations

import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Off by default for what serves the portal (wsgi.py, celery.py). `make run` sets DEBUG=True, so does
# manage.py unless DEBUG is set, and so does the test suite (tests/conftest.py, which its subprocesses
# inherit; pytest itself is recognised here because its settings load before that file).
DEBUG = env.bool("DEBUG", default="_pytest" in sys.modules)
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
# Keys that are published (here and in .env.example): never good enough for a real deployment.
PUBLISHED_SECRET_KEYS = {DEVELOPMENT_SECRET_KEY, "change-me-to-a-long-random-string"}
# /bench/floor (the bench's baseline request) is routed only when the bench runs: bench/run.py
# sets BENCH_FLOOR for every process it starts (and bench/load.py for its gunicorn).
BENCH_FLOOR = env.bool("BENCH_FLOOR", default=False)

if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
    DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
else:
    SECRET_KEY = env("SECRET_KEY")
    if SECRET_KEY in PUBLISHED_SECRET_KEYS:
        raise ImproperlyConfigured(
            "SECRET_KEY is a published development key: set a long random one to run with DEBUG=False."
        )
    DATABASES = {"default": env.db("DATABASE_URL")}

DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0 if DEBUG else 60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "modeltranslation",
    "pragueprocess.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "pragueprocess",
    "parties",
    "actions",
    "meetings",
    "evaluation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.security.SecurityLogMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "parties.two_factor.VerifiedSessionMiddleware",
    "parties.two_factor.SecondFactorMiddleware",
    "pragueprocess.middleware.ActiveUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pragueprocess.urls"
WSGI_APPLICATION = "pragueprocess.wsgi.application"

_loaders = [
    "django.template.loaders.filesystem.Loader",
    "django.template.loaders.app_directories.Loader",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pragueprocess.context_processors.portal",
            ],
            # Cached templates everywhere but in development, where edits must show at once.
            "loaders": _loaders if DEBUG else [("django.template.loaders.cached.Loader", _loaders)],
        },
    }
]

# Choice widgets (selects, checkboxes) rendered in Python with Django's own markup: see the module.
# Rows offered as choices that rarely change: their lists are cached (core.choices) and read afresh
# after any save or delete of one of them.
REFERENCE_CHOICE_MODELS = [
    "actions.ActionPlan",
    "actions.PriorityArea",
    "actions.Action",
    "actions.ActionItem",
    "actions.FinancingSource",
    "parties.Party",
    "parties.GeographicGroup",
    "parties.PartnerOrganisation",
]
FORM_RENDERER = "core.forms_renderer.QuickChoicesRenderer"

AUTH_USER_MODEL = "parties.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
OTP_TOTP_ISSUER = "Prague Process portal"
# Password reset mails: at most this many an hour to one address, and requests from one client.
PASSWORD_RESET_PER_ADDRESS = env.int("PASSWORD_RESET_PER_ADDRESS", default=3)
PASSWORD_RESET_PER_CLIENT = env.int("PASSWORD_RESET_PER_CLIENT", default=10)
# The demo secretariat's second-factor key (base32), set by seed_demo with DEBUG=True only.
DEMO_TOTP_SECRET = env("DEMO_TOTP_SECRET", default="PRAGUEPROCESSDEMOTOTPSECRETKEYAB")
LOGIN_REDIRECT_URL = "after-login"
LOGOUT_REDIRECT_URL = None  # show the "signed out" page
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Sessions: an idle timeout (the cookie age) and an absolute lifetime, both kept by
# ActiveUserMiddleware. The idle expiry is renewed by a request at most once every
# SESSION_RENEW_SECONDS (not on every request, which would write the session each time), so a
# session idle for the whole timeout ends, and one in use never does.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=60 * 60 * 2)
SESSION_RENEW_SECONDS = env.int("SESSION_RENEW_SECONDS", default=5 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=60 * 60 * 12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Content in both languages (django-modeltranslation): each translated field has a column per language
# beside it (title_en, title_ru), so a list still reads in one query. English is the plan's own text and
# always filled; a missing Russian text falls back to it, and pages mark it (core/templatetags/content.py).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "ru")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
MODELTRANSLATION_AUTO_POPULATE = "required"
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Where `manage.py backup` writes its dated archives (core/backup.py).
BACKUP_DIR = Path(env("BACKUP_DIR", default=str(VAR_DIR / "backups")))
MEDIA_URL = "/media/"  # no URL serves it: uploads go through views that check permissions first
# Uploads go through Django's storage API only. With a bucket set, every web and worker container
# keeps them in one S3-compatible object store (MinIO in docker-compose.yml); without one, the local
# disk under MEDIA_ROOT (`make run`, the tests).
S3_BUCKET = env("S3_BUCKET", default=env("AWS_STORAGE_BUCKET_NAME", default=""))
if S3_BUCKET:
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL", default="") or None,
            "access_key": env("S3_ACCESS_KEY_ID", default=env("AWS_ACCESS_KEY_ID", default="")) or None,
            "secret_key": env("S3_SECRET_ACCESS_KEY", default=env("AWS_SECRET_ACCESS_KEY", default=""))
            or None,
            "region_name": env("S3_REGION", default="") or None,
            "location": env("S3_LOCATION", default=""),  # a prefix inside the bucket
            "default_acl": None,  # the bucket's own policy: private
            "querystring_auth": True,  # never a public URL: downloads go through views that check first
            "file_overwrite": False,  # a second upload under the same name gets a new name, as on disk
            "addressing_style": env("S3_ADDRESSING_STYLE", default="path"),  # MinIO wants path style
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A cache shared by every process in production (Redis: `CACHE_URL=redis://host:6379/1`), so that a
# write in one worker invalidates the dashboard's cached figures in all; per process by default.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "core.cache.RedisCache"  # one client per pool
    # Sessions are read from the shared cache and written through to the database: a query less on
    # every signed-in request. Not with a per-process cache: a session ended in one process would
    # live on in another's memory.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Cached figures (dashboard, participation counts) younger than this are served even after a write:
# at a peak of saves they are computed at most once per that many seconds (core/caching.py).
FIGURES_FRESH_SECONDS = env.int("FIGURES_FRESH_SECONDS", default=30)

# E-mail
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Prague Process portal <portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# A decision's owners are reminded this many days before its due date (and once when it is overdue).
DECISION_REMINDER_DAYS_BEFORE = env.int("DECISION_REMINDER_DAYS_BEFORE", default=14)

# Celery: the database row is the truth for due work; the broker only carries the nudge.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery"
    for sub in ("in", "processed"):
        (_queue_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "in"),
        "data_folder_out": str(_queue_dir / "in"),
        "processed_folder": str(_queue_dir / "processed"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 60 * 60,  # above the longest task time limit
        "socket_timeout": 5,
        "socket_connect_timeout": 3,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TIMEZONE = "UTC"
# The read API (/api/, pragueprocess/api/): JSON only, the portal's own sign-in, anonymous clients kept
# to a rate (per address, in the shared cache); the schema and its documentation from drf-spectacular,
# the documentation's assets from drf-spectacular-sidecar (no CDN).
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "pragueprocess.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env.str("API_ANON_RATE", default="120/minute")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "NUM_PROXIES": env.int("TRUSTED_PROXY_COUNT", default=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Prague Process Action Plan portal API",
    "DESCRIPTION": (
        "The plans, Parties, participation, meetings and published reports of the Prague Process, "
        "in English and Russian; the activities a member may read. Read-only."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ActivityKindEnum": "actions.models.Activity.Kind",
        "MeetingKindEnum": "meetings.models.Meeting.Kind",
        "PartyKindEnum": "parties.models.Party.Kind",
        "ReportKindEnum": "evaluation.models.ReportKind",
    },
}

# The IATI 2.03 export (actions/iati.py): the reporting organisation, with its IATI organisation
# identifier and its type (IATI OrganisationType codelist: 40 multilateral).
IATI_REPORTING_ORG_REF = env.str("IATI_REPORTING_ORG_REF", default="XI-IATI-PRAGUEPROCESS")
IATI_REPORTING_ORG_TYPE = env.str("IATI_REPORTING_ORG_TYPE", default="40")
IATI_REPORTING_ORG_NAME = env.str("IATI_REPORTING_ORG_NAME", default="Prague Process Secretariat")

CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "pragueprocess.tasks.heartbeat", "schedule": 60.0},
    "reminders-sweep": {"task": "pragueprocess.tasks.reminders_sweep", "schedule": 60.0},
    # evaluation: run report compiles still waiting (broker was down) or left by a dead worker
    "evaluation-report-sweep": {"task": "evaluation.tasks.report_requests_sweep", "schedule": 60.0},
    # evaluation: ask for each year's monitoring report YEARLY_REPORT_DAYS_BEFORE_SOM days before its
    # SOM (claimed per cycle: a second beat, a rerun or the next day asks for nothing more)
    "evaluation-yearly-report": {"task": "evaluation.tasks.yearly_reports_schedule", "schedule": 3600.0},
    # personal data past its retention period: asked every hour, done once a day (claimed per day)
    "retention-daily": {"task": "pragueprocess.tasks.retention_daily", "schedule": 3600.0},
    # the open-data bundle: asked every hour, built once a night (claimed per day)
    "opendata-nightly": {"task": "pragueprocess.tasks.opendata_nightly", "schedule": 3600.0},
}
# The yearly monitoring report compiles by itself this many days before that year's SOM.
YEARLY_REPORT_DAYS_BEFORE_SOM = env.int("YEARLY_REPORT_DAYS_BEFORE_SOM", default=21)
# Delegates' personal details are erased this many months after their meeting, and sent mail bodies
# this many months after sending (pragueprocess/retention.py).
PERSONAL_DATA_RETENTION_MONTHS = env.int("PERSONAL_DATA_RETENTION_MONTHS", default=24)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# Security. Production values switch on with DEBUG=False; `check --deploy` passes with them.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# The scheme a proxy reports is believed only when a proxy we run sits in front (and overwrites the
# header); facing clients directly, a client could claim HTTPS by sending the header itself.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "core.security.csrf_failure"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Login throttling: locked per (username, address) pair and per username alone after repeated
# failures, so that changing one's address (or a forged X-Forwarded-For) buys no more tries; the
# client address comes from X-Forwarded-For only when a trusted proxy sits in front
# (TRUSTED_PROXY_COUNT). The price: anyone can lock an account for the cool-off by failing on purpose.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "core.security.JsonFormatter"},
        "plain": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "security": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "loggers": {
        "pragueprocess.security": {"handlers": ["security"], "level": "INFO", "propagate": False},
        "django.security": {"handlers": ["security"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

DEMO_PASSWORD = env("DEMO_PASSWORD", default="prague-demo-2012")
