"""The database going away mid-request: a clear 503 page, nothing half-saved, and the site
serving again as soon as the database is back, without a restart."""

import contextlib
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from bookings.models import ConsultationRequest
from tests.articles.factories import ArticleFactory
from tests.reader_answers import assert_refilled

pytestmark = pytest.mark.django_db

ORIGINAL_EXECUTE = CursorWrapper._execute_with_wrappers


@contextlib.contextmanager
def database_fails(when=lambda sql: True):
    """Every query for which `when(sql)` is true fails as if the server had gone away."""

    def execute(self, sql, *args, **kwargs):
        if when(sql):
            raise OperationalError("server closed the connection unexpectedly")
        return ORIGINAL_EXECUTE(self, sql, *args, **kwargs)

    with mock.patch.object(CursorWrapper, "_execute_with_wrappers", execute):
        yield


def test_a_page_shows_a_clear_503_while_the_database_is_down_and_recovers_after(client):
    article = ArticleFactory()

    with database_fails():
        response = client.get(article.get_absolute_url())

    assert response.status_code == 503
    assert "Sorry, the site is briefly unavailable" in response.text
    assert "Unity" in response.text
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    # Still the site's own page, with its security headers.
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Request-ID"] in response.text

    # The database is back: the same running site serves the page again.
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert article.title in response.text


def test_a_consultation_request_is_never_half_saved(client, form_data):
    """The request is stored and its first email queued; then the database goes away before the
    second email is queued. Nothing of it may remain; sending it again works once it is back."""
    inserts_into_the_outbox = []

    def second_outbox_insert(sql):
        if sql.lstrip().upper().startswith("INSERT") and "dbtaskresult" in sql.lower():
            inserts_into_the_outbox.append(sql)
            return len(inserts_into_the_outbox) == 2
        return False

    with database_fails(when=second_outbox_insert):
        response = client.post(reverse("bookings:book"), form_data())

    assert len(inserts_into_the_outbox) == 2  # the request itself had been written by then
    assert response.status_code == 503
    assert "may not have reached us" in response.text
    assert ConsultationRequest.objects.count() == 0
    assert DBTaskResult.objects.count() == 0

    response = client.post(reverse("bookings:book"), form_data())

    assert response.status_code == 302
    assert ConsultationRequest.objects.count() == 1
    assert DBTaskResult.objects.count() == 2


def test_a_reader_whose_booking_meets_the_outage_keeps_what_they_typed(client, form_data, article):
    """Every query fails, those the 503 page might make too: the form comes back refilled,
    drawn without the database, ready to send again once it is back."""
    with database_fails():
        response = client.post(reverse("bookings:book"), form_data(article=article.slug))

    assert response.status_code == 503
    page = response.text
    assert "briefly unavailable" in page
    assert "Your answers are below" in page
    assert 'action="/book/"' in page
    assert_refilled(page, article.slug)
    assert 'name="csrfmiddlewaretoken"' in page
    assert "no-store" in response["Cache-Control"]  # what they typed is kept by no cache
    assert not ConsultationRequest.objects.exists()

    response = client.post(reverse("bookings:book"), form_data(article=article.slug))

    assert response.status_code == 302
    assert ConsultationRequest.objects.get().article == article


def test_the_admin_shows_the_503_page_too(admin_client):
    with database_fails(when=lambda sql: "articles_article" in sql):
        response = admin_client.get(reverse("admin:articles_article_changelist"))

    assert response.status_code == 503
    assert "briefly unavailable" in response.text


def test_an_outage_met_outside_the_view_gives_the_same_page():
    """Old-address redirects are looked up by a middleware after the view said "not found"."""
    client = Client(raise_request_exception=False)

    with database_fails(when=lambda sql: "django_redirect" in sql):
        response = client.get("/articles/an-old-address/")

    assert response.status_code == 503
    assert "briefly unavailable" in response.text
    assert client.get("/articles/an-old-address/").status_code == 404
