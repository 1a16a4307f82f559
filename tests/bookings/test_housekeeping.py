"""`manage.py housekeeping`, run daily, keeps retention promises; /healthz notices it stopping."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bookings.models import ConsultationRequest
from bookings.services import consultation_request_create
from tests.bookings.factories import ConsultationRequestFactory

pytestmark = pytest.mark.django_db


def housekeeping() -> str:
    out = StringIO()
    call_command("housekeeping", stdout=out)
    return out.getvalue()


@pytest.fixture
def an_old_finished_task(settings):
    """An email task that finished longer ago than task results are kept."""
    settings.TASK_RESULTS_RETENTION_DAYS = 14
    request = consultation_request_create(
        name="Sam", email="sam@example.com", help_with="Knee", contact_method="email"
    )
    long_ago = timezone.now() - timedelta(days=30)
    DBTaskResult.objects.filter(args_kwargs__args=[request.pk]).update(
        status="SUCCESSFUL", finished_at=long_ago, started_at=long_ago
    )


def test_housekeeping_anonymises_expired_requests_and_prunes_old_task_results(
    settings, an_old_finished_task
):
    settings.BOOKINGS_OPEN_RETENTION_DAYS = 90
    forgotten = ConsultationRequestFactory(received_at=timezone.now() - timedelta(days=120))

    output = housekeeping()

    assert "Anonymised 1 consultation request(s)" in output
    forgotten.refresh_from_db()
    assert (forgotten.status, forgotten.anonymised_at is not None) == ("closed", True)
    assert not DBTaskResult.objects.exists()


def test_healthz_fails_when_personal_data_outlives_its_retention(client, settings):
    settings.BOOKINGS_OPEN_RETENTION_DAYS = 90
    ConsultationRequestFactory(received_at=timezone.now() - timedelta(days=95))

    response = client.get("/healthz")

    assert response.status_code == 503
    assert "housekeeping has stopped" in response.json()["reason"]
    assert "retention" in response.json()["reason"]

    housekeeping()
    assert client.get("/healthz").status_code == 200


def test_healthz_fails_when_task_results_are_not_pruned(client, an_old_finished_task):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert "old task results are not being pruned" in response.json()["reason"]


def test_a_request_inside_its_retention_period_is_healthy_and_kept(client, settings):
    settings.BOOKINGS_OPEN_RETENTION_DAYS = 90
    kept = ConsultationRequestFactory(received_at=timezone.now() - timedelta(days=60))

    housekeeping()

    assert client.get("/healthz").status_code == 200
    assert ConsultationRequest.objects.get(pk=kept.pk).anonymised_at is None
