"""The mail server down during a burst of requests: every request is stored, and once the
server is back every email is delivered exactly once."""

import email
import email.policy
import signal
import socket
from collections import Counter
from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bookings.models import ConsultationRequest

BURST = 500
STAFF = "front-desk@unity-clinic.example"

# The worker commits and checks its connection like the real one: outside the test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((tuple(envelope.rcpt_tos), message))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_worker():
    """Runs every task that is due, as `manage.py db_worker` does, then returns."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval=0",
            stdout=StringIO(),
        )  # fmt: skip
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def test_a_burst_while_smtp_is_down_is_all_stored_and_emailed_exactly_once_after(
    client, settings, booking_data
):
    port = free_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    settings.BOOKINGS_NOTIFY_EMAILS = [STAFF]
    settings.BOOKINGS_RATE_LIMIT = f"{BURST}/h"

    for number in range(BURST):
        data = booking_data(name=f"Reader {number}", email=f"reader{number}@example.com")
        response = client.post(reverse("bookings:book"), data)
        assert response.status_code == 302

    assert ConsultationRequest.objects.filter(status="new").count() == BURST
    run_worker()  # nothing listens on the port: every attempt fails and is scheduled again
    assert DBTaskResult.objects.filter(status="FAILED").count() == 2 * BURST
    assert ConsultationRequest.objects.filter(staff_notified_at__isnull=False).count() == 0

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        run_worker()
        run_worker()  # a second pass finds nothing left to send
    finally:
        controller.stop()

    recipients = Counter(rcpts for rcpts, _ in inbox.messages)
    assert recipients[(STAFF,)] == BURST
    for number in range(BURST):
        assert recipients[(f"reader{number}@example.com",)] == 1
    assert len(inbox.messages) == 2 * BURST
    assert not ConsultationRequest.objects.filter(confirmation_sent_at__isnull=True).exists()
    assert not ConsultationRequest.objects.filter(staff_notified_at__isnull=True).exists()
