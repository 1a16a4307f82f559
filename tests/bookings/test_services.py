"""The request and its emails are stored together; status changes leave a history."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from bookings import services
from bookings.antispam import Screening, Verdict
from bookings.models import ConsultationRequest, StatusChange
from bookings.tasks import send_requester_confirmation
from tests.bookings.factories import ConsultationRequestFactory

pytestmark = pytest.mark.django_db

REQUEST = {
    "name": "Zoë",
    "email": "zoe@example.com",
    "help_with": "Knee pain",
    "contact_method": "email",
    "preferred_times": ["saturday"],
}


def test_the_request_and_its_two_email_tasks_are_stored_together():
    request = services.consultation_request_create(**REQUEST)

    tasks = DBTaskResult.objects.all()
    assert ConsultationRequest.objects.get() == request
    assert {(task.task_path, tuple(task.args_kwargs["args"])) for task in tasks} == {
        ("bookings.tasks.send_staff_notification", (request.pk,)),
        ("bookings.tasks.send_requester_confirmation", (request.pk,)),
    }


def test_a_rollback_leaves_neither_the_request_nor_its_tasks():
    with pytest.raises(RuntimeError), transaction.atomic():
        services.consultation_request_create(**REQUEST)
        raise RuntimeError("the database went away")

    assert not ConsultationRequest.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_if_an_email_task_cannot_be_queued_the_request_is_not_half_stored(monkeypatch):
    def broken_enqueue(*args, **kwargs):
        raise RuntimeError("queue unavailable")

    monkeypatch.setattr(type(send_requester_confirmation), "enqueue", broken_enqueue)

    with pytest.raises(RuntimeError):
        services.consultation_request_create(**REQUEST)

    assert not ConsultationRequest.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_spam_is_stored_without_email_tasks():
    request = services.consultation_request_create(
        **REQUEST, screening=Screening("hash", Verdict.SPAM, "honeypot filled")
    )

    assert request.status == ConsultationRequest.Status.SPAM
    assert not DBTaskResult.objects.exists()


def test_a_status_change_records_who_when_from_and_to(django_user_model):
    staff = django_user_model.objects.create_user(username="sam", is_staff=True)
    request = ConsultationRequestFactory()

    services.consultation_request_change_status(
        consultation_request=request, status="contacted", changed_by=staff
    )
    services.consultation_request_change_status(
        consultation_request=request, status="contacted", changed_by=staff
    )
    request.refresh_from_db()

    assert request.status == "contacted"
    assert request.contacted_at is not None
    change = StatusChange.objects.get()
    assert (change.from_status, change.to_status, change.changed_by) == ("new", "contacted", staff)
    assert change.changed_at == request.contacted_at


def test_resend_queues_only_undelivered_emails_and_never_for_spam():
    half_sent = ConsultationRequestFactory(staff_notified_at="2026-01-01T10:00Z")
    spam = ConsultationRequestFactory(status="spam")

    assert services.consultation_request_resend_emails(consultation_request=half_sent) == 1
    assert services.consultation_request_resend_emails(consultation_request=spam) == 0
    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "bookings.tasks.send_requester_confirmation"
    ]
