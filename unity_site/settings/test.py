"""The test suite: fast password hashing, in-memory email, files in a temporary folder."""

import tempfile

from .base import *  # noqa: F403
from .base import STORAGES

SECRET_KEY = "test-only-secret-key"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="unity-test-media-")
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SITE_URL = "https://www.unity-clinic.example"
STATIC_ROOT = tempfile.mkdtemp(prefix="unity-test-static-")
