"""Settings for trialsite, read from the environment.

Development defaults (DEBUG on, a SQLite file) let a fresh checkout run at once;
production sets DEBUG=False, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    value = os.environ.get(name, default)
    if value not in ("True", "False"):
        raise ValueError(f"{name} must be True or False, not {value!r}")
    return value == "True"


def envint(name, default):
    return int(os.environ.get(name, default))


DEBUG = envbool("DEBUG", "True")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is False")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "screening",
]

MIDDLEWARE = [
    # First, so a database outage anywhere below answers 503 (screening/middleware.py).
    "screening.access.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: pages and downloads, not static files (screening/middleware.py).
    "screening.access.middleware.PrivatePagesMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the cookie or Accept-Language; a signed-in user's own choice below.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, the first reader of the post: a post over a limit gets its page back (screening/post_limits.py).
    "screening.access.post_limits.PostLimitsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # The signed-in user's saved language beats the cookie and Accept-Language (screening/access/language.py).
    "screening.access.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A password set by an administrator, or expired: nothing but the change page until it is changed.
    "screening.access.passwords.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "trialsite.urls"
WSGI_APPLICATION = "trialsite.wsgi.application"

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
                "screening.access.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and envbool("DATABASE_PREPARED_STATEMENTS", "True"):
    # Parameters bound by the server, and queries run five times prepared once per
    # connection: ≈ 15–20 % more requests per second in the load test
    # (docs/performance.md). Set DATABASE_PREPARED_STATEMENTS=False behind a
    # connection pooler in transaction mode, which cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` serves pages and runs the import worker on one SQLite file: pages
    # read while the worker writes (WAL); a writer takes the lock when its
    # transaction begins (not half-way, where SQLite refuses at once) and waits up
    # to 20 s for the other to commit.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"})

# Background jobs (imports) in the database, run by `manage.py db_worker`
# (django-tasks-db; Django 6 has the same API as django.tasks).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A running import commits a record (and its heartbeat) every few milliseconds; one
# silent for this long stopped with its worker and is marked failed (screening.exchange.jobs).
IMPORT_STALE_SECONDS = envint("IMPORT_STALE_SECONDS", 60)
# The owner of the tables, for `manage.py migrate` only (screening/management/commands/migrate.py):
# DATABASE_URL then names the application's role, which owns nothing (README, "Deploying").
MIGRATE_DATABASE_URL = os.environ.get("MIGRATE_DATABASE_URL", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The hash chain of the audit trail (docs/audit-trail.md): where `manage.py anchor_audit`
# appends the head of every stream, and how far a row's own time may lie before the
# start of the transaction that wrote it (clock skew between the servers) before
# verify_audit calls it back-dated.
AUDIT_ANCHOR_FILE = os.environ.get("AUDIT_ANCHOR_FILE", str(BASE_DIR / "audit-anchors.log"))
AUDIT_CLOCK_TOLERANCE = envint("AUDIT_CLOCK_TOLERANCE", 300)  # seconds

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out users before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # None of the account's last five passwords; records every new one (screening/access/passwords.py).
    {"NAME": "screening.access.passwords.RecentPasswordValidator", "OPTIONS": {"count": 5}},
]
# A password older than this many days must be changed at the next login (0: no expiry).
TRIALSITE_PASSWORD_MAX_AGE_DAYS = envint("TRIALSITE_PASSWORD_MAX_AGE_DAYS", 0)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failed logins (django-axes), per user name.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Lock per user name, not per address: hospital staff share NAT addresses, and
# an IP lockout would lock a whole ward out at once.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Sessions expire after 30 minutes of inactivity and with the browser.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# The largest section page (systemic sclerosis: 500 rows of each of its two tables,
# screening.crf.forms.MAX_ROWS) posts about 14,550 fields; Django's default of 1,000
# refused a labs page of about 110 rows. tests/test_post_limits.py checks every section
# against this bound. A post over it, or over DATA_UPLOAD_MAX_MEMORY_SIZE (Django's
# 2.5 MB; a full page is under 1 MB), gets its page back with a message.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 15_000

LANGUAGE_CODE = "en-gb"
# The interface in English or Simplified Chinese (issue 20, docs/i18n.md): the user's saved
# choice, else Accept-Language, else English. What is stored stays language-neutral (codes).
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "trialsite_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = not DEBUG
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# Dates in text are YYYY-MM-DD whatever the language (trialsite/formats/); times on
# pages are in the site's zone through screening/display.py, never the active zone.
FORMAT_MODULE_PATH = ["trialsite.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Inputs and selects written in Python, the same HTML as Django's widget templates.
FORM_RENDERER = "screening.crf.widgets.WidgetRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
CRISPY_FAIL_SILENTLY = not DEBUG

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = True
SIMPLE_HISTORY_REVERT_DISABLED = True

# Production hardening; `manage.py check --deploy` is clean when DEBUG=False.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", str(not DEBUG))
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = 0 if DEBUG else envint("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts, styles, images and fonts from this site only;
# no inline script and no inline style (templates have neither: tests/test_headers.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
X_FRAME_OPTIONS = "DENY"
if os.environ.get("SECURE_PROXY_SSL_HEADER") == "True":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"forbidden_without_traceback": {"()": "django.utils.log.CallbackFilter",
                                                "callback": "ext://screening.access.log_filters.forbidden_without_traceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own console handler (DEBUG only) printed every django.* record a
        # second time through the root's; Django's records go to the root alone.
        # (Its mail_admins handler goes too: ADMINS is not set, so it mailed no one.)
        "django": {"handlers": [], "level": LOG_LEVEL},
        "django.request": {"filters": ["forbidden_without_traceback"]},
    },
}
