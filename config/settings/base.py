"""Settings shared by every environment. Environment variables are read only through config.env."""

from pathlib import Path

import dj_database_url

from config.env import BASE_DIR, env_bool, env_int, env_list, env_str

SECRET_KEY = env_str("SECRET_KEY", "dev-insecure-key-change-me-in-production-0123456789abcdef")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "ninja",  # serves the API docs page from its bundled static files instead of a CDN
    "axes",
    "dolbom.core",
    "dolbom.accounts",
    "dolbom.regions",
    "dolbom.households",
    "dolbom.directory",
    "dolbom.benefits",
    "dolbom.booking",
    "dolbom.matching",
    "dolbom.counselling",
    "dolbom.operations",
    "web.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dolbom.core.middleware.DatabaseUnavailableMiddleware",
    "dolbom.core.middleware.ApiErrorShapeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dolbom.core.middleware.RequestContextMiddleware",
    "dolbom.core.middleware.ContentSecurityPolicyMiddleware",
    "dolbom.core.middleware.PublicFormRateLimitMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "dolbom.core.context_processors.site",
            ],
        },
    }
]


def database_config(url: str) -> dict:
    """SQLite gets WAL and IMMEDIATE transactions so writers queue instead of failing mid-transaction."""
    config: dict = dict(dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 0)))
    # A persistent connection that died (database restart, failover) is replaced at the next request.
    config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    return config


DATABASES = {"default": database_config(env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "dolbom.accounts.backends.LoginIdBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:start"
LOGOUT_REDIRECT_URL = "portal:home"

# django-axes: lock an account+IP pair after repeated failures (login throttling).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "dolbom.accounts.views_support.lockout_response"
AXES_VERBOSE = False

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", "한국어"), ("en", "English"), ("vi", "Tiếng Việt"), ("zh-hans", "简体中文")]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60  # the language switch persists for a year
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"


def _leaflet_static() -> list[Path]:
    """Leaflet's JS/CSS come from the installed django-leaflet package (its GIS admin is not used)."""
    import importlib.util

    spec = importlib.util.find_spec("leaflet")
    if spec is None or spec.origin is None:
        return []
    return [Path(spec.origin).parent / "static"]


STATICFILES_DIRS = [BASE_DIR / "static", *_leaflet_static()]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Requests: bodies larger than this are refused with 413 before any parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
# Staff sessions are cut short in dolbom.core.middleware (they see children's data).
STAFF_SESSION_AGE = env_int("STAFF_SESSION_AGE", 60 * 60 * 8)
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Field encryption: comma-separated Fernet keys, newest first. Old keys still decrypt (rotation).
FIELD_ENCRYPTION_KEYS = env_list(
    "FIELD_ENCRYPTION_KEYS",
    # Demo key only: production refuses to start with it (see production.py).
    ["ZG9sYm9tLWRlbW8tZmllbGQta2V5LW5vdC1wcm9kISE="],
)

# Notifications: outbox rows are delivered by a Celery task through these backends.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "돌봄 <no-reply@dolbom.local>")
NOTIFICATION_SMS_GATEWAY = env_str("NOTIFICATION_SMS_GATEWAY", "dolbom.core.notifications.ConsoleGateway")
IDENTITY_PROVIDER = env_str("IDENTITY_PROVIDER", "dolbom.accounts.identity.FakeIdentityProvider")

REDIS_URL = env_str("REDIS_URL", "")
USE_CELERY = bool(REDIS_URL)
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not USE_CELERY
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Periodic work (celery beat). Every task is idempotent and correctness never waits for one to run.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "notifications-retry": {"task": "core.notifications_retry_stale", "schedule": 300.0},
    "benefits-alerts-daily": {"task": "benefits.alerts_daily", "schedule": 6 * 3600.0},
    "booking-waitlist-advance": {"task": "booking.waitlist_advance_all", "schedule": 60.0},
    "booking-slots-ahead": {"task": "booking.slots_generate_ahead", "schedule": 6 * 3600.0},
    "counselling-sla-escalate": {"task": "counselling.sla_escalate", "schedule": 300.0},
    "matching-expire-unfilled": {"task": "matching.expire_unfilled", "schedule": 300.0},
    "operations-summaries-refresh": {"task": "operations.summaries_refresh", "schedule": 300.0},
}

# Cache: per-process memory by default; Redis (shared by every worker) when REDIS_URL is set.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dolbom"}
    )
}
# Anonymous use of expensive public endpoints, per client IP: scope → (requests, window in seconds).
# Generous enough for a family or a call-centre desk behind one address; signed-in callers are not counted.
RATE_LIMITS: dict[str, tuple[int, int]] = {
    "benefits_check": (env_int("RATE_LIMIT_BENEFITS_CHECK", 120), 60),
    "inquiry_create": (env_int("RATE_LIMIT_INQUIRY_CREATE", 20), 3600),
    "auth_token": (env_int("RATE_LIMIT_AUTH_TOKEN", 30), 60),
    "signup": (env_int("RATE_LIMIT_SIGNUP", 20), 3600),
    "password_reset": (env_int("RATE_LIMIT_PASSWORD_RESET", 10), 3600),
}
# Anonymous form POSTs counted by dolbom.core.middleware.PublicFormRateLimitMiddleware: URL name → scope.
RATE_LIMITED_PAGES: dict[str, str] = {
    "counsel:ask": "inquiry_create",
    "portal:signup": "signup",
    "portal:password_reset": "password_reset",
}
# How many proxies of our own append to X-Forwarded-For in front of the app (0: use REMOTE_ADDR).
RATE_LIMIT_TRUSTED_PROXIES = env_int("RATE_LIMIT_TRUSTED_PROXIES", 0)

# Map: tiles are optional; with no tile server the map shows the bundled 시군구 boundaries.
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")

DATA_DIR: Path = BASE_DIR / "data"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
