"""Every request is anonymised after its retention period (open ones are closed first);
erasure on request."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from bookings.models import ConsultationRequest, StatusChange
from tests.bookings.factories import ConsultationRequestFactory

pytestmark = pytest.mark.django_db


def purge(*args):
    out = StringIO()
    call_command("purge_consultation_requests", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def requests(settings):
    settings.BOOKINGS_RETENTION_DAYS = 365
    settings.BOOKINGS_OPEN_RETENTION_DAYS = 90
    old = timezone.now() - timedelta(days=400)
    open_for_long = timezone.now() - timedelta(days=100)
    recent = timezone.now() - timedelta(days=30)
    return {
        "old_closed": ConsultationRequestFactory(
            status="closed", received_at=old, phone="+447912345678"
        ),
        "old_spam": ConsultationRequestFactory(status="spam", received_at=old),
        "old_booked": ConsultationRequestFactory(status="booked", received_at=old),
        "recent_closed": ConsultationRequestFactory(status="closed", received_at=recent),
        "open_for_long": ConsultationRequestFactory(status="held", received_at=open_for_long),
        "recent_open": ConsultationRequestFactory(status="contacted", received_at=recent),
    }


def test_old_finished_requests_are_anonymised(requests):
    output = purge()

    assert "anonymised 4 consultation request(s)" in output
    for key in ("old_closed", "old_spam", "old_booked", "open_for_long"):
        request = ConsultationRequest.objects.get(pk=requests[key].pk)
        assert request.anonymised_at is not None
        assert request.name == "(anonymised)"
        assert (request.email, str(request.phone or ""), request.message, request.help_with) == (
            "",
            "",
            "",
            "",
        )
        assert request.received_at == requests[key].received_at  # Counts still add up.
    for key in ("recent_closed", "recent_open"):
        assert ConsultationRequest.objects.get(pk=requests[key].pk).anonymised_at is None

    assert "anonymised 0" in purge()


def test_a_request_nobody_closed_is_closed_with_a_line_in_its_history(requests):
    purge()

    request = ConsultationRequest.objects.get(pk=requests["open_for_long"].pk)
    assert request.status == "closed"
    change = StatusChange.objects.get(consultation_request=request)
    assert (change.from_status, change.to_status, change.changed_by) == ("held", "closed", None)


def test_dry_run_changes_nothing(requests):
    output = purge("--dry-run")

    assert "Dry run: would have anonymised 4" in output
    assert not ConsultationRequest.objects.filter(anonymised_at__isnull=False).exists()


def test_erasure_deletes_every_request_from_one_address(requests, django_user_model):
    ConsultationRequestFactory(email="zoe@example.com")
    kept = ConsultationRequestFactory(email="li@example.com")
    second = ConsultationRequestFactory(email="ZOE@example.com", status="contacted")
    StatusChange.objects.create(
        consultation_request=second, from_status="new", to_status="contacted"
    )

    output = purge("--email", "zoe@example.com")

    assert "erased 2 consultation request(s) from zoe@example.com" in output
    assert not ConsultationRequest.objects.filter(email__iexact="zoe@example.com").exists()
    assert not StatusChange.objects.exists()
    assert ConsultationRequest.objects.filter(pk=kept.pk).exists()


def test_erasure_refuses_something_that_is_not_an_address():
    with pytest.raises(CommandError):
        purge("--email", "everyone")
