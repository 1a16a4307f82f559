"""Spam and suspicion. A filled honeypot is spam; the soft signals (speed, a missing token, the
rate) hold a request for staff to review. Neither sends an email, and the thank-you page never
promises one; an honest reader is never silently dropped."""

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from bookings import antispam
from bookings.models import ConsultationRequest

pytestmark = pytest.mark.django_db

THANKS = reverse("bookings:thanks")


def send(client, data, **extra):
    response = client.post("/book/", data, **extra)
    assert response.status_code == 302
    assert response["Location"].startswith(THANKS)
    return response


def send_from(client, form_data, senders):
    """Sends a request from each (name, client address) in turn."""
    for name, address in senders:
        send(client, form_data(name=name), REMOTE_ADDR=address)


def statuses():
    return list(ConsultationRequest.objects.order_by("pk").values_list("status", flat=True))


def test_a_filled_honeypot_is_kept_as_spam_and_sends_nothing(client, form_data):
    send(client, form_data(website="http://cheap-pills.example"))

    request = ConsultationRequest.objects.get()
    assert request.status == ConsultationRequest.Status.SPAM
    assert request.screening_reason == "honeypot filled"
    assert not DBTaskResult.objects.exists()


def test_a_form_sent_faster_than_a_person_could_is_held_not_dropped(client, form_data, settings):
    """Browser autofill is fast: a person may well have sent it."""
    settings.BOOKINGS_MIN_FILL_SECONDS = 3600

    send(client, form_data(form_shown_at=antispam.form_shown_token()))

    request = ConsultationRequest.objects.get()
    assert request.status == ConsultationRequest.Status.HELD
    assert re.fullmatch(r"sent \d+s after it was shown", request.screening_reason)
    assert not DBTaskResult.objects.exists()


def test_a_form_filled_at_human_speed_is_accepted(client, form_data, settings):
    settings.BOOKINGS_MIN_FILL_SECONDS = 0

    send(client, form_data(form_shown_at=antispam.form_shown_token()))

    assert statuses() == ["new"]


@pytest.mark.parametrize("token", ["", "1700000000", "MA:forged:signature"])
def test_a_missing_or_forged_timestamp_is_held(client, form_data, token):
    send(client, form_data(form_shown_at=token))

    request = ConsultationRequest.objects.get()
    assert request.status == ConsultationRequest.Status.HELD
    assert request.screening_reason == "missing or forged form token"
    assert not DBTaskResult.objects.exists()


@pytest.mark.parametrize(
    "data", [{"website": "http://cheap-pills.example"}, {"form_shown_at": "forged"}]
)
def test_spam_and_held_requests_see_one_page_that_promises_no_email(client, form_data, data):
    page = client.get(send(client, form_data(**data))["Location"])

    assert page.status_code == 200
    assert "we have your request" in page.text
    assert "reads every request" in page.text
    assert "email from us" not in page.text


def test_an_accepted_request_is_promised_its_confirmation_email(client, form_data):
    page = client.get(send(client, form_data())["Location"])

    assert "You will get an email from us" in page.text


def test_the_rate_limit_holds_the_extra_requests(client, form_data, settings, rate_limit_cache):
    settings.BOOKINGS_RATE_LIMIT = "3/h"

    for number in range(5):
        send(client, form_data(name=f"Reader {number}", email=f"reader{number}@example.com"))

    reasons = ConsultationRequest.objects.order_by("pk").values_list("status", "screening_reason")
    assert list(reasons) == [("new", "")] * 3 + [("held", "rate limit exceeded")] * 2
    assert DBTaskResult.objects.count() == 3 * 2


def test_six_people_behind_one_address_in_an_hour_are_all_accepted(client, form_data):
    """A family on one home wifi, or many phones behind one mobile-network address."""
    for number in range(6):
        send(
            client,
            form_data(name=f"Family member {number}", email=f"member{number}@example.com"),
            REMOTE_ADDR="198.51.100.20",
        )

    assert statuses() == ["new"] * 6
    assert DBTaskResult.objects.count() == 6 * 2


def test_a_flood_from_one_address_is_held_and_sends_nothing_beyond_the_limit(
    client, form_data, settings
):
    """100 requests in well under a minute, with the default limit."""
    limit, _ = antispam.parse_rate(settings.BOOKINGS_RATE_LIMIT)

    for number in range(100):
        data = form_data(name=f"Bot {number}", email=f"bot{number}@example.com")
        send(client, data, REMOTE_ADDR="203.0.113.66")

    assert statuses() == ["new"] * limit + ["held"] * (100 - limit)
    assert DBTaskResult.objects.count() == limit * 2


def test_the_rate_limit_is_per_client(client, form_data, settings):
    settings.BOOKINGS_RATE_LIMIT = "1/h"

    send_from(
        client, form_data, [("First", "192.0.2.1"), ("Second", "192.0.2.2"), ("Third", "192.0.2.1")]
    )

    assert statuses() == ["new", "new", "held"]


def test_behind_a_proxy_the_configured_header_identifies_the_client(client, form_data, settings):
    settings.BOOKINGS_RATE_LIMIT = "1/h"
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"

    send(client, form_data(name="First"), headers={"x-forwarded-for": "198.51.100.7, 192.0.2.1"})
    send(client, form_data(name="Second"), headers={"x-forwarded-for": "198.51.100.7, 192.0.2.2"})

    assert statuses() == ["new", "new"]


def test_the_address_hash_changes_daily_and_the_old_key_is_forgotten(client, form_data):
    morning = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(morning, tick=False):
        send(client, form_data(name="First"), REMOTE_ADDR="203.0.113.9")
        send(client, form_data(name="Second"), REMOTE_ADDR="203.0.113.9")
        salt_key = f"bookings:ip-salt:{int(morning.timestamp() // 86400)}"
        assert cache.get(salt_key)
    with time_machine.travel(morning + datetime.timedelta(days=1), tick=False):
        send(client, form_data(name="Third"), REMOTE_ADDR="203.0.113.9")

    first, second, third = ConsultationRequest.objects.order_by("pk")
    assert len(first.client_hash) == 64 and "203.0.113.9" not in first.client_hash
    assert first.client_hash == second.client_hash  # one day's requests count together
    assert third.client_hash != first.client_hash
    # The first day's random key leaves the cache: not even the server's secret brings it back.
    with time_machine.travel(morning + datetime.timedelta(days=3), tick=False):
        assert cache.get(salt_key) is None


def test_an_ipv6_client_counts_as_its_whole_64(client, form_data, settings):
    """One IPv6 client can pick any address in its /64: the limit counts them as one."""
    settings.BOOKINGS_RATE_LIMIT = "1/h"

    same_64 = [("First", "2001:db8:1:2::1"), ("Second", "2001:db8:1:2:ffff::9")]
    send_from(client, form_data, [*same_64, ("Elsewhere", "2001:db8:1:3::1")])

    assert statuses() == ["new", "held", "new"]


@pytest.mark.parametrize(
    "rate, expected", [("5/h", (5, 3600)), ("10/m", (10, 60)), ("100/2d", (100, 172800))]
)
def test_rate_limit_setting_format(rate, expected):
    assert antispam.parse_rate(rate) == expected
