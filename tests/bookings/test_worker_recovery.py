"""A worker killed mid-task: the task runs again and the email still goes out exactly once."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bookings.services import consultation_request_create
from tests.mail_server import run_worker

# The worker commits like the real one: outside the test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def consultation_request(settings):
    settings.BOOKINGS_NOTIFY_EMAILS = ["front-desk@unity-clinic.example"]
    return consultation_request_create(
        name="Zoë Reader",
        email="zoe@example.org",
        help_with="Low back pain",
        contact_method="email",
    )


def killed_mid_task(*, minutes_ago):
    """What a worker leaves behind when it dies while sending the staff notification."""
    task_row = DBTaskResult.objects.get(task_path__endswith="send_staff_notification")
    task_row.claim("worker-that-died")
    DBTaskResult.objects.filter(pk=task_row.pk).update(
        started_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return task_row


def requeue_stalled():
    output = StringIO()
    call_command("requeue_stalled_emails", stdout=output)
    return output.getvalue()


def staff_notifications(inbox):
    return [rcpts for rcpts, _ in inbox.messages() if rcpts == ["front-desk@unity-clinic.example"]]


def test_a_task_left_running_by_a_dead_worker_runs_again_and_sends_once(
    consultation_request, start_smtp
):
    inbox = start_smtp()
    killed_mid_task(minutes_ago=15)
    run_worker()
    assert staff_notifications(inbox) == []  # The dead worker's task is stuck.

    assert "1 stalled email task(s)" in requeue_stalled()
    run_worker()
    run_worker()

    consultation_request.refresh_from_db()
    assert consultation_request.staff_notified_at is not None
    assert len(staff_notifications(inbox)) == 1
    assert len(inbox.messages()) == 2


def test_an_email_the_dead_worker_did_send_is_not_sent_again(consultation_request, start_smtp):
    inbox = start_smtp()
    run_worker()
    assert len(staff_notifications(inbox)) == 1
    # As if the worker died after recording the send but before marking its task finished.
    DBTaskResult.objects.filter(task_path__endswith="send_staff_notification").update(
        status="RUNNING", started_at=timezone.now() - timedelta(minutes=30)
    )

    requeue_stalled()
    run_worker()

    assert len(staff_notifications(inbox)) == 1


def test_a_task_still_within_its_time_is_left_alone(consultation_request):
    task_row = killed_mid_task(minutes_ago=1)

    assert "0 stalled email task(s)" in requeue_stalled()
    task_row.refresh_from_db()
    assert task_row.status == "RUNNING"
