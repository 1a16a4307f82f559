"""Staff cancel a booked time: the slot is free again, the history says who did it, and the
reader gets one email whose calendar file removes the entry from their calendar."""

import pytest
import time_machine
from django.core import mail
from icalendar import Calendar

from bookings import availability
from bookings.antispam import Screening, Verdict
from bookings.models import ConsultationRequest
from bookings.services import consultation_booking_cancel, consultation_booking_create
from tests.bookings.clinic_hours import MONDAY_MORNING, at, clinician_with_hours, policy
from tests.mail_server import run_worker

# The worker commits and checks its connection like the real one, so these run outside the
# per-test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def priya():
    policy()
    return clinician_with_hours()


@pytest.fixture
def staff_member(django_user_model):
    return django_user_model.objects.create_user(username="sam", is_staff=True)


def book(clinician, *, screening=None) -> ConsultationRequest:
    return consultation_booking_create(
        name="Zoë Ångström",
        email="zoe@example.com",
        starts_at=at(14, 9),
        clinician_id=clinician.pk,
        screening=screening,
    )


def event_of(message) -> tuple[str, object]:
    """The METHOD and the event of the .ics attached to an email."""
    (part,) = [
        part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"
    ]
    calendar = Calendar.from_ical(part.get_content())
    (event,) = calendar.walk("VEVENT")
    return str(calendar["METHOD"]), event


@time_machine.travel(MONDAY_MORNING, tick=True)
def test_a_cancelled_booking_sends_the_reader_one_calendar_cancellation_for_the_same_entry(
    priya, staff_member, start_smtp
):
    inbox = start_smtp()
    booking = book(priya)
    run_worker()
    invite = next(m for rcpts, m in inbox.messages() if rcpts == ["zoe@example.com"])

    cancelled = consultation_booking_cancel(booking=booking, cancelled_by=staff_member)
    consultation_booking_cancel(booking=booking, cancelled_by=staff_member)  # pressed twice
    run_worker()
    run_worker()

    to_reader = [m for rcpts, m in inbox.messages() if rcpts == ["zoe@example.com"]]
    assert len(to_reader) == 2  # the invite, then exactly one cancellation
    cancellation = to_reader[1]
    assert cancellation["Subject"].startswith("Cancelled: your free consultation on Mon 14 Dec")
    invite_method, invite_event = event_of(invite)
    method, event = event_of(cancellation)
    assert (invite_method, method) == ("REQUEST", "CANCEL")
    assert str(event["UID"]) == str(invite_event["UID"])
    assert event["SEQUENCE"] > invite_event["SEQUENCE"]
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("DTSTART") == at(14, 9)

    assert cancelled.status == ConsultationRequest.Status.CANCELLED
    assert cancelled.cancellation_sent_at is None  # the worker sets it...
    cancelled.refresh_from_db()
    assert cancelled.cancellation_sent_at is not None  # ...once it went
    change = cancelled.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == (
        "booked",
        "cancelled",
        staff_member,
    )
    # The time is free again for someone else.
    assert at(14, 9) in [slot.starts_at for slot in availability.free_slots()]


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_a_booking_cancelled_before_its_confirmation_went_sends_only_the_cancellation(
    priya, staff_member
):
    booking = book(priya)

    consultation_booking_cancel(booking=booking, cancelled_by=staff_member)
    run_worker()

    assert [message.subject for message in mail.outbox if message.to == ["zoe@example.com"]] == [
        "Cancelled: your free consultation on Mon 14 Dec at 09:00 – "
        "Unity Physiotherapy & Rehabilitation"
    ]


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_a_held_booking_that_staff_cancel_emails_no_one(priya, staff_member):
    held = book(priya, screening=Screening("client", Verdict.HOLD, "rate limit exceeded"))

    consultation_booking_cancel(booking=held, cancelled_by=staff_member)
    run_worker()

    assert mail.outbox == []
    held.refresh_from_db()
    assert held.status == ConsultationRequest.Status.CANCELLED


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_cancelling_without_telling_the_reader_still_frees_the_slot(priya, staff_member):
    booking = book(priya)
    run_worker()
    mail.outbox.clear()

    consultation_booking_cancel(booking=booking, cancelled_by=staff_member, notify_reader=False)
    run_worker()

    assert mail.outbox == []
    assert at(14, 9) in [slot.starts_at for slot in availability.free_slots()]
