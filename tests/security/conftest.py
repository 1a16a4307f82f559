"""Shared set-up for the security tests: production's settings, a deterministic Hypothesis."""

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Same examples on every run and every machine, nothing written to a .hypothesis folder, no
# per-example deadline (a slow CI machine is not a bug). Tests set their own max_examples.
hypothesis_settings.register_profile(
    "unity-security",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.load_profile("unity-security")

# What unity_site/settings/production.py sets for headers and cookies. Importing production.py
# needs its environment, so tests apply these instead; test_production_settings.py checks, in a
# subprocess with the documented environment, that production.py sets exactly these values.
PRODUCTION_SECURITY_SETTINGS = {
    "DEBUG": False,
    "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    "SECURE_SSL_REDIRECT": True,
    "SECURE_REDIRECT_EXEMPT": ["^healthz$"],
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SECURE_CONTENT_TYPE_NOSNIFF": True,
    "SECURE_REFERRER_POLICY": "strict-origin-when-cross-origin",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
    "X_FRAME_OPTIONS": "DENY",
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "CSRF_COOKIE_SECURE": True,
    "CSRF_COOKIE_HTTPONLY": True,
    "CSRF_COOKIE_SAMESITE": "Lax",
}


@pytest.fixture
def production_settings(settings):
    """The test settings with production's security settings on top."""
    for name, value in PRODUCTION_SECURITY_SETTINGS.items():
        setattr(settings, name, tuple(value) if name == "SECURE_PROXY_SSL_HEADER" else value)
    return settings


@pytest.fixture
def https_client(client, production_settings):
    """A client whose requests arrive through the HTTPS proxy, as in production."""
    client.defaults["HTTP_X_FORWARDED_PROTO"] = "https"
    return client
