"""Both emails reach a real SMTP server; when it is down they wait and arrive exactly once."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bookings import tasks
from bookings.models import ConsultationRequest
from tests.bookings.factories import ConsultationRequestFactory
from tests.mail_server import run_worker

pytestmark = pytest.mark.django_db

STAFF = ["frontdesk@unity-clinic.example", "physio@unity-clinic.example"]
FROM = "Unity Physiotherapy <hello@unity-clinic.example>"


@pytest.fixture
def smtp_port(smtp_port, settings):
    settings.BOOKINGS_NOTIFY_EMAILS = STAFF
    settings.DEFAULT_FROM_EMAIL = FROM
    return smtp_port


def let_retries_fall_due():
    """Instead of waiting for the backoff, bring every waiting retry forward to now."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def by_recipient(messages):
    return {tuple(rcpts): message for rcpts, message in messages}


# The worker commits and checks its connection like the real one, so these run outside the
# per-test transaction.
@pytest.mark.django_db(transaction=True)
def test_a_worker_run_delivers_both_emails_through_real_smtp(
    client, form_data, article, start_smtp
):
    inbox = start_smtp()
    response = client.post("/book/", form_data(article=article.slug, email="zoe@example.com"))
    assert response.status_code == 302

    run_worker()

    request = ConsultationRequest.objects.get()
    messages = by_recipient(inbox.messages())
    assert set(messages) == {tuple(STAFF), ("zoe@example.com",)}

    staff = messages[tuple(STAFF)]
    assert staff["From"] == FROM
    assert staff["Reply-To"] == "zoe@example.com"
    assert staff["To"] == ", ".join(STAFF)
    assert staff["Cc"] is None and staff["Bcc"] is None
    # Safe on a lock screen: a request number and the article's topic, no name or health detail.
    assert staff["Subject"] == f"New consultation request #{request.pk} – Low back pain"
    text = staff.get_body(("plain",)).get_content()
    html = staff.get_body(("html",)).get_content()
    admin_url = (
        f"{django_settings.SITE_URL}/admin/bookings/consultationrequest/{request.pk}/change/"
    )
    for body in (text, html):
        assert "Zoë Ångström" in body
        assert "+44 7912 345678" in body
        assert "Low back pain" in body
        assert "Weekday mornings, Saturday" in body
        assert "It hurts when I bend." in body
        assert article.title in body
        assert f"{django_settings.SITE_URL}{article.get_absolute_url()}" in body
        assert admin_url in body

    confirmation = messages[("zoe@example.com",)]
    assert confirmation["From"] == FROM
    assert confirmation["To"] == "zoe@example.com"
    text = confirmation.get_body(("plain",)).get_content()
    assert "within one working day" in text
    assert django_settings.CLINIC["phone"] in text
    # No health details in the requester's inbox.
    for body in (text, confirmation.get_body(("html",)).get_content()):
        assert "Low back pain" not in body
        assert "It hurts" not in body

    assert request.staff_notified_at and request.confirmation_sent_at
    assert request.last_email_error == ""


@pytest.mark.django_db(transaction=True)
def test_when_smtp_is_down_the_request_is_kept_and_sent_once_it_is_back(
    client, form_data, start_smtp
):
    response = client.post("/book/", form_data(), follow=True)
    assert "Thank you" in response.text

    run_worker()  # The mail server is down.

    request = ConsultationRequest.objects.get()
    assert request.staff_notified_at is None and request.confirmation_sent_at is None
    assert "ConnectionRefusedError" in request.last_email_error
    assert "Retrying" in request.last_email_error
    assert ConsultationRequest.objects.email_failed().get() == request
    waiting = DBTaskResult.objects.filter(status="READY")
    assert waiting.count() == 2
    # The first retry comes within about a minute.
    assert all(
        timezone.now() < task.run_after <= timezone.now() + timedelta(minutes=1) for task in waiting
    )

    run_worker()  # Nothing is due yet: still nothing sent, nothing lost.
    assert DBTaskResult.objects.filter(status="READY").count() == 2

    inbox = start_smtp()
    let_retries_fall_due()
    run_worker()
    let_retries_fall_due()
    run_worker()

    recipients = sorted(tuple(rcpts) for rcpts, _ in inbox.messages())
    assert recipients == sorted([tuple(STAFF), ("zoe@example.com",)])
    request.refresh_from_db()
    assert request.staff_notified_at and request.confirmation_sent_at
    assert request.last_email_error == ""
    assert request.email_attempts == 4
    assert not ConsultationRequest.objects.email_failed().exists()


def test_a_task_that_runs_twice_sends_once():
    request = ConsultationRequestFactory()

    tasks.send_staff_notification.call(request.pk)
    tasks.send_staff_notification.call(request.pk)
    tasks.send_requester_confirmation.call(request.pk)
    tasks.send_requester_confirmation.call(request.pk)

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [request.email, django_settings.BOOKINGS_NOTIFY_EMAILS[0]]
    )


def test_retries_back_off_for_more_than_a_day_then_stop():
    delays = [tasks.retry_delay(attempt) for attempt in range(1, tasks.MAX_ATTEMPTS + 1)]

    assert delays[0] <= timedelta(minutes=1)
    assert delays[:-1] == sorted(delays[:-1])
    assert sum(delays[:-1], timedelta()) >= timedelta(days=1)
    assert delays[-1] is None


def test_after_the_last_attempt_the_failure_stays_visible_and_resend_starts_again(smtp_port):
    request = ConsultationRequestFactory()

    with pytest.raises(tasks.EmailDeliveryFailed):
        tasks.send_staff_notification.call(request.pk, attempt=tasks.MAX_ATTEMPTS)

    request.refresh_from_db()
    assert "Gave up" in request.last_email_error
    assert not DBTaskResult.objects.exists()  # No further retry.
    assert ConsultationRequest.objects.email_failed().get() == request


def test_spam_and_anonymised_requests_are_never_emailed():
    spam = ConsultationRequestFactory(status="spam")
    gone = ConsultationRequestFactory(anonymised_at=timezone.now())

    for request in (spam, gone):
        tasks.send_staff_notification.call(request.pk)
        tasks.send_requester_confirmation.call(request.pk)

    assert mail.outbox == []
