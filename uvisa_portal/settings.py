"""Settings for the certification portal.

One file, read from the environment (django-environ). Every variable is documented in
`.env.example`. Production behaviour is switched by variables, never by a second settings file.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute base URL used in e-mails, which carry a link and never victim data.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "simple_history",
    "uvisa_portal",
    "accounts",
    "agencies",
    "certifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the cookie the selector sets, else Accept-Language, else English.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's language is the one saved on the account, if any.
    "accounts.middleware.AccountLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # No camera, microphone, location, payment... for the portal or anything it embeds.
    "uvisa_portal.middleware.PermissionsPolicyMiddleware",
    # ASVS 3.3, CJIS 5.5.5-5.5.6, ASVS 2.x: session limits, MFA enrolment, no-store.
    "accounts.middleware.SessionLimitsMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
    # Two-person rule: an account waiting for approval of its role sees only the waiting page.
    "accounts.middleware.PendingApprovalMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    # OWASP ASVS 5.1.3: a control character in a GET parameter is a 400, never a 500
    # (after the session limits and no-store, so its page gets the same headers as any).
    "uvisa_portal.middleware.RejectControlCharactersMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "uvisa_portal.urls"
WSGI_APPLICATION = "uvisa_portal.wsgi.application"

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
                "accounts.context_processors.portal",
                "certifications.context_processors.notifications",
            ],
        },
    },
    # Plain text (e-mail subjects and bodies): no HTML escaping, so "Sheriff's Office & Jail"
    # reads as written, not "Sheriff&#x27;s Office &amp; Jail". Django's documented switch
    # for non-HTML output is this backend option; its templates live apart under
    # templates/text/, so no HTML page can ever be rendered by it.
    {
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates" / "text"],
        "APP_DIRS": False,
        "OPTIONS": {"autoescape": False},
    },
]

# --- Database -------------------------------------------------------------------------------
# A variable set to nothing (`DATABASE_URL= make run`) means "not set": the embedded defaults.
for _name in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"):
    if os.environ.get(_name) == "":
        del os.environ[_name]
# Embedded default: a SQLite file under var/. Production and CI: PostgreSQL via DATABASE_URL,
# directly or through PgBouncer in transaction mode.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file (not in-memory) test database, so a real Celery worker process can share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL and a busy timeout let the web process, worker and beat write without "database locked".
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    # Seconds a connection is kept for the next request. Through PgBouncer in transaction mode
    # the server connection goes back to the pool after every transaction whatever this is,
    # so 0 (or a few seconds) is enough there.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PgBouncer in transaction mode may hand each transaction a different server connection,
    # and a server-side cursor (what `.iterator()` opens) lives on one connection beyond its
    # transaction (Django's "Transaction pooling and server-side cursors"). Always off, so the
    # portal runs the same directly and through the pooler.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# Sign-in keeps its counters and one-time state here (allauth's rate limits, the TOTP codes
# already used), so every web process must share it: Redis in production and CI (CACHE_URL,
# a Redis server of its own, not the broker's). Embedded default: each process's memory, which
# is right for one process only.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# An entry stored without its own timeout is gone within a minute, so nothing a user sees is
# older than that; what must live longer (a rate-limit window) sets its own timeout.
CACHES["default"].setdefault("TIMEOUT", 60)
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A Redis that does not answer fails the request in seconds instead of holding a web
    # worker until gunicorn kills it (a query string in CACHE_URL overrides these).
    CACHES["default"].setdefault("OPTIONS", {})
    CACHES["default"]["OPTIONS"].setdefault("socket_connect_timeout", 2)
    CACHES["default"]["OPTIONS"].setdefault("socket_timeout", 2)

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, as django-axes requires: refuses locked-out credentials before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "accounts.adapters.PortalAccountAdapter"
ACCOUNT_PREVENT_ENUMERATION = True
# A reset request for an address without an account answers the same page and mails nobody
# (ASVS 2.5.x): the portal does not write to strangers, nor confirm who has an account.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="MN Certification Portal")

MFA_ADAPTER = "accounts.adapters.PortalMFAAdapter"
# Accept the code of the neighbouring 30-second step too (RFC 6238 section 5.2: clock drift and
# the time it takes to type).
MFA_TOTP_TOLERANCE = 1
# Recovery codes are the fallback when the phone is lost (ASVS 2.6).
MFA_RECOVERY_CODE_COUNT = 10
# Adding, removing or regenerating a factor asks for the password or a code first (ASVS 2.8.x,
# 3.7.1); allauth's default, stated so it is not lost.
MFA_REAUTHENTICATION_REQUIRED = True
# Wrong codes per sign-in before it ends and counts as a failed sign-in (ASVS 2.8; CJIS 5.5.3).
MFA_CODE_ATTEMPTS = env.int("MFA_CODE_ATTEMPTS", default=5)

# CJIS 5.5.3 / ASVS 2.2.1: lock sign-in after 5 failures. The lock applies to the e-mail
# address typed, whether or not an account has it, so it reveals nothing about accounts.
# django-axes is the one lockout (allauth's own 5-per-5-minutes limit would answer first, with
# a shorter pause and another message).
ACCOUNT_RATE_LIMITS = {"login_failed": None}
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
# The account alone, from any addresses: a higher threshold, so a stranger who knows a user's
# address cannot lock them out with a handful of tries (accounts/security.py).
AXES_ACCOUNT_FAILURE_LIMIT = env.int("AXES_ACCOUNT_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# Keyed on the client address (every address typed from it: password spraying, and so also
# one account from that address) at AXES_FAILURE_LIMIT, and on the account alone at
# AXES_ACCOUNT_FAILURE_LIMIT. Never on the User-Agent, which the client chooses: a lock caused
# from one address does not stop the account from an address that has not failed.
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_HANDLER = "accounts.security.PortalAxesHandler"
AXES_CLIENT_IP_CALLABLE = "accounts.security.axes_client_ip"
AXES_USERNAME_CALLABLE = "accounts.security.axes_username"
AXES_RESET_ON_SUCCESS = True
# The pause runs from the lockout; a locked-out attempt is answered with the lockout page.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_VERBOSE = False
# The portal logs the failure itself (audit trail); axes keeps only its counters.
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# ASVS 3.3.1-3.3.2 / CJIS 5.5.5: 30 minutes idle, 12 hours in all, whatever the activity.
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# OWASP ASVS 2.1: length and a common-password list, no composition rules.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- Internationalisation -------------------------------------------------------------------
# The portal's languages: English, then Minnesota's most spoken languages after it (Spanish,
# Somali, Hmong, Vietnamese), each named in itself for the selector. Django ships no locale data
# for Somali or Hmong: uvisa_portal/languages.py adds their LANG_INFO, uvisa_portal/formats/
# their date formats, and locale/ the month and day names (uvisa_portal/locale_dates.py).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("so", "Soomaali"),
    ("hmn", "Hmoob"),
    ("vi", "Tiếng Việt"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["uvisa_portal.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="America/Chicago")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded evidence lives outside the web root and is only served by access-checked views.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Never routed by the portal's URLs: files are streamed by access-checked views only. (Django's
# test live server mounts MEDIA_URL; production serves nothing there.)
MEDIA_URL = "/_media-not-served/"
STORAGES = {
    # Every file the portal stores is encrypted whole with the key ring (uvisa_portal.storage).
    "default": {
        "BACKEND": "uvisa_portal.storage.EncryptedFileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": MEDIA_URL},
    },
    "staticfiles": {
        # Hashed, compressed files in production (run collectstatic); plain in development
        # and tests, which serve straight from the apps' static folders.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
FILE_UPLOAD_PERMISSIONS = 0o600
# Encryption at rest of victim fields, TOTP secrets and every stored file (uvisa_portal.crypto):
# Fernet keys, comma-separated, newest first; from the environment only, never the database
# (CJIS 5.10.1.2). Without them, DEBUG derives a development key from SECRET_KEY, and the
# deploy check fails.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
FIELD_ENCRYPTION_DEV_KEY_ALLOWED = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# OWASP ASVS 12.1.2: compressed content is checked against a ceiling on its uncompressed size.
# The total of every decoded PDF stream (text, fonts, Flate images, object streams): ten times
# the largest upload, enough for print-to-PDF output and scans (whose JPEG, JBIG2 and CCITT
# images stay compressed and are bounded by their pixel count instead), far below what would
# exhaust a web worker's memory.
UPLOAD_MAX_INFLATED_BYTES = env.int("UPLOAD_MAX_INFLATED_BYTES", default=100 * 1024 * 1024)
# Virus scanning (CJIS 5.10.4.2 malicious code protection): when set, every upload is sent to
# clamd (a unix socket path, or tcp host:port) before it is stored, and refused if clamd cannot
# answer. Empty: uploads are not scanned.
CLAMD_SOCKET = env.str("CLAMD_SOCKET", default="")
CLAMD_TIMEOUT = env.float("CLAMD_TIMEOUT", default=30.0)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Widgets render through the project's templates, so templates/django/forms/widgets/ can give
# every text box and textarea dir="auto" (right-to-left typing, bidi controls kept inside).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="certification-portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_REPLY_TO = env.list("EMAIL_REPLY_TO", default=[])

# --- Security headers and cookies -----------------------------------------------------------
# How many reverse proxies in front of the portal append to X-Forwarded-For (and set
# X-Forwarded-Proto): 0 when clients connect directly. The client's address is decided by
# accounts.security.client_ip from it; anything a client adds itself is never trusted.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT > 0:
    # Only a trusted proxy, which overwrites the header, may say the client used HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# ASVS 9.1.1: HTTPS only, on by default whenever DEBUG is off; turned off explicitly
# (SECURE_SSL_REDIRECT=0) by the tests and the benchmark, which speak plain HTTP.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The container health check speaks plain HTTP to the process itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Every powerful browser feature off: the portal uses none (uvisa_portal/middleware.py).
PERMISSIONS_POLICY_DISABLED = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Content Security Policy (django-csp 4): no inline scripts or styles anywhere; the TOTP QR
# code is a data: image. frame-ancestors 'none' matches X_FRAME_OPTIONS = DENY.
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
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Celery ---------------------------------------------------------------------------------
# Embedded default: kombu's SQLAlchemy transport over a SQLite file, so `make run` needs no
# server. Production and CI: Redis.
CELERY_BROKER_URL = env.str(
    "CELERY_BROKER_URL", default=f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
)
CELERY_RESULT_BACKEND = env.str(
    "CELERY_RESULT_BACKEND",
    default=(
        CELERY_BROKER_URL
        if CELERY_BROKER_URL.startswith("redis")
        else f"db+sqlite:///{VAR_DIR / 'celery-results.sqlite3'}"
    ),
)
# Results are stored only for the tasks something waits for (the heartbeat, the worker tests):
# every other task is fire and forget, so publishing never touches the result backend.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = timedelta(days=1)
# A task is acknowledged after it ran, so a worker that dies mid-task leaves it to be redelivered;
# every task is written to be harmless when it runs twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing gives up quickly when the broker is down or hangs: a web request waits about
# CELERY_BROKER_TIMEOUT seconds at most, and the outbox sweep does the work later. The
# socket timeouts are Redis's (kombu's SQLAlchemy transport hands its options to
# SQLAlchemy's create_engine, which refuses them; a local SQLite file does not hang anyway).
CELERY_BROKER_TIMEOUT = env.float("CELERY_BROKER_TIMEOUT", default=1.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "socket_connect_timeout": CELERY_BROKER_TIMEOUT,
        "socket_timeout": CELERY_BROKER_TIMEOUT,
    }
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Static schedule (times in America/Chicago). Each task is idempotent: a second beat or a
# retried run sends nothing twice.
# How often the outbox sweep sends e-mails still unsent (broker down, worker died).
NOTIFICATIONS_SWEEP_SECONDS = env.int("NOTIFICATIONS_SWEEP_SECONDS", default=300)
# Rows handled per batch by every sweep (bounded queries per batch, not per request).
NOTIFICATIONS_BATCH_SIZE = env.int("NOTIFICATIONS_BATCH_SIZE", default=500)
# E-mails claimed by one sender at a time: a few dozen, each marked sent the moment the mail
# server accepts it, so a slow server or a stopped worker holds back a few dozen at most.
NOTIFICATIONS_CLAIM_SIZE = env.int("NOTIFICATIONS_CLAIM_SIZE", default=25)
# A claim not renewed for this long is abandoned (its worker was killed) and taken again;
# renewed after every message, so it only needs to outlast one message (EMAIL_TIMEOUT).
NOTIFICATIONS_CLAIM_LEASE_SECONDS = env.int("NOTIFICATIONS_CLAIM_LEASE_SECONDS", default=120)
# Failed e-mails are retried after 1, 2, 4 ... minutes, then every hour, for three days from
# the first failure; then the notice is "dead": /healthz says "degraded" and the
# administrators' outbox page lists it with the server's reply, to retry once fixed.
NOTIFICATIONS_RETRY_BASE_SECONDS = env.int("NOTIFICATIONS_RETRY_BASE_SECONDS", default=60)
NOTIFICATIONS_RETRY_MAX_SECONDS = env.int("NOTIFICATIONS_RETRY_MAX_SECONDS", default=3600)
NOTIFICATIONS_RETRY_FOR_SECONDS = env.int("NOTIFICATIONS_RETRY_FOR_SECONDS", default=3 * 86400)
# The outbox sweep's soft time limit; it stops claiming at half of it, so it ends in time.
NOTIFICATIONS_SWEEP_SOFT_TIME_LIMIT = env.int("NOTIFICATIONS_SWEEP_SOFT_TIME_LIMIT", default=240)
# The bell's unread count is kept in the session this long; the notifications page and
# marking notifications read always count again (certifications/context_processors.py).
NOTIFICATIONS_BADGE_MAX_AGE_SECONDS = env.int("NOTIFICATIONS_BADGE_MAX_AGE_SECONDS", default=60)
# The statistics pages read a snapshot of the figures computed at most this many
# seconds ago; an older one is recomputed by the first viewer. Beat refreshes the default
# period at half that age (at most every 30 minutes), so viewers of it never wait.
STATS_SNAPSHOT_MAX_AGE_SECONDS = env.int("STATS_SNAPSHOT_MAX_AGE_SECONDS", default=3600)
# New periods the public page may have the server compute per minute, all visitors together
# (each one reads every request of the period; the default period never counts).
STATS_PUBLIC_COMPUTES_PER_MINUTE = env.int("STATS_PUBLIC_COMPUTES_PER_MINUTE", default=6)
STATS_SNAPSHOT_REFRESH_SECONDS = max(60, min(1800, STATS_SNAPSHOT_MAX_AGE_SECONDS // 2))
# Compressed schedule for fault tests and rehearsals: every reminder sweep (escalation,
# digests, reminders) every this many seconds instead of once a day. 0: the daily times.
REMINDERS_EVERY_SECONDS = env.int("REMINDERS_EVERY_SECONDS", default=0)


def _daily(hour: int, minute: int):
    return (
        timedelta(seconds=REMINDERS_EVERY_SECONDS)
        if REMINDERS_EVERY_SECONDS
        else crontab(hour=hour, minute=minute)
    )


CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "heartbeat": {"task": "uvisa_portal.tasks.heartbeat", "schedule": crontab(minute="*/15")},
    "notifications-send-pending": {
        "task": "certifications.tasks.notifications_send_pending",
        "schedule": timedelta(seconds=NOTIFICATIONS_SWEEP_SECONDS),
    },
    "requests-escalate-overdue": {
        "task": "certifications.tasks.requests_escalate_overdue",
        "schedule": _daily(6, 0),
    },
    "agency-digests": {
        "task": "certifications.tasks.agency_digests_create",
        "schedule": _daily(7, 0),
    },
    "info-reminders": {
        "task": "certifications.tasks.info_reminders_create",
        "schedule": _daily(8, 0),
    },
    "expiry-reminders": {
        "task": "certifications.tasks.expiry_reminders_create",
        "schedule": _daily(8, 5),
    },
    "release-expiry-reminders": {
        "task": "certifications.tasks.release_expiry_reminders_create",
        "schedule": _daily(8, 7),
    },
    "training-lapse-reminders": {
        "task": "certifications.tasks.training_lapse_reminders_create",
        "schedule": _daily(8, 10),
    },
    "purge-closed-requests": {
        "task": "certifications.tasks.purge_closed_requests",
        "schedule": crontab(hour=3, minute=17),
    },
    # The default period's statistics snapshot, refreshed before it goes stale (see below).
    "statistics-snapshot-refresh": {
        "task": "certifications.tasks.statistics_snapshot_refresh",
        "schedule": timedelta(seconds=STATS_SNAPSHOT_REFRESH_SECONDS),
    },
}
# Global switch that pauses every reminder and digest (the sweeps still run and record nothing).
REMINDERS_PAUSED = env.bool("REMINDERS_PAUSED", default=False)

# --- Domain configuration -------------------------------------------------------------------
# Minn. Stat. 611A.95 subd. 2: 90 days from the request, 14 if in removal proceedings.
STATUTE_RESPONSE_DAYS = env.int("STATUTE_RESPONSE_DAYS", default=90)
STATUTE_EXPEDITED_DAYS = env.int("STATUTE_EXPEDITED_DAYS", default=14)
# An agency the statute does not bind, with no published policy of its own, is asked for an
# answer by this many days after its receipt ("requested response by"; no law is cited).
REQUESTED_RESPONSE_DAYS = env.int("REQUESTED_RESPONSE_DAYS", default=STATUTE_RESPONSE_DAYS)
REQUESTED_EXPEDITED_DAYS = env.int("REQUESTED_EXPEDITED_DAYS", default=STATUTE_EXPEDITED_DAYS)
# 8 CFR 214.14(c)(2)(i): the petition must be filed within 6 months of the signature.
CERTIFICATION_VALID_MONTHS = env.int("CERTIFICATION_VALID_MONTHS", default=6)
TRAINING_VALID_MONTHS = env.int("TRAINING_VALID_MONTHS", default=12)
# The editions of the official forms are data (certifications.FormEdition), not settings.
# The font the official PDFs' fields are drawn in (Debian's fonts-noto-core): it has the
# Latin letters of Vietnamese, Yoruba and Hawaiian names, combining marks included.
OFFICIAL_FORM_FONT = env.str(
    "OFFICIAL_FORM_FONT", default="/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"
)
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)
RETENTION_DAYS_AFTER_CLOSE = env.int("RETENTION_DAYS_AFTER_CLOSE", default=365 * 3)
# What the agency signed outlives the victim data: the decision record (reference, decision,
# dates, signer, form, edition, signed scan; no narrative) is kept this many years after the
# decision, then removed. USCIS adjudicates long after the signature, and the certifier keeps
# a duty to tell USCIS of a later refusal to help (8 CFR 214.14(h)(2)). Ten years by default:
# the span of the certification's use (the petition, then adjustment of status after three
# years of U status, 8 U.S.C. 1255(m)), with margin; set it to the agency's records schedule.
CERTIFICATION_RECORD_RETENTION_YEARS = env.int("CERTIFICATION_RECORD_RETENTION_YEARS", default=10)
# Backups (uvisa_portal/backups.py): where they go and how long they are kept. Purged data
# survives in a backup at most this long, so keep it short.
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(VAR_DIR / "backups")))
BACKUP_RETENTION_DAYS = env.int("BACKUP_RETENTION_DAYS", default=35)
BACKUP_DATABASE_URL = env.str("BACKUP_DATABASE_URL", default="")
STATS_SUPPRESS_BELOW = env.int("STATS_SUPPRESS_BELOW", default=5)

# --- Logging --------------------------------------------------------------------------------
# Log lines carry ids and references only, never victim data (8 U.S.C. 1367).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.db.backends": {"level": "WARNING"},
        # Lockouts are in the audit trail; axes' per-attempt lines (masked) are noise.
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # pypdf's warnings can quote bytes of an uploaded file or the text of a form field,
        # which may be victim text: victim data stays out of the logs (8 U.S.C. 1367;
        # CJIS 5.4.1.1). Refusals are shown to the uploader; the fill logs what it cannot draw.
        "pypdf": {"level": "ERROR"},
    },
}
