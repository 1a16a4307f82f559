"""Local development: `make run`. Debug on, an insecure key, email printed to the console."""

from .base import *  # noqa: F403
from .base import EMAIL_URL
from .env import env_bool, env_list, env_str

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

# Without EMAIL_URL, emails are printed readably (decoded text, not MIME); console:// still
# prints Django's raw MIME. docs/configuration.md, "Email".
if not EMAIL_URL:
    MAILERS = {"default": {"BACKEND": "unity_site.mail.ReadableConsoleEmailBackend"}}

# make run's demo logins sign in with their password alone: no second factor in development
# unless DJANGO_STAFF_2FA=true (to try enrolment: docs/security.md, "Two-factor sign-in").
STAFF_2FA = env_bool("DJANGO_STAFF_2FA", False)
