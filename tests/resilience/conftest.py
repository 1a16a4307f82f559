"""The site under failure: a database outage, a mail server down, two app servers at once."""

import pytest
from django.test import Client


@pytest.fixture
def client() -> Client:
    """A client that gets the response a reader gets when a request fails (the site's 500
    handler, unity_site/errors.py), instead of Django re-raising the error into the test."""
    return Client(raise_request_exception=False)


@pytest.fixture
def admin_client(client, admin_user) -> Client:
    client.force_login(admin_user)
    return client
