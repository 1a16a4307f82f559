"""Spam is kept (status spam), sends nothing, and the sender sees the usual thank-you page."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from bookings import antispam
from bookings.models import ConsultationRequest

pytestmark = pytest.mark.django_db


def send(client, data, **extra):
    response = client.post("/book/", data, **extra)
    assert response.status_code == 302
    assert response["Location"] == reverse("bookings:thanks")
    return response


def test_a_filled_honeypot_is_kept_as_spam_and_sends_nothing(client, form_data):
    send(client, form_data(website="http://cheap-pills.example"))

    request = ConsultationRequest.objects.get()
    assert request.status == ConsultationRequest.Status.SPAM
    assert request.spam_reason == "honeypot filled"
    assert not DBTaskResult.objects.exists()


def test_a_form_sent_faster_than_a_person_could_is_spam(client, form_data, settings):
    settings.BOOKINGS_MIN_FILL_SECONDS = 3600

    send(client, form_data(form_shown_at=antispam.form_shown_token()))

    assert ConsultationRequest.objects.get().status == ConsultationRequest.Status.SPAM
    assert not DBTaskResult.objects.exists()


def test_a_form_filled_at_human_speed_is_not_spam(client, form_data, settings):
    settings.BOOKINGS_MIN_FILL_SECONDS = 0

    send(client, form_data(form_shown_at=antispam.form_shown_token()))

    assert ConsultationRequest.objects.get().status == ConsultationRequest.Status.NEW


@pytest.mark.parametrize("token", ["", "1700000000", "MA:forged:signature"])
def test_a_missing_or_forged_timestamp_is_spam(client, form_data, token):
    send(client, form_data(form_shown_at=token))

    request = ConsultationRequest.objects.get()
    assert request.status == ConsultationRequest.Status.SPAM
    assert request.spam_reason == "missing or forged form token"


@pytest.fixture(params=["memory", "redis"])
def rate_limit_cache(request, settings):
    """The rate limit counts in Django's cache: memory in development, Redis in production."""
    if request.param == "redis":
        settings.CACHES = {
            "default": {
                "BACKEND": "unity_site.redis_cache.SharedClientRedisCache",
                "LOCATION": request.getfixturevalue("redis_url"),
            }
        }
    return request.param


def test_the_rate_limit_keeps_the_extra_requests_as_spam(
    client, form_data, settings, rate_limit_cache
):
    settings.BOOKINGS_RATE_LIMIT = "3/h"

    for _ in range(5):
        send(client, form_data())

    statuses = list(ConsultationRequest.objects.order_by("pk").values_list("status", "spam_reason"))
    assert statuses == [("new", "")] * 3 + [("spam", "rate limit exceeded")] * 2
    assert DBTaskResult.objects.count() == 3 * 2


def test_the_rate_limit_is_per_client(client, form_data, settings):
    settings.BOOKINGS_RATE_LIMIT = "1/h"

    send(client, form_data(), REMOTE_ADDR="192.0.2.1")
    send(client, form_data(), REMOTE_ADDR="192.0.2.2")
    send(client, form_data(), REMOTE_ADDR="192.0.2.1")

    assert list(ConsultationRequest.objects.order_by("pk").values_list("status", flat=True)) == [
        "new",
        "new",
        "spam",
    ]


def test_behind_a_proxy_the_configured_header_identifies_the_client(client, form_data, settings):
    settings.BOOKINGS_RATE_LIMIT = "1/h"
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"

    send(client, form_data(), headers={"x-forwarded-for": "198.51.100.7, 192.0.2.1"})
    send(client, form_data(), headers={"x-forwarded-for": "198.51.100.7, 192.0.2.2"})

    assert ConsultationRequest.objects.filter(status="spam").count() == 0


def test_only_a_salted_hash_of_the_address_is_stored(client, form_data, settings):
    settings.BOOKINGS_IP_HASH_SALT = "pepper"
    send(client, form_data(), REMOTE_ADDR="203.0.113.9")
    settings.BOOKINGS_IP_HASH_SALT = "other-pepper"
    send(client, form_data(), REMOTE_ADDR="203.0.113.9")

    first, second = ConsultationRequest.objects.order_by("pk")
    assert len(first.client_hash) == 64
    assert "203.0.113.9" not in first.client_hash
    assert first.client_hash != second.client_hash


@pytest.mark.parametrize(
    "rate, expected", [("5/h", (5, 3600)), ("10/m", (10, 60)), ("100/2d", (100, 172800))]
)
def test_rate_limit_setting_format(rate, expected):
    assert antispam.parse_rate(rate) == expected
