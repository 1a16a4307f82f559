"""Production: `DJANGO_SETTINGS_MODULE=unity_site.settings.production`, behind an HTTPS proxy."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, EMAIL_URL, SECRET_KEY
from .env import env_bool, env_int

DEBUG = False

if not SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY: production refuses to start without it.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS to the site's host names.")
if not EMAIL_URL:
    raise ImproperlyConfigured("Set EMAIL_URL: production sends mail through a real server.")

# The reverse proxy terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# "preload" only allows the domain onto browsers' built-in HTTPS list (submitted by hand at
# hstspreload.org). Turning it off is a deliberate choice, so check --deploy is told not to warn.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# A load balancer may probe the app servers over plain HTTP: /healthz answers it directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Staff sign in with a code from an authenticator app as well as the password
# (docs/security.md, "Two-factor sign-in"); `check --deploy` warns when it is turned off.
STAFF_2FA = env_bool("DJANGO_STAFF_2FA", True)

# Cookies only over HTTPS, never sent with cross-site subrequests, out of reach of scripts.
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
