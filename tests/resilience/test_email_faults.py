"""The mail server down during a burst of requests: every request is stored, and once the
server is back every email is delivered exactly once."""

from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bookings.models import ConsultationRequest
from tests.mail_server import run_worker

# Big enough to interleave many retries and deliveries; the exactly-once check is per message.
BURST = 50
STAFF = "front-desk@unity-clinic.example"

# The worker commits and checks its connection like the real one: outside the test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_burst_while_smtp_is_down_is_all_stored_and_emailed_exactly_once_after(
    client, settings, form_data, start_smtp
):
    settings.BOOKINGS_NOTIFY_EMAILS = [STAFF]
    settings.BOOKINGS_RATE_LIMIT = f"{BURST}/h"

    for number in range(BURST):
        data = form_data(name=f"Reader {number}", email=f"reader{number}@example.com")
        response = client.post(reverse("bookings:book"), data)
        assert response.status_code == 302

    assert ConsultationRequest.objects.filter(status="new").count() == BURST
    run_worker()  # nothing listens on the port: every attempt fails and is scheduled again
    assert DBTaskResult.objects.filter(status="FAILED").count() == 2 * BURST
    assert ConsultationRequest.objects.filter(staff_notified_at__isnull=False).count() == 0

    inbox = start_smtp()
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_worker()
    run_worker()  # a second pass finds nothing left to send

    recipients = Counter(tuple(rcpts) for rcpts, _ in inbox.messages())
    assert recipients[(STAFF,)] == BURST
    for number in range(BURST):
        assert recipients[(f"reader{number}@example.com",)] == 1
    assert len(inbox.messages()) == 2 * BURST
    assert not ConsultationRequest.objects.filter(confirmation_sent_at__isnull=True).exists()
    assert not ConsultationRequest.objects.filter(staff_notified_at__isnull=True).exists()
