"""Huanjie settings: every value comes from the environment (django-environ).

`.env.example` documents each variable. With nothing set, the project runs embedded: SQLite in the
project folder, Celery tasks executed eagerly, a local-memory cache. With `DATABASE_URL` and `REDIS_URL`
set it runs against PostgreSQL and Redis, as in CI and production.
"""

import os
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# The key signs sessions, CSRF tokens and password-reset links, so with DEBUG off there is no default: the
# app refuses to start rather than run on a key that is in the repository. The embedded run (DEBUG=1) gets
# the development key. pytest (>= 8.2) marks its own session with PYTEST_VERSION: the suite runs with DEBUG
# off, as production does, and gets a throwaway key of its own.
DEVELOPMENT_SECRET_KEY = "django-insecure-huanjie-development-only-key"
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
elif not SECRET_KEY and os.environ.get("PYTEST_VERSION"):
    SECRET_KEY = "django-insecure-huanjie-test-suite-only-key"
elif not DEBUG and SECRET_KEY in ("", DEVELOPMENT_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY is not set (or is the development key) while DEBUG is off. Set SECRET_KEY in the "
        "environment or in .env to a long random string, e.g. the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`; for a development run set DEBUG=1."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_filters",
    "django_htmx",
    "import_export",
    "auditlog",
    "accounts",
    "trail",
    "elections",
    "voters",
    "candidates",
    "ballots",
    "audits",
    "risk",
    "lifecycle",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The two policy headers first, so that every response (static files and error pages too) carries them.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # NUL and control characters in a query string or form field: 400 before any filter or form sees them.
    "accounts.middleware.RefuseControlCharactersMiddleware",
    # An empty 405 (require_POST and friends) gets the Chinese page.
    "accounts.middleware.MethodNotAllowedPageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Axes goes last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "accounts.context_processors.navigation",
                "demo.context_processors.demo_loading",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The demo's rolls load in a process of their own while the pages answer (demo.rolls): WAL lets the
    # pages read during its writes; IMMEDIATE takes the write lock at BEGIN, so that a transaction that
    # reads and then writes (a login) waits its turn within the timeout instead of failing as locked.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["timeout"] = 20
    options.setdefault("transaction_mode", "IMMEDIATE")
    options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # The table of accounts.permissions as permissions: user.has_perm("ballots.enter_tally", election).
    "rules.permissions.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions: an office computer is often shared, so a session ends with the browser and after
# SESSION_COOKIE_AGE seconds (default 8 hours, one working day) at the latest.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)

# Failed-login lockout (django-axes with accounts.lockout's handler), two locks:
# - the account: AXES_FAILURE_LIMIT failures for one username, from whatever addresses;
# - the address: LOGIN_ADDRESS_FAILURE_LIMIT failures from one address across all usernames (password
#   spraying). Township offices share one NAT address, so this limit is well above the account's and one
#   office's typos do not lock it.
# Failures count within AXES_COOLOFF_HOURS; a lock ends that long after the last counted failure (attempts
# made while locked are not counted and do not prolong it), or at once when the administrator unlocks
# (the user admin's "unlock" action, the axes admin's access attempts, `manage.py axes_reset_username`).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "accounts.lockout.AccountAndAddressHandler"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0)
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="huanjie"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: a real broker when REDIS_URL is set; otherwise tasks run eagerly in the calling process
# (the embedded `make run` and a quick `make test`).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker child that grew past this (KiB) is replaced after its task; the Procfile adds the OS limit.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=1_000_000)
CELERY_TIMEZONE = TIME_ZONE
# Periodic work (the Monday risk recompute, daily reminders) is added here by the apps that own it.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # The to-do lists: steps due within the cycle's window or overdue, recomputed per county at dawn.
    "workflow-daily-reminders": {
        "task": "lifecycle.tasks.refresh_all_reminders",
        "schedule": crontab(hour=5, minute=30),
    },
    # Pending trail entries left by writers whose after-commit seal found the lock taken (TRAIL_SEAL);
    # a run that waited longer than the period is dropped (the next one seals the same entries).
    "trail-seal": {
        "task": "trail.tasks.seal_trail",
        "schedule": env.float("TRAIL_SEAL_SECONDS", default=5.0),
        "options": {"expires": env.float("TRAIL_SEAL_SECONDS", default=5.0)},
    },
    # The trail's chain head, written each night where the database superuser cannot rewrite it.
    "trail-daily-anchor": {
        "task": "trail.tasks.anchor_trail",
        "schedule": crontab(hour=0, minute=15),
    },
    # Uploaded rolls hold full ID numbers: failed and abandoned ones are deleted once their days are up.
    "voters-purge-roll-uploads": {
        "task": "voters.tasks.purge_roll_uploads",
        "schedule": crontab(minute=20),
    },
    # Finished exports hold personal data: their files are deleted once their day is up.
    "elections-purge-export-jobs": {
        "task": "elections.tasks.purge_export_jobs",
        "schedule": crontab(minute=40),
    },
    # DOMAIN.md: the three-colour rating is recomputed every Monday (crontab in CELERY_TIMEZONE).
    "risk-weekly-recompute": {
        "task": "risk.tasks.recompute_week",
        "schedule": crontab(minute=0, hour=env.int("RISK_RECOMPUTE_HOUR", default=5), day_of_week="mon"),
    },
}

# Production hardening: on by default whenever DEBUG is off; an office behind a TLS-terminating
# reverse proxy sets SECURE_PROXY_SSL_HEADER_ENABLED.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# CSRF failures get a Chinese page that says what to do (reload the form, allow cookies).
CSRF_FAILURE_VIEW = "accounts.views.csrf_failure"

# Content-Security-Policy (django-csp): scripts, styles, fonts and images only from the site itself, where
# the vendored htmx and ECharts live; no inline script, no inline style element or attribute, no eval
# (htmx is configured not to use it, see base.html). Templates use static/css and static/js instead.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for the images ECharts builds in memory (an image cannot run script).
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (django-permissions-policy): the app uses none of these browser features.
PERMISSIONS_POLICY = dict.fromkeys(
    [
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ],
    [],
)
if env.bool("SECURE_PROXY_SSL_HEADER_ENABLED", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Roles that may see and export unmasked resident ID numbers (sensitive personal information); the
# others see 330702********1234. Provinces differ, so it is a setting.
# Joint-review departments are in by default: each checks its own registers (household, criminal, court,
# credit records) by the citizen ID number, where a name with a masked number is ambiguous, and a
# department sees only the nominees its own unit was asked to review (issue 12, "masking everywhere").
ID_NUMBER_FULL_ROLES = env.list("ID_NUMBER_FULL_ROLES", default=["township", "department"])

# Uploads: a 100,000-row roll is ~10 MB; larger files are refused before they reach the importer.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
# Roll files are measured from their XML before the spreadsheet library builds a grid: more columns or
# rows than these, or a grid estimated above ROLL_GRID_BUDGET_MB, is refused with a message.
ROLL_MAX_COLUMNS = env.int("ROLL_MAX_COLUMNS", default=50)
ROLL_MAX_ROWS = env.int("ROLL_MAX_ROWS", default=200_000)
ROLL_GRID_BUDGET_MB = env.int("ROLL_GRID_BUDGET_MB", default=256)
# Uploaded rolls hold full ID numbers: deleted when their job ends, failed ones after this many days.
ROLL_UPLOAD_KEEP_FAILED_DAYS = env.int("ROLL_UPLOAD_KEEP_FAILED_DAYS", default=7)
# An Excel export of more rows than this is written by a Celery worker, with a progress page and a
# download for the person who asked (elections.exports); a smaller one is the response itself.
EXPORT_BACKGROUND_ROWS = env.int("EXPORT_BACKGROUND_ROWS", default=5000)
# Documents attached to a workflow step (notices, minutes, signed lists): at most this many megabytes.
STEP_DOCUMENT_MAX_MB = env.int("STEP_DOCUMENT_MAX_MB", default=20)

# The weekly rating raises a village's red flag (which holds up its election work, elections.permits)
# only while its election has not started: DOMAIN.md "不销号、不撤组、不启动换届" keeps a red village from
# starting. A village rated red after it started stays on the map and in the county's attention, and
# the county may postpone it (暂缓换届); a province that halts started elections too adds their stages.
RISK_RED_FLAG_STAGES = env.list("RISK_RED_FLAG_STAGES", default=["preparation", "postponed"])

# The trail's anchors: the chain head (entry number and hash) appended each day and at each milestone to
# a file the database superuser cannot rewrite (another machine's mount in production), and optionally
# mailed to the county (TRAIL_ANCHOR_EMAILS).
TRAIL_ANCHOR_FILE = env.path("TRAIL_ANCHOR_FILE", default=BASE_DIR / "var" / "trail-anchors.log")
TRAIL_ANCHOR_EMAILS = env.list("TRAIL_ANCHOR_EMAILS", default=[])
# How a traced write reaches the chain (trail.services): "deferred" inserts a pending entry without any
# lock and the sealer chains it (after the commit, every TRAIL_SEAL_SECONDS from beat, before
# verify_trail); "inline" chains it in the writer's transaction under the chain lock. Deferred by
# default on PostgreSQL, where many writers run at once; inline on the embedded SQLite (one writer).
TRAIL_SEAL = env(
    "TRAIL_SEAL",
    default="inline" if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else "deferred",
)
if TRAIL_SEAL not in ("deferred", "inline"):
    raise ImproperlyConfigured('TRAIL_SEAL must be "deferred" or "inline"')
TRAIL_SEAL_SECONDS = CELERY_BEAT_SCHEDULE["trail-seal"]["schedule"]
# A writer seals after its commit at most this often per process (the others leave it to that one).
TRAIL_SEAL_AFTER_COMMIT_SECONDS = env.float("TRAIL_SEAL_AFTER_COMMIT_SECONDS", default=0.2)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
