"""/healthz, for the load balancer: 200 when the site can serve, 503 with a reason when not."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bookings.services import consultation_request_create

pytestmark = pytest.mark.django_db

URL = "/healthz"


def a_request_sent(at):
    """A consultation request received at `at`, its two emails waiting in the outbox."""
    with time_machine.travel(at, tick=False):
        return consultation_request_create(
            name="Sam Patel",
            email="sam.patel@example.com",
            help_with="Knee pain",
            contact_method="email",
        )


def test_healthy_site_answers_200_with_json(client):
    response = client.get(URL)

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["oldest_unsent_email_seconds"] is None


def test_it_is_never_cached_and_sets_no_cookie(client):
    response = client.get(URL)

    assert "no-store" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    assert not response.cookies


def test_emails_waiting_briefly_are_healthy(client, settings):
    settings.HEALTHZ_MAX_EMAIL_AGE_SECONDS = 900
    a_request_sent(timezone.now() - timedelta(minutes=2))

    response = client.get(URL)

    assert response.status_code == 200
    assert 110 <= response.json()["checks"]["oldest_unsent_email_seconds"] <= 130


def test_an_email_nobody_has_sent_for_too_long_makes_it_unhealthy(client, settings):
    settings.HEALTHZ_MAX_EMAIL_AGE_SECONDS = 900
    a_request_sent(timezone.now() - timedelta(minutes=20))

    response = client.get(URL)

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert "oldest unsent email" in response.json()["reason"]


def test_an_email_waiting_for_its_retry_time_is_not_late(client, settings):
    """A retry scheduled for later (the mail server was down) is the backoff working."""
    settings.HEALTHZ_MAX_EMAIL_AGE_SECONDS = 900
    a_request_sent(timezone.now() - timedelta(hours=3))
    DBTaskResult.objects.update(run_after=timezone.now() + timedelta(minutes=30))

    assert client.get(URL).status_code == 200

    # Once the retry falls due and no worker picks it up, it counts from its retry time.
    DBTaskResult.objects.update(run_after=timezone.now() - timedelta(minutes=16))
    assert client.get(URL).status_code == 503


def test_an_email_left_running_by_a_killed_worker_counts_as_unsent(client, settings):
    settings.HEALTHZ_MAX_EMAIL_AGE_SECONDS = 900
    a_request_sent(timezone.now() - timedelta(minutes=20))
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now())

    response = client.get(URL)

    assert response.status_code == 503
    assert "oldest unsent email" in response.json()["reason"]


def test_sent_emails_do_not_count(client, settings):
    settings.HEALTHZ_MAX_EMAIL_AGE_SECONDS = 900
    a_request_sent(timezone.now() - timedelta(hours=3))
    DBTaskResult.objects.update(status="SUCCESSFUL")

    assert client.get(URL).status_code == 200


def test_the_email_check_can_be_turned_off(client, settings):
    settings.HEALTHZ_MAX_EMAIL_AGE_SECONDS = 0
    a_request_sent(timezone.now() - timedelta(days=2))

    assert client.get(URL).status_code == 200


def test_an_unreachable_database_makes_it_unhealthy(client):
    with mock.patch(
        "unity_site.health.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get(URL)

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "reason": "database unreachable",
        "checks": {"database": "unreachable"},
    }
