"""The clinic's email cannot be turned on anyone: a confirmation goes to an address nobody has
verified, so it carries no text the sender typed beyond a first name, and the limits per
recipient and per hour hold the rest for staff."""

import time

import pytest
from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from bookings import antispam, emails, tasks
from bookings.models import ConsultationRequest
from tests.bookings.factories import ConsultationRequestFactory

pytestmark = pytest.mark.django_db

BOOK = reverse("bookings:book")


@pytest.mark.parametrize(
    "name, greeting",
    [
        ("Zoë Ångström", "Dear Zoë,"),
        ("Jean-Luc Picard", "Dear Jean-Luc,"),
        ("Siân", "Dear Siân,"),
        ("Claim your prize at http://evil.example", "Dear Claim,"),
        ("https://evil.example/login", "Hello,"),
        ("www.evil.example", "Hello,"),
        ("Bartholomewtheveryverylongname Smith", "Hello,"),
        ("007", "Hello,"),
    ],
)
def test_the_confirmation_greets_by_a_first_name_that_cannot_hold_a_link(name, greeting):
    request = ConsultationRequestFactory(name=name)

    message = emails.requester_confirmation(request)

    html = message.alternatives[0].content
    assert message.body.startswith(greeting)
    assert f"<p>{greeting}</p>" in html
    for text in (message.body, html, message.subject):
        assert "evil" not in text
        assert "Picard" not in text and "Smith" not in text


def test_the_confirmation_repeats_nothing_else_the_sender_typed():
    request = ConsultationRequestFactory(
        name="Zoë", help_with="Visit http://evil.example", message="Call +44 20 7946 0000 now"
    )

    message = emails.requester_confirmation(request)

    for text in (message.body, message.alternatives[0].content):
        assert "evil" not in text and "7946 0000" not in text


def test_one_address_gets_a_few_confirmations_a_day_and_the_rest_are_held(client, form_data):
    for number in range(5):
        data = form_data(name=f"Sender {number}", email="victim@example.com")
        client.post(BOOK, data, REMOTE_ADDR=f"192.0.2.{number}")

    statuses = list(ConsultationRequest.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["new"] * 3 + ["held"] * 2
    confirmations = DBTaskResult.objects.filter(
        task_path=tasks.send_requester_confirmation.module_path
    )
    assert confirmations.count() == 3
    assert (
        ConsultationRequest.objects.filter(
            screening_reason="too many requests for this email address today"
        ).count()
        == 2
    )


def test_past_the_site_wide_hourly_cap_requests_are_held_and_staff_alerted_once(
    client, form_data, settings
):
    settings.BOOKINGS_SITE_HOURLY_LIMIT = 2
    settings.BOOKINGS_NOTIFY_EMAILS = ["front-desk@unity-clinic.example"]

    for number in range(5):
        data = form_data(name=f"Person {number}", email=f"person{number}@example.com")
        client.post(BOOK, data, REMOTE_ADDR=f"198.51.100.{number}")

    statuses = list(ConsultationRequest.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["new", "new", "held", "held", "held"]
    (alert,) = DBTaskResult.objects.filter(task_path=tasks.send_busy_hour_alert.module_path)
    tasks.send_busy_hour_alert.call()
    (message,) = mail.outbox
    assert message.to == ["front-desk@unity-clinic.example"]
    assert "more than 2 this hour" in message.subject
    assert "?status__exact=held" in message.body
    assert "Person" not in message.body and "@example.com" not in message.body


def test_a_form_token_cannot_be_replayed_for_ever(client, form_data, settings):
    settings.BOOKINGS_FORM_MAX_AGE_SECONDS = 3600
    old_token = antispam.form_shown_token(now=time.time() - 7200)

    client.post(BOOK, form_data(form_shown_at=old_token))

    request = ConsultationRequest.objects.get()
    assert (request.status, request.screening_reason) == ("held", "form shown too long ago")
    assert not DBTaskResult.objects.exists()
