"""A reader's private link to their booking (issue 15, docs/bookings.md, "Changing or cancelling
a booking"): it opens the booking from the confirmation email, moves it to another free time or
cancels it, with updated calendar files for the reader and a note to staff, and refuses
everything else with a clear page."""

import re
import secrets
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from bookings import availability, services
from bookings.antispam import Screening, Verdict
from bookings.models import ConsultationRequest
from bookings.services import (
    BookingChangeRefused,
    SlotTaken,
    consultation_booking_cancel,
    consultation_booking_create,
    consultation_booking_reschedule,
)
from tests.bookings.clinic_hours import MONDAY_MORNING, at, clinician_with_hours, policy, slot_value
from tests.mail_server import run_worker

# The worker commits and checks its connection like the real one.
pytestmark = pytest.mark.django_db(transaction=True)

MANAGE_LINK = re.compile(r"https?://[^\s\"<>]+(/book/manage/[A-Za-z0-9_-]{43}/)")
PHONE = "01632 960 123"


@pytest.fixture(autouse=True)
def clinic(settings):
    settings.CLINIC = {**settings.CLINIC, "phone": PHONE}
    settings.BOOKINGS_CHANGE_CUTOFF_MINUTES = 120
    settings.BOOKINGS_MANAGE_RATE_LIMIT = "20/10m"
    settings.BOOKINGS_NOTIFY_EMAILS = ["desk@unity.example"]


@pytest.fixture
def priya():
    policy()
    return clinician_with_hours()


def book(clinician, *, starts_at=None, email="zoe@example.com", screening=None):
    return consultation_booking_create(
        name="Zoë Ångström",
        email=email,
        starts_at=starts_at or at(14, 9),
        clinician_id=clinician.pk,
        screening=screening,
    )


def booked_and_emailed(clinician, start_smtp):
    """Books a time with the test mail server listening, and sends the emails that follow."""
    inbox = start_smtp()
    booking = book(clinician)
    run_worker()
    return inbox, booking


def to(inbox, address):
    return [message for rcpts, message in inbox.messages() if rcpts == [address]]


def event_of(message):
    """The METHOD and the event of the .ics attached to an email (or served as a file)."""
    if isinstance(message, bytes):
        ics = message
    else:
        (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
        ics = part.get_content()
    calendar = Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    return str(calendar["METHOD"]), event


def manage_path(message) -> str:
    """The manage link in an email's plain text, as a path on this site."""
    return MANAGE_LINK.search(message.get_body(("plain",)).get_content())[1]


def link(booking) -> str:
    return f"/book/manage/{booking.manage_token()}/"


def snapshot(booking):
    """What a change would change: the row's time and state, and the outbox."""
    booking.refresh_from_db()
    row = (
        booking.status,
        booking.clinician_id,
        booking.starts_at,
        booking.ends_at,
        booking.calendar_sequence,
        booking.confirmation_sent_at,
        booking.staff_notified_at,
    )
    return row, DBTaskResult.objects.count()


# The link and its secret.


def test_only_a_hash_of_the_secret_is_stored(priya):
    with time_machine.travel(MONDAY_MORNING, tick=True):
        booking = book(priya)
    token = booking.manage_token()
    assert len(token) == 43  # 32 bytes, URL-safe base64
    booking.refresh_from_db()
    assert booking.manage_token_hash and token not in booking.manage_token_hash
    stored = [str(value) for value in ConsultationRequest.objects.values_list().get(pk=booking.pk)]
    assert not any(token in value for value in stored)
    tasks = [str(task.args_kwargs) for task in DBTaskResult.objects.all()]
    assert tasks and not any(token in task for task in tasks)


@time_machine.travel(MONDAY_MORNING, tick=True)
def test_the_confirmation_emails_manage_link_opens_the_booking(priya, start_smtp, client):
    inbox, booking = booked_and_emailed(priya, start_smtp)
    (confirmation,) = to(inbox, "zoe@example.com")
    path = manage_path(confirmation)
    assert (
        f'href="https://www.unity-clinic.example{path}"'
        in confirmation.get_body(("html",)).get_content()
    )

    response = client.get(path)

    assert response.status_code == 200
    page = response.content.decode()
    assert booking.booking_reference in page
    assert "Monday 14 December 2026" in page
    assert 'action="' + path + "move/" in page and 'action="' + path + 'cancel/"' in page
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    )
    assert response["Referrer-Policy"] == "same-origin"


@time_machine.travel(MONDAY_MORNING, tick=True)
def test_the_booked_page_carries_the_manage_link(priya, client):
    from bookings.views import booked_token

    booking = book(priya)
    response = client.get(f"/book/booked/{booked_token(booking)}/")
    assert link(booking) in response.content.decode()


# Moving a booking.


@time_machine.travel(MONDAY_MORNING, tick=True)
def test_a_reschedule_moves_the_same_booking_and_sends_an_updated_invite(priya, start_smtp, client):
    inbox, booking = booked_and_emailed(priya, start_smtp)
    (first,) = to(inbox, "zoe@example.com")

    response = client.post(link(booking) + "move/", {"slot": slot_value(at(14, 9, 20), priya.pk)})

    assert response.status_code == 302
    assert response["Location"] == link(booking) + "?moved=1"
    assert "has moved" in client.get(response["Location"]).content.decode()
    assert ConsultationRequest.objects.count() == 1
    booking.refresh_from_db()
    assert (booking.starts_at, booking.ends_at) == (at(14, 9, 20), at(14, 9, 40))
    assert booking.calendar_sequence == 1
    assert booking.status == ConsultationRequest.Status.BOOKED
    # The old time is free again; the new one is not.
    free = {slot.starts_at for slot in availability.free_slots(clinician_ids=[priya.pk])}
    assert at(14, 9) in free and at(14, 9, 20) not in free

    run_worker()
    first_method, first_event = event_of(first)
    (_, update) = to(inbox, "zoe@example.com")
    method, event = event_of(update)
    assert update["Subject"].startswith("New time: your free consultation on Mon 14 Dec at 09:20")
    assert (first_method, method) == ("REQUEST", "REQUEST")
    assert str(event["UID"]) == str(first_event["UID"])
    assert (first_event["SEQUENCE"], event["SEQUENCE"]) == (0, 1)
    assert event.decoded("DTSTART") == at(14, 9, 20)
    assert manage_path(update) == link(booking)  # the same link still works

    # The invite served through the link is the same entry, as it is now.
    method, event = event_of(client.get(link(booking) + "consultation.ics").content)
    assert (method, str(event["UID"]), event["SEQUENCE"]) == ("REQUEST", str(first_event["UID"]), 1)


@time_machine.travel(MONDAY_MORNING, tick=True)
def test_a_reschedule_to_a_taken_time_changes_nothing(priya, client):
    booking = book(priya)
    book(priya, starts_at=at(14, 9, 40), email="someone@example.com")
    before = snapshot(booking)

    response = client.post(link(booking) + "move/", {"slot": slot_value(at(14, 9, 40), priya.pk)})

    assert response.status_code == 400
    assert "Your booking has not changed" in response.content.decode()
    assert snapshot(booking) == before


@time_machine.travel(MONDAY_MORNING, tick=True)
def test_the_database_refuses_a_time_taken_after_it_was_checked_and_nothing_changes(priya):
    booking = book(priya)
    other = book(priya, starts_at=at(14, 9, 40), email="someone@example.com")
    before = snapshot(booking)
    # The schedule has not yet seen the other booking (it was made a moment ago).
    taken_slot = availability.Slot(
        clinician_id=priya.pk, starts_at=other.starts_at, ends_at=other.ends_at
    )
    with (
        mock.patch.object(availability, "is_free", return_value=taken_slot),
        pytest.raises(SlotTaken),
    ):
        consultation_booking_reschedule(booking=booking, starts_at=at(14, 9, 40))
    assert snapshot(booking) == before


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the exclusion constraint is PostgreSQL's"
)
@time_machine.travel(MONDAY_MORNING, tick=True)
def test_postgresql_refuses_a_move_onto_an_overlapping_time_and_nothing_changes(priya):
    booking = book(priya)
    book(priya, starts_at=at(14, 9, 40), email="someone@example.com")
    before = snapshot(booking)
    # Another start, overlapping 09:40-10:00 (say the slot length changed meanwhile).
    overlapping = availability.Slot(
        clinician_id=priya.pk, starts_at=at(14, 9, 30), ends_at=at(14, 9, 50)
    )
    with (
        mock.patch.object(availability, "is_free", return_value=overlapping),
        pytest.raises(SlotTaken),
    ):
        consultation_booking_reschedule(booking=booking, starts_at=at(14, 9, 30))
    assert snapshot(booking) == before


@time_machine.travel(MONDAY_MORNING, tick=True)
def test_a_time_the_clinician_does_not_offer_is_refused(priya):
    booking = book(priya)
    before = snapshot(booking)
    with pytest.raises(SlotTaken):
        consultation_booking_reschedule(booking=booking, starts_at=at(14, 12))
    assert snapshot(booking) == before


# Cancelling.


@time_machine.travel(MONDAY_MORNING, tick=True)
def test_cancel_through_the_link_sends_the_calendar_cancellation(priya, start_smtp, client):
    inbox, booking = booked_and_emailed(priya, start_smtp)

    response = client.post(link(booking) + "cancel/")

    assert response.status_code == 302
    assert response["Location"].startswith("/book/booked/")
    assert "This booking is cancelled" in client.get(response["Location"]).content.decode()
    booking.refresh_from_db()
    assert booking.status == ConsultationRequest.Status.CANCELLED
    assert booking.status_changes.get().changed_by is None
    run_worker()
    (invite, cancellation) = to(inbox, "zoe@example.com")
    method, event = event_of(cancellation)
    assert method == "CANCEL"
    assert str(event["UID"]) == str(event_of(invite)[1]["UID"])
    assert event["SEQUENCE"] == 1
    # The slot is free again, and the link now says the booking is cancelled.
    assert availability.is_free(clinician_id=priya.pk, starts_at=at(14, 9)) is not None
    assert client.get(link(booking)).status_code == 410


# Staff hear of both.


@time_machine.travel(MONDAY_MORNING, tick=True)
def test_staff_are_emailed_when_the_reader_moves_and_when_they_cancel(priya, start_smtp, client):
    inbox, booking = booked_and_emailed(priya, start_smtp)
    client.post(link(booking) + "move/", {"slot": slot_value(at(14, 9, 20), priya.pk)})
    run_worker()
    client.post(link(booking) + "cancel/")
    run_worker()

    subjects = [message["Subject"] for message in to(inbox, "desk@unity.example")]
    assert subjects == [
        f"Booked consultation #{booking.pk} – Mon 14 Dec 09:00 with Priya Raman",
        f"Rescheduled by the reader: consultation #{booking.pk} – now Mon 14 Dec 09:20 with "
        "Priya Raman",
        f"Cancelled consultation #{booking.pk} – Mon 14 Dec 09:20 with Priya Raman",
    ]
    # Safe on a lock screen: nothing the reader typed.
    assert not any("Zoë" in subject for subject in subjects)
    moved = to(inbox, "desk@unity.example")[1]
    assert "Zoë Ångström" in moved.get_body(("plain",)).get_content()
    booking.refresh_from_db()
    assert booking.staff_notified_at is not None


# Refused: too late, gone, unknown.


def test_inside_the_cut_off_both_changes_are_refused_with_the_phone_number(priya, client):
    with time_machine.travel(MONDAY_MORNING, tick=True):
        booking = book(priya)
    before = snapshot(booking)
    with time_machine.travel(at(14, 7, 30), tick=True):  # 90 minutes before
        page = client.get(link(booking))
        moved = client.post(link(booking) + "move/", {"slot": slot_value(at(14, 9, 20), priya.pk)})
        cancelled = client.post(link(booking) + "cancel/")
        with pytest.raises(BookingChangeRefused):
            services.consultation_booking_cancel_by_reader(booking=booking)

    assert page.status_code == 200
    for response in (page, moved, cancelled):
        text = response.content.decode()
        assert "too late to change this booking online" in text
        assert PHONE in text
        assert 'id="cancel-form"' not in text
    assert (moved.status_code, cancelled.status_code) == (403, 403)
    assert snapshot(booking) == before


def test_a_past_booking_is_gone(priya, client):
    with time_machine.travel(MONDAY_MORNING, tick=True):
        booking = book(priya)
    before = snapshot(booking)
    with time_machine.travel(at(14, 9, 10), tick=True):  # during: still inside the cut-off
        assert client.get(link(booking)).status_code == 200
    with time_machine.travel(at(14, 10), tick=True):
        for response in (
            client.get(link(booking)),
            client.get(link(booking) + "consultation.ics"),
            client.post(link(booking) + "cancel/"),
        ):
            assert response.status_code == 410
            assert "This booking has passed" in response.content.decode()
    assert snapshot(booking) == before


@time_machine.travel(MONDAY_MORNING, tick=True)
def test_a_cancelled_booking_is_gone(priya, client):
    booking = book(priya)
    consultation_booking_cancel(booking=booking, cancelled_by=None)
    response = client.get(link(booking))
    assert response.status_code == 410
    assert "This booking is cancelled" in response.content.decode()
    assert (
        client.post(
            link(booking) + "move/", {"slot": slot_value(at(14, 9, 20), priya.pk)}
        ).status_code
        == 410
    )


@time_machine.travel(MONDAY_MORNING, tick=True)
def test_unknown_tampered_and_held_links_are_not_found_and_say_nothing(priya, client):
    booking = book(priya)
    held = book(
        priya,
        starts_at=at(14, 9, 40),
        email="held@example.com",
        screening=Screening(client_hash="", verdict=Verdict.HOLD, reason="rate limit exceeded"),
    )
    token = booking.manage_token()
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for path in (
        f"/book/manage/{secrets.token_urlsafe(32)}/",
        f"/book/manage/{tampered}/",
        f"/book/manage/{token[:20]}/",
        f"/book/manage/{token}x/",
        f"/book/manage/{booking.pk}/",
        f"/book/manage/{booking.manage_token_hash}/",
        link(held),
        f"/book/manage/{secrets.token_urlsafe(32)}/cancel/",
    ):
        response = client.post(path) if path.endswith("cancel/") else client.get(path)
        assert response.status_code == 404, path
        text = response.content.decode()
        assert "We cannot find this booking" in text
        assert booking.booking_reference not in text and held.booking_reference not in text
    booking.refresh_from_db()
    assert booking.status == ConsultationRequest.Status.BOOKED


# Reading changes nothing; changing needs POST and CSRF; attempts are limited.


@time_machine.travel(MONDAY_MORNING, tick=True)
def test_gets_change_nothing(priya, client):
    booking = book(priya)
    before = snapshot(booking)
    for path in ("", "move/", "cancel/", "consultation.ics"):
        response = client.get(link(booking) + path, {"slot": slot_value(at(14, 9, 20), priya.pk)})
        assert response.status_code in {200, 405}
    assert client.get(link(booking) + "cancel/").status_code == 405
    assert snapshot(booking) == before


@time_machine.travel(MONDAY_MORNING, tick=True)
def test_changes_need_the_csrf_token(priya):
    booking = book(priya)
    before = snapshot(booking)
    client = Client(enforce_csrf_checks=True)
    assert client.post(link(booking) + "cancel/").status_code == 403
    moved = client.post(link(booking) + "move/", {"slot": slot_value(at(14, 9, 20), priya.pk)})
    assert moved.status_code == 403
    assert snapshot(booking) == before


@time_machine.travel(MONDAY_MORNING, tick=True)
def test_link_attempts_are_rate_limited(priya, client, settings):
    settings.BOOKINGS_MANAGE_RATE_LIMIT = "3/10m"
    booking = book(priya)
    before = snapshot(booking)
    for _ in range(2):
        assert client.get(f"/book/manage/{secrets.token_urlsafe(32)}/").status_code == 404
    assert client.get(link(booking)).status_code == 200

    too_many = client.get(link(booking))
    cancel = client.post(link(booking) + "cancel/")

    assert (too_many.status_code, cancel.status_code) == (429, 429)
    assert "Please wait a few minutes" in too_many.content.decode()
    assert PHONE in too_many.content.decode()
    assert too_many["Retry-After"] == "600"
    assert snapshot(booking) == before
    # Another client is not held back.
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert other.get(link(booking)).status_code == 200


@time_machine.travel(MONDAY_MORNING, tick=True)
def test_a_booking_staff_cancel_while_the_reader_posts_shows_it_cancelled(priya, client):
    booking = book(priya)

    def staff_got_there_first(*, booking):
        consultation_booking_cancel(booking=booking, cancelled_by=None)
        raise BookingChangeRefused(BookingChangeRefused.NOT_BOOKED)

    with mock.patch(
        "bookings.views.consultation_booking_cancel_by_reader", side_effect=staff_got_there_first
    ):
        response = client.post(link(booking) + "cancel/")

    assert response.status_code == 410
    assert "This booking is cancelled" in response.content.decode()
