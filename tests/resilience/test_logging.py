"""Logs: one JSON object a line with the request id, and nothing personal in them."""

import io
import json
import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from bookings.models import ConsultationRequest
from bookings.tasks import EmailDeliveryFailed, send_staff_notification
from unity_site.logs import JSONFormatter, RequestIDFilter

from .test_database_outage import database_fails

pytestmark = pytest.mark.django_db

NAME = "Harriet Okonkwo-Blythe"
EMAIL = "harriet.okonkwo@example.org"
PHONE = "07911 123456"
MESSAGE = "Sciatica down my left leg since my second pregnancy"


@pytest.fixture
def log_lines():
    """Everything logged at any level, formatted exactly as production writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    handler.addFilter(RequestIDFilter())
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)


@pytest.fixture
def smtp_down(settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},  # nothing listens there
        }
    }


def test_a_booking_leaves_nothing_personal_in_the_logs(client, form_data, log_lines, smtp_down):
    data = form_data(name=NAME, email=EMAIL, phone=PHONE, message=MESSAGE)
    book = reverse("bookings:book")

    # A request that is stored, one with an error, one without its CSRF token, one that meets
    # a database outage, and its email failing to send: each of these writes to the log.
    assert client.post(book, data).status_code == 302
    assert client.post(book, {**data, "email": EMAIL + ">"}).status_code == 200
    assert Client(enforce_csrf_checks=True).post(book, data).status_code == 403
    with database_fails():
        assert client.post(book, data).status_code == 503
    with pytest.raises(EmailDeliveryFailed):
        send_staff_notification.call(ConsultationRequest.objects.get().pk)

    lines = log_lines()
    messages = " ".join(line["message"] for line in lines)
    assert "Forbidden (CSRF cookie not set.): /book/" in messages
    assert "Database unavailable during POST /book/" in messages
    assert "staff email failed" in messages
    everything = json.dumps(lines, ensure_ascii=False)
    digits = re.sub(r"\D", "", PHONE)
    for personal in [NAME, EMAIL, PHONE, digits, digits[1:], MESSAGE, "Harriet", "Sciatica"]:
        assert personal not in everything


def test_log_lines_carry_the_request_id_sent_back_to_the_client(client, log_lines):
    with database_fails():
        response = client.get("/", headers={"x-request-id": "lb-7f3a9c"})

    assert response["X-Request-ID"] == "lb-7f3a9c"
    errors = [line for line in log_lines() if line["level"] == "ERROR"]
    assert errors
    assert all(line["request_id"] == "lb-7f3a9c" for line in errors)
    assert errors[0]["logger"] == "unity_site.database"
    assert errors[0]["status_code"] == 503


def test_every_request_gets_an_id_and_a_forged_one_is_replaced(client):
    first = client.get("/")["X-Request-ID"]
    second = client.get("/")["X-Request-ID"]
    forged = client.get("/", headers={"x-request-id": 'x" level=ERROR ' + "y" * 100})

    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])


def test_personal_details_in_an_error_are_masked(log_lines):
    logger = logging.getLogger("tests.security")
    try:
        raise ValueError(f"could not save {EMAIL} / +44 7700 900461 / {PHONE}")
    except ValueError:
        logger.exception("Saving failed for %s, phone %s", EMAIL, "+44 (0)20 7946 0321")

    (line,) = [line for line in log_lines() if line["logger"] == "tests.security"]
    assert line["message"] == "Saving failed for [redacted], phone [redacted]"
    assert line["exception_type"] == "ValueError"
    assert "could not save [redacted] / [redacted] / [redacted]" in line["exception"]
    assert line["level"] == "ERROR"
    assert line["request_id"] == "-"
