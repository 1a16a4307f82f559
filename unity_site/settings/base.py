"""Settings shared by every environment. Each value that differs between machines comes from
an environment variable; docs/configuration.md says what each one means."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from .env import env_bool, env_int, env_list, env_str, env_str_renamed, mailer_from_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ADMIN_URL = env_str("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"

INSTALLED_APPS = [
    # Django's admin, asking staff for their second factor (unity_site/two_factor).
    "unity_site.two_factor.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.redirects",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "articles",
    "bookings",
]

MIDDLEWARE = [
    # First, so every log line written while serving a request carries its id.
    "unity_site.middleware.RequestIDMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "unity_site.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed; Django's GZip pads each response against BREACH-style attacks.
    "django.middleware.gzip.GZipMiddleware",
    # Answers 304 when a reader's copy still matches the page's ETag (unity_site/page_cache.py).
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Only the admin takes files: elsewhere a file part is a 400 before any of it is kept.
    "unity_site.uploads.FilesOnlyForTheAdminMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Refuses admin sign-in for a while after repeated failures (django-axes).
    "axes.middleware.AxesMiddleware",
    # Old article addresses answer with a permanent redirect once a slug changes.
    "django.contrib.redirects.middleware.RedirectFallbackMiddleware",
]

ROOT_URLCONF = "unity_site.urls"
WSGI_APPLICATION = "unity_site.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "unity_site.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
# While PostgreSQL is away (refused or not answering) a request waits about 2 s for the 503
# page, and pages are served again within seconds of its return: docs/operations.md, "When the
# database goes away".
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # libpq's limit on opening a connection (2 is its least); one in DATABASE_URL wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 2)
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_POOL", True
):
    from unity_site.database import check_within

    _pool_timeout = env_int("DATABASE_POOL_TIMEOUT", 2)
    # psycopg 3's pool keeps connections open across requests (it replaces CONN_MAX_AGE).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1),
        "max_size": env_int("DATABASE_POOL_MAX_SIZE", 4),
        # How long a request waits for a connection before it gets the 503 page.
        "timeout": _pool_timeout,
        # A pooled connection that does not answer within half of that is dropped, not used.
        "check": check_within(_pool_timeout / 2),
        # The pool stops retrying a lost connection after this; the next request that needs
        # one tries again at once, instead of after a back-off that grows to minutes.
        "reconnect_timeout": env_int("DATABASE_POOL_RECONNECT_TIMEOUT", 2),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Two caches, Redis when there is more than one server: "default" holds the booking rate limit's
# counts, which must never be evicted; "pages", readers' pages (unity_site/page_cache.py), which
# may be. Give each its own Redis in production: docs/operations.md, "Redis".
REDIS_URL = env_str("REDIS_URL")
PAGE_CACHE_REDIS_URL = env_str("PAGE_CACHE_REDIS_URL") or REDIS_URL
CACHES = {
    alias: (
        {"BACKEND": "unity_site.redis_cache.SharedClientRedisCache", "LOCATION": url}
        if url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": alias}
    )
    for alias, url in [("default", REDIS_URL), ("pages", PAGE_CACHE_REDIS_URL)]
}

PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TASK_RESULTS_RETENTION_DAYS = env_int("TASK_RESULTS_RETENTION_DAYS", 14)

EMAIL_URL = env_str("EMAIL_URL")
MAILERS = {"default": mailer_from_url(EMAIL_URL or "console://")}
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Unity Physiotherapy <hello@unity-clinic.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Nothing is loaded from another host; inline scripts and styles carry the per-request nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No script of ours reads the CSRF cookie (forms carry the token), so scripts may not either.
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "unity_site.errors.csrf_failure"
# Browser features the site does not use are turned off (unity_site.middleware).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture",
        "encrypted-media", "fullscreen", "geolocation", "gyroscope", "hid", "magnetometer",
        "microphone", "midi", "payment", "picture-in-picture", "publickey-credentials-get",
        "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
}  # fmt: skip

# Admin sign-in lockout (django-axes): docs/security.md, "The admin".
AUTHENTICATION_BACKENDS = [
    "unity_site.admin_lockout.LoginAttemptBackend",
    "django.contrib.auth.backends.ModelBackend",
]
CLIENT_IP_HEADER = env_str_renamed("CLIENT_IP_HEADER", old_name="BOOKINGS_CLIENT_IP_HEADER")
# One account from one client: failures elsewhere never lock a member of staff out.
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# One client, whatever the accounts it tries (unity_site.admin_lockout.LockoutHandler).
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_HANDLER = "unity_site.admin_lockout.LockoutHandler"
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 15))
# Codes typed at sign-in are not kept with a failed attempt.
AXES_SENSITIVE_PARAMETERS = ["otp_token"]
# Further tries during a lockout do not extend it: an attacker cannot keep staff locked out.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "unity_site.client_ip.client_ip"
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "unity_site.admin_lockout.lockout_response"
# Lockouts and refusals are logged (unity_site/admin_lockout.py); not axes's start-up banner.
AXES_VERBOSE = False

# Two-factor sign-in for staff (django-otp, unity_site/two_factor): docs/security.md. On in
# production (production.py); off here, so development and the tests sign in with a password.
STAFF_2FA = env_bool("DJANGO_STAFF_2FA", False)
# Also for staff who cannot see consultation requests (editors, clinical reviewers).
STAFF_2FA_FOR_EDITORS = env_bool("DJANGO_STAFF_2FA_FOR_EDITORS", False)
# The name authenticator apps show next to the code.
OTP_TOTP_ISSUER = "Unity clinic"

# Staff sessions end after a working day without activity: every request starts the 10 hours
# again. Readers have no session (the page cache relies on that: unity_site/page_cache.py).
SESSION_COOKIE_AGE = 10 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True

HEALTHZ_MAX_EMAIL_AGE_SECONDS = env_int("HEALTHZ_MAX_EMAIL_AGE_SECONDS", 900)

# The clinic, as readers and emails name it.
CLINIC = {
    "name": "Unity Physiotherapy & Rehabilitation",
    "short_name": "Unity",
    "phone": env_str("CLINIC_PHONE", "020 7946 0321"),
    "email": env_str("CLINIC_EMAIL", "hello@unity-clinic.example"),
    "address": env_str("CLINIC_ADDRESS", "12 Example Street, London"),
    "reply_promise": "within one working day",
}

ARTICLES_REVIEW_PERIOD_MONTHS = env_int("ARTICLES_REVIEW_PERIOD_MONTHS", 12)

# JSON lines with the request id, personal details masked: docs/operations.md, "Logs".
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "unity_site.logs.RequestIDFilter"}},
    "formatters": {
        "json": {"()": "unity_site.logs.JSONFormatter"},
        "plain": {"()": "unity_site.logs.PlainFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env_str("DJANGO_LOG_FORMAT", "json"),
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # SQL with its parameters (names, emails) is never logged, whatever DJANGO_LOG_LEVEL says.
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Consultation requests (the bookings app): docs/configuration.md, "Consultation requests".
BOOKINGS_NOTIFY_EMAILS = env_list("BOOKINGS_NOTIFY_EMAILS") or [CLINIC["email"]]
BOOKINGS_RATE_LIMIT = env_str("BOOKINGS_RATE_LIMIT", "10/10m")
BOOKINGS_MIN_FILL_SECONDS = env_int("BOOKINGS_MIN_FILL_SECONDS", 3)
BOOKINGS_FORM_MAX_AGE_SECONDS = env_int("BOOKINGS_FORM_MAX_AGE_SECONDS", 86400)
BOOKINGS_RECIPIENT_DAILY_LIMIT = env_int("BOOKINGS_RECIPIENT_DAILY_LIMIT", 3)
BOOKINGS_SITE_HOURLY_LIMIT = env_int("BOOKINGS_SITE_HOURLY_LIMIT", 60)
BOOKINGS_RETENTION_DAYS = env_int("BOOKINGS_RETENTION_DAYS", 365)
BOOKINGS_OPEN_RETENTION_DAYS = env_int("BOOKINGS_OPEN_RETENTION_DAYS", 90)
BOOKINGS_CHANGE_CUTOFF_MINUTES = env_int("BOOKINGS_CHANGE_CUTOFF_MINUTES", 120)
BOOKINGS_MANAGE_RATE_LIMIT = env_str("BOOKINGS_MANAGE_RATE_LIMIT", "20/10m")
# Stored with each request: bump it whenever the consent wording in bookings/forms.py changes.
BOOKINGS_CONSENT_VERSION = "2026-11-1"
PHONENUMBER_DEFAULT_REGION = "GB"
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"
