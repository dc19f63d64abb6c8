"""Settings for lienhe213, read from the environment with safe development defaults.

Environment variables:
    DJANGO_DEBUG           "1" for development (make run and make test set it); off by
                           default
    DJANGO_SECRET_KEY      required when DEBUG is off: random, 50 characters or more
    LIENHE213_HTTPS        "0" to serve production without HTTPS redirect and HSTS
                           (default: on when DEBUG is off)
    LIENHE213_HSTS_SECONDS default 31536000 (one year)
    LIENHE213_PROXY_SSL_HEADER
                           the header a TLS-terminating proxy sets, e.g. X-Forwarded-Proto
    DJANGO_ALLOWED_HOSTS   comma-separated host names (default: localhost names)
    DATABASE_URL           e.g. postgres://user:pass@127.0.0.1:5432/lienhe213
                           (default: SQLite file var/db.sqlite3)
    EMAIL_HOST             the SMTP server; when set, mail goes out by SMTP (otherwise
                           the console in development, SMTP to localhost in production)
    EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, DEFAULT_FROM_EMAIL
    EMAIL_BACKEND          overrides the choice above (a dotted path)
    LIENHE213_SITE_URL     the address links in e-mails point at (default
                           http://localhost:8000)
    LIENHE213_DIGEST_HOUR  local hour from which run_due sends the daily digests
                           (default 6)
    TASKS_BACKEND          "database" (default: the db_worker runs the tasks) or
                           "immediate" (run in the enqueuing process, no worker)
    LIENHE213_TIME_ZONE    default Asia/Ho_Chi_Minh
    LIENHE213_TOKEN_RATE, LIENHE213_LOGIN_RATE
                           attempts to log in per client address and username at the
                           API's token endpoint and the login form (default 10/min)
    LIENHE213_LOCKOUT_AFTER, LIENHE213_LOCKOUT_WINDOW, LIENHE213_LOCKOUT_SECONDS,
    LIENHE213_LOCKOUT_MAX_SECONDS
                           a username is locked, from every address, after this many
                           wrong passwords (default 20; 0: never) within the window
                           (default 900 s), for the delay (default 60 s), doubled at
                           each further lockout up to the maximum (default 3600 s)
    LIENHE213_TWO_FACTOR   "required" (default without DEBUG): administrators and every
                           committee role sign in with an authenticator app code;
                           "optional" (default with DEBUG): whoever turned it on
    LIENHE213_TOTP_ISSUER  the name authenticator apps show (default "Liên hệ 213")
    CACHE_URL              a cache every app server and worker shares, e.g.
                           redis://127.0.0.1:6379/1 (redis://, rediss:// or unix://):
                           the token endpoint's attempt counts and the dashboards;
                           default: the local memory of each process
    LIENHE213_RETAIN_FORMER_MEMBERS_YEARS, LIENHE213_RETAIN_PHONE_YEARS,
    LIENHE213_RETAIN_AUDIT_YEARS
                           whole years, 1 or more, that manage.py apply_retention keeps:
                           a member who left the party or died before is anonymised
                           (default 5), their phone and e-mail removed (default 2);
                           older audit rows are deleted (default 5)
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def cache_from_url(url: str) -> dict[str, object]:
    """Django's cache settings for ``CACHE_URL``: Redis (Django's own backend, the
    ``redis`` client) for an address, the local memory of the process when empty."""
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if url.split("://", 1)[0] not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(
            f"CACHE_URL must be a redis://, rediss:// or unix:// address, not {url!r}"
        )
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "lienhe213",
    }


# Off unless the development commands (make run, make test) turn it on: a deployment
# that forgets the variable fails closed.
DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if (
    SECRET_KEY
    and not DEBUG
    and (
        len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure")
    )
):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters when "
        "DJANGO_DEBUG is off (python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
    )
if DEBUG and not SECRET_KEY:
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
# Without DEBUG and without a key, SECRET_KEY stays empty: commands that sign nothing
# (migrate, makemigrations, check) run, and Django refuses everything that would sign
# with it; the application server refuses to start (wsgi.py).

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "csp",
    "template_partials",
    "rest_framework",
    "rest_framework.authtoken",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "lienhe213.core",
    "lienhe213.accounts",
    "lienhe213.organizations",
    "lienhe213.members",
    "lienhe213.registry",
    "lienhe213.meetings",
    "lienhe213.notices",
    "lienhe213.comments",
    "lienhe213.reminders",
    "lienhe213.documents",
    "lienhe213.reports",
    "lienhe213.imports",
    "lienhe213.feedback",
    "lienhe213.guidance",
    "lienhe213.training",
    "lienhe213.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lienhe213.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lienhe213.core.middleware.RequestContextMiddleware",
    "lienhe213.accounts.middleware.SessionLimitsMiddleware",
    "lienhe213.accounts.middleware.SecondFactorMiddleware",
    "lienhe213.accounts.middleware.PasswordChangeRequiredMiddleware",
    "lienhe213.accounts.middleware.ExportAuditMiddleware",
    "lienhe213.core.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "lienhe213.urls"
WSGI_APPLICATION = "lienhe213.wsgi.application"

# Form widgets render through the project's templates, so that templates/django/forms/
# can override Django's (the select writes its options inline: a long list renders
# several times faster).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lienhe213.accounts.context_processors.navigation",
            ],
            "builtins": ["lienhe213.core.templatetags.display"],
        },
    }
]

CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", "").strip())}

DEFAULT_DB = f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
if "DATABASE_URL" not in os.environ:
    (BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_DB),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and a worker share the file;
    # "IMMEDIATE" transactions make select_for_update-style writers queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # Several test runs may share one server (developers, CI on both databases):
    # give each run its own test database.
    DATABASES["default"]["TEST"] = {
        "NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}",
    }
    # No JIT compilation: the pages' queries are short, and a plan whose estimate is
    # large (a province's members walked in name order) paid 0.5-1 s compiling a
    # query that then ran in 0.1-0.3 s. work_mem 32 MB: a subtree's member ids (a
    # province of the nation: 283,000) are hashed once instead of searched again for
    # every link, which made the province's report run for many minutes (ADR 0021).
    # DATABASE_URL's own options come after these and win.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = " ".join(
        filter(None, ["-c jit=off -c work_mem=32MB", options.get("options", "")])
    )
# PostgreSQL keeps psycopg's default client-side binding: server-side prepared
# statements turned LIKE searches into slow generic plans (docs/performance.md).

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Usernames looked up normalised, locked usernames refused (accounts/backends.py).
AUTHENTICATION_BACKENDS = ["lienhe213.accounts.backends.UsernameBackend"]
# The lockout of a username after wrong passwords from any address; accounts/throttles.py.
LOCKOUT_AFTER = int(os.environ.get("LIENHE213_LOCKOUT_AFTER", "20"))
LOCKOUT_WINDOW = int(os.environ.get("LIENHE213_LOCKOUT_WINDOW", "900"))
LOCKOUT_SECONDS = int(os.environ.get("LIENHE213_LOCKOUT_SECONDS", "60"))
LOCKOUT_MAX_SECONDS = int(os.environ.get("LIENHE213_LOCKOUT_MAX_SECONDS", "3600"))
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "lienhe213" / "locale"]
FORMAT_MODULE_PATH = ["lienhe213.formats"]
TIME_ZONE = os.environ.get("LIENHE213_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS: on by default in production (DJANGO_DEBUG=0). Behind a TLS-terminating proxy,
# name the header it sets (LIENHE213_PROXY_SSL_HEADER=X-Forwarded-Proto) so Django
# knows the request came in over HTTPS; LIENHE213_HTTPS=0 only for a closed network.
HTTPS = env_bool("LIENHE213_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("LIENHE213_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool("LIENHE213_HSTS_PRELOAD", True)
_PROXY_SSL_HEADER = os.environ.get("LIENHE213_PROXY_SSL_HEADER", "").strip()
if _PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"),
        "https",
    )
# Content Security Policy (django-csp): scripts and styles from this site only (htmx is
# served from our static files); the inline style attributes of a few report bars are
# the one exception. No frames, no plugins, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST or not DEBUG
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = EMAIL_HOST or "localhost"
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "lienhe213@localhost")

# Background work (ADR 0006): run_due enqueues the e-mail digests; ``manage.py
# db_worker`` runs them from the database queue. "immediate" runs them in place.
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS[os.environ.get("TASKS_BACKEND", "database")],
        "QUEUES": ["default"],
    }
}
# A batch that says it is running but has not saved progress for this long was abandoned
# by its worker; run_due fails it (core.leases).
TASK_LEASE_MINUTES = int(os.environ.get("LIENHE213_TASK_LEASE", "10"))
# Keep the X-Request-ID of a proxy in front that sets it on every request (and removes a
# client's own); off, every request gets a new id.
TRUST_REQUEST_ID = env_bool("LIENHE213_TRUST_REQUEST_ID", False)
SITE_URL = os.environ.get("LIENHE213_SITE_URL", "http://localhost:8000").rstrip("/")
DIGEST_HOUR = int(os.environ.get("LIENHE213_DIGEST_HOUR", "6"))


def retention_years(name: str, default: int) -> int:
    """Years a retention policy keeps a kind of record (members.retention): a whole
    number, 1 or more (0 would erase what was written today)."""
    value = os.environ.get(name, str(default)).strip()
    if not value.isdigit() or int(value) < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number of years, 1 or more.")
    return int(value)


# Personal data retention (Law 91/2025/QH15): manage.py apply_retention, from cron.
RETAIN_FORMER_MEMBERS_YEARS = retention_years("LIENHE213_RETAIN_FORMER_MEMBERS_YEARS", 5)
RETAIN_PHONE_YEARS = retention_years("LIENHE213_RETAIN_PHONE_YEARS", 2)
RETAIN_AUDIT_YEARS = retention_years("LIENHE213_RETAIN_AUDIT_YEARS", 5)

# Residents' feedback (lienhe213/feedback, ADR 0014): working days the cell has to match
# or close a report before run_due escalates it to the commune; months after a report
# closed when run_due erases the resident's phone number; the fewest seconds between
# opening the public form and sending it (faster is a robot), and the longest.
FEEDBACK_WORKING_DAYS = int(os.environ.get("LIENHE213_FEEDBACK_WORKING_DAYS", "10"))
FEEDBACK_PHONE_RETENTION_MONTHS = int(
    os.environ.get("LIENHE213_FEEDBACK_PHONE_RETENTION_MONTHS", "12")
)
FEEDBACK_MIN_SECONDS = int(os.environ.get("LIENHE213_FEEDBACK_MIN_SECONDS", "4"))
FEEDBACK_MAX_FORM_HOURS = 24
# The largest body the public form accepts, in bytes (its fields hold about 2,400
# characters; Vietnamese letters take up to 3 bytes each once encoded).
FEEDBACK_MAX_BYTES = 16 * 1024

# Training sessions (ADR 0015): materials are PDF or DOCX files up to this size, stored
# through Django's storage under MEDIA_ROOT (never served as public media: a view checks
# access and streams them).
TRAINING_MAX_UPLOAD_MB = int(os.environ.get("LIENHE213_TRAINING_MAX_UPLOAD_MB", "10"))
MEDIA_ROOT = Path(os.environ.get("LIENHE213_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "lienhe213.accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "lienhe213.accounts.authentication.PasswordChanged",
        "lienhe213.accounts.authentication.SecondFactorDone",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "lienhe213.core.api.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "lienhe213.core.api.exception_handler",
    # Attempts to log in (the API's token endpoint, the login form), per client address
    # and username, counted in Django's cache (per process unless CACHE_URL names a
    # shared one); accounts/throttles.py.
    "DEFAULT_THROTTLE_RATES": {
        "auth-token": os.environ.get("LIENHE213_TOKEN_RATE", "10/min"),
        "login": os.environ.get("LIENHE213_LOGIN_RATE", "10/min"),
        "password-reset": os.environ.get("LIENHE213_RESET_RATE", "5/hour"),
        # Residents' public page (feedback/throttles.py): reports sent per client
        # address, reports received per cell, receipt look-ups per client address.
        "feedback-address": os.environ.get("LIENHE213_FEEDBACK_ADDRESS_RATE", "10/hour"),
        "feedback-cell": os.environ.get("LIENHE213_FEEDBACK_CELL_RATE", "60/day"),
        "feedback-status": os.environ.get("LIENHE213_FEEDBACK_STATUS_RATE", "20/hour"),
    },
}
# Accounts and sessions (accounts/authentication.py, accounts/middleware.py):
#   LIENHE213_TOKEN_HOURS    an API token's lifetime from its creation (default 12);
#                            logging out and a password change delete it earlier
#   LIENHE213_SESSION_HOURS  a signed-in session's longest life (default 8)
#   LIENHE213_IDLE_MINUTES   logged out after this long without a request (default 30)
#   LIENHE213_RESET_RATE     password reset requests per e-mail address (default 5/hour)
#   LIENHE213_RESET_HOURS    how long a reset link works, once (default 2)
TOKEN_HOURS = int(os.environ.get("LIENHE213_TOKEN_HOURS", "12"))
SESSION_COOKIE_AGE = int(os.environ.get("LIENHE213_SESSION_HOURS", "8")) * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
IDLE_MINUTES = int(os.environ.get("LIENHE213_IDLE_MINUTES", "30"))
# Two-factor sign-in (an authenticator app, with recovery codes): required for every
# committee role and administrators when LIENHE213_TWO_FACTOR is "required" (the default
# without DEBUG), optional for all when "optional" (the default of the development
# server and the demo). Members may always turn it on for themselves.
_TWO_FACTOR = os.environ.get("LIENHE213_TWO_FACTOR", "optional" if DEBUG else "required")
if _TWO_FACTOR not in {"required", "optional"}:
    raise ImproperlyConfigured('LIENHE213_TWO_FACTOR must be "required" or "optional".')
TWO_FACTOR_REQUIRED = _TWO_FACTOR == "required"
# The name the authenticator app shows beside the account.
OTP_TOTP_ISSUER = os.environ.get("LIENHE213_TOTP_ISSUER", "Liên hệ 213")
PASSWORD_RESET_TIMEOUT = int(os.environ.get("LIENHE213_RESET_HOURS", "2")) * 60 * 60

SPECTACULAR_SETTINGS = {
    "TITLE": "lienhe213 API",
    "DESCRIPTION": "Regulation 213-QĐ/TW: members, organizations and their residence links.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
