"""Email tasks. Their django-tasks-db rows are the outbox: they commit with the request.

Neither django.tasks nor django-tasks-db retries a failed task, so these re-enqueue themselves
after RETRY_DELAYS. Each locks its request and checks the "sent at" field first, so a task that
runs twice still sends once. docs/bookings.md, "When the mail server fails".
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from . import emails
from .models import ConsultationRequest

logger = logging.getLogger(__name__)

RETRY_DELAYS = [
    timedelta(minutes=minutes) for minutes in (1, 2, 4, 8, 15, 30, 60, 120, 240, 360, 360, 360, 360)
]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


class EmailDeliveryFailed(Exception):
    """Raised after the failure is recorded, so the task's own row also shows it failed."""


def _always(consultation_request: ConsultationRequest) -> bool:
    return True


def _not_cancelled(consultation_request: ConsultationRequest) -> bool:
    """A booking cancelled before its confirmation went gets the cancellation alone."""
    return consultation_request.status != ConsultationRequest.Status.CANCELLED


def _cancelled(consultation_request: ConsultationRequest) -> bool:
    return consultation_request.status == ConsultationRequest.Status.CANCELLED


@dataclass(frozen=True)
class RequestEmail:
    """One of the emails a request sends: the two on arrival, and a booking's cancellation."""

    name: str  # in log lines and in the error note staff see
    sent_field: str  # the request's field that records it went
    build: Callable[[ConsultationRequest], EmailMessage]
    # Whether it is still worth sending, checked under the lock just before it goes.
    still_due: Callable[[ConsultationRequest], bool] = _always


STAFF_NOTIFICATION = RequestEmail("staff", "staff_notified_at", emails.staff_notification)
CONFIRMATION = RequestEmail(
    "confirmation", "confirmation_sent_at", emails.requester_confirmation, _not_cancelled
)
BOOKING_CANCELLATION = RequestEmail(
    "cancellation", "cancellation_sent_at", emails.booking_cancellation, _cancelled
)


# Each task is the email it sends and itself, to enqueue again for a retry.
@task
def send_staff_notification(request_id: int, attempt: int = 1) -> str:
    return send_request_email(STAFF_NOTIFICATION, send_staff_notification, request_id, attempt)


@task
def send_requester_confirmation(request_id: int, attempt: int = 1) -> str:
    return send_request_email(CONFIRMATION, send_requester_confirmation, request_id, attempt)


@task
def send_booking_cancellation(request_id: int, attempt: int = 1) -> str:
    return send_request_email(BOOKING_CANCELLATION, send_booking_cancellation, request_id, attempt)


@task
def send_busy_hour_alert() -> str:
    """Tells staff that the site-wide hourly cap was reached and further requests are held.
    Sent once an hour at most; it names no one (antispam.screen decides when)."""
    mailers.default.send_messages([emails.busy_hour_alert()])
    return "sent"


# What identifies our email tasks in django-tasks-db's table (/healthz watches them too).
EMAIL_TASK_PATHS = [
    email_task.module_path
    for email_task in (
        send_staff_notification,
        send_requester_confirmation,
        send_booking_cancellation,
    )
]


def email_tasks_requeue_stalled(*, stalled_for: timedelta) -> int:
    """Hands back to the queue the email tasks a dead worker left marked running forever.

    Only our email tasks are safe to run twice (docs/operations.md, "Stalled email tasks").
    """
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING,
        task_path__in=EMAIL_TASK_PATHS,
        started_at__lt=timezone.now() - stalled_for,
    ).update(status=TaskResultStatus.READY, started_at=None)


def retry_delay(attempt: int) -> timedelta | None:
    """How long to wait after failed attempt number `attempt`; None means give up."""
    if attempt < 1 or attempt > len(RETRY_DELAYS):
        return None
    return RETRY_DELAYS[attempt - 1]


def send_request_email(email: RequestEmail, retry, request_id: int, attempt: int, /) -> str:
    """Sends one email of a request, once; on failure, notes it and enqueues `retry` for later."""
    sent_field = email.sent_field
    with transaction.atomic():
        consultation_request = (
            ConsultationRequest.objects.select_for_update().filter(pk=request_id).first()
        )
        if consultation_request is None:
            return "not sent: the request no longer exists"
        if getattr(consultation_request, sent_field) is not None:
            return "not sent: already sent"
        if not consultation_request.may_be_emailed:
            return "not sent: held, spam or anonymised"
        if not email.still_due(consultation_request):
            return "not sent: no longer due"

        message = email.build(consultation_request)
        now = timezone.now()
        consultation_request.email_attempts += 1
        try:
            mailers.default.send_messages([message])
        except OSError as error:  # smtplib.SMTPException is an OSError too.
            failure = error
            delay = retry_delay(attempt)
            note = f"{timezone.localtime(now):%d %b %Y %H:%M} {email.name} email, "
            note += f"attempt {attempt}: {type(error).__name__}: {error}"
            if delay is not None:
                retry_at = now + delay
                retry.using(run_after=retry_at).enqueue(request_id, attempt=attempt + 1)
                note += f". Retrying at {timezone.localtime(retry_at):%H:%M}."
            else:
                note += ". Gave up: use “Resend emails” once the mail server works."
            consultation_request.last_email_error = note[:2000]
            consultation_request.save(
                update_fields=["email_attempts", "last_email_error", "updated_at"]
            )
        else:
            setattr(consultation_request, sent_field, now)
            if consultation_request.staff_notified_at and consultation_request.confirmation_sent_at:
                consultation_request.last_email_error = ""
            consultation_request.save(
                update_fields=[sent_field, "email_attempts", "last_email_error", "updated_at"]
            )
            return "sent"
    logger.warning("Request %s: %s email failed (attempt %s)", request_id, email.name, attempt)
    raise EmailDeliveryFailed(f"{email.name} email for request {request_id} failed") from failure
