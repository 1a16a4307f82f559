"""Issue 15 done: a reader books, opens the private link from the confirmation email a real SMTP
server received, moves the booking, gets the updated calendar invite (same UID, higher
SEQUENCE), then cancels it and sees the cancellation."""

import datetime
import re

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from bookings import availability
from bookings.models import ConsultationRequest
from tests.bookings.clinic_hours import EVERY_DAY, clinician_with_hours, policy
from tests.mail_server import run_worker

pytestmark = pytest.mark.django_db(transaction=True)

MANAGE_LINK = re.compile(r"https?://[^\s\"<>]+(/book/manage/[A-Za-z0-9_-]{43}/)")


@pytest.fixture
def priya():
    policy()
    return clinician_with_hours(hours=EVERY_DAY)


def described(moment: datetime.datetime) -> tuple[str, str]:
    local = timezone.localtime(moment)
    return f"{local:%A} {local.day} {local:%B}", f"{local:%H:%M}"


def event_of(ics: bytes | str):
    calendar = Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    return str(calendar["METHOD"]), event


def attached_event(message):
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return event_of(part.get_content())


def to_reader(inbox):
    return [message for rcpts, message in inbox.messages() if rcpts == ["zoe@example.com"]]


def test_reader_moves_then_cancels_their_booking_through_the_emailed_link(
    phone_page, priya, start_smtp, serious_accessibility_violations, settings
):
    settings.BOOKINGS_MIN_FILL_SECONDS = 0  # No waiting in tests: a person is never this quick.
    inbox = start_smtp()
    # Tomorrow's first two times: far enough ahead to stay free, and outside the cut-off.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    first, later = [
        slot
        for slot in availability.free_slots(clinician_ids=[priya.pk])
        if timezone.localdate(slot.starts_at) == tomorrow
    ][:2]
    page = phone_page

    # Book.
    page.goto("/book/time/")
    day, time = described(first.starts_at)
    page.get_by_role("group", name=day, exact=True).get_by_label(time, exact=True).check()
    page.get_by_label("Your name").fill("Zoë Ångström")
    page.get_by_label("Email address").fill("zoe@example.com")
    page.get_by_label("What would you like help with?").fill("Knee pain")
    page.get_by_role("checkbox", name=re.compile("I agree")).check()
    page.get_by_role("button", name="Book this time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your free consultation is booked")
    booking = ConsultationRequest.objects.get()

    # The link, from the confirmation the SMTP server received.
    run_worker()
    (confirmation,) = to_reader(inbox)
    path = MANAGE_LINK.search(confirmation.get_body(("plain",)).get_content())[1]
    _, invite = attached_event(confirmation)
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your free consultation")
    expect(page.get_by_text(booking.booking_reference)).to_be_visible()
    assert serious_accessibility_violations(page) == []

    # Move it.
    new_day, new_time = described(later.starts_at)
    page.get_by_role("group", name=new_day, exact=True).get_by_label(new_time, exact=True).check()
    page.get_by_role("button", name="Move my booking to this time").click()
    expect(page.get_by_text("Your booking has moved to the new time below")).to_be_visible()
    expect(page.get_by_text(f"{new_time} to ")).to_be_visible()
    booking.refresh_from_db()
    assert (booking.pk, booking.starts_at, booking.status) == (
        booking.pk,
        later.starts_at,
        "booked",
    )
    assert ConsultationRequest.objects.count() == 1

    # The updated .ics, on the page and by email: the same entry, a higher SEQUENCE.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the calendar invite").click()
    method, served = event_of(download.value.path().read_bytes())
    assert (method, str(served["UID"]), served["SEQUENCE"]) == ("REQUEST", str(invite["UID"]), 1)
    assert served.decoded("DTSTART") == later.starts_at
    run_worker()
    (_, update) = to_reader(inbox)
    method, updated = attached_event(update)
    assert (method, str(updated["UID"])) == ("REQUEST", str(invite["UID"]))
    assert updated["SEQUENCE"] > invite["SEQUENCE"]
    assert updated.decoded("DTSTART") == later.starts_at

    # Cancel it.
    page.get_by_role("button", name="Cancel my booking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("This booking is cancelled")
    run_worker()
    (_, _, cancellation) = to_reader(inbox)
    method, cancelled = attached_event(cancellation)
    assert (method, str(cancelled["UID"])) == ("CANCEL", str(invite["UID"]))
    assert cancelled["SEQUENCE"] > updated["SEQUENCE"]
    # The link now says so, and changes nothing.
    response = page.goto(path)
    assert response.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text("This booking is cancelled")
