"""A booked time's emails reach a real SMTP server: the reader's confirmation with a calendar
invite for exactly the time on their booking page, and staff's notification marked as booked."""

import datetime
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse
from icalendar import Calendar

from bookings import antispam
from bookings.models import ConsultationRequest
from tests.bookings.clinic_hours import LONDON, clinician_with_hours, policy, slot_value
from tests.mail_server import run_worker

# The worker commits and checks its connection like the real one, so these run outside the
# per-test transaction.
pytestmark = pytest.mark.django_db(transaction=True)

STAFF = ["frontdesk@unity-clinic.example"]
# Monday 7 June 2027, 08:00 in London: summer time, an hour ahead of UTC.
MONDAY_MORNING = datetime.datetime(2027, 6, 7, 8, 0, tzinfo=LONDON)
STARTS = datetime.datetime(2027, 6, 14, 8, 0, tzinfo=datetime.UTC)  # 09:00 in London
ENDS = datetime.datetime(2027, 6, 14, 8, 20, tzinfo=datetime.UTC)


@pytest.fixture
def smtp_port(smtp_port, settings):
    settings.BOOKINGS_NOTIFY_EMAILS = STAFF
    return smtp_port


@pytest.fixture
def booked(client, article, start_smtp):
    """A reader books Monday 14 June 09:00 with Priya from an article; the worker sends."""
    policy()
    priya = clinician_with_hours(hours=((0, "09:00", "10:00"),))
    inbox = start_smtp()
    with time_machine.travel(MONDAY_MORNING, tick=True):
        response = client.post(
            f"{reverse('bookings:book_time')}?article={article.slug}",
            {
                "slot": slot_value(STARTS),
                "name": "Zoë Ångström",
                "email": "zoe@example.com",
                "phone": "07912 345678",
                "help_with": "Sciatica down my left leg",
                "consent": "on",
                "article": article.slug,
                "form_shown_at": antispam.form_shown_token(now=time.time() - 600),
                "website": "",
            },
        )
        page = client.get(response["Location"]).text
        run_worker()
    booking = ConsultationRequest.objects.get()
    assert (booking.status, booking.clinician) == ("booked", priya)
    messages = {tuple(rcpts): message for rcpts, message in inbox.messages()}
    return booking, page, messages


def calendar_of(message) -> tuple[Calendar, object]:
    (part,) = [
        part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"
    ]
    assert part.get_filename() == "consultation.ics"
    assert part.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(part.get_content())
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_the_reader_gets_a_calendar_invite_for_the_time_their_booking_page_shows(booked):
    booking, page, messages = booked
    confirmation = messages[("zoe@example.com",)]

    calendar, event = calendar_of(confirmation)

    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == f"{booking.booking_reference}@www.unity-clinic.example"
    assert event["SEQUENCE"] == 0
    # In UTC, and the very time of the booking...
    assert event["DTSTART"].to_ical() == b"20270614T080000Z"
    assert event["DTEND"].to_ical() == b"20270614T082000Z"
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (
        booking.starts_at,
        booking.ends_at,
    )
    # ...which the booking page and the email give in clinic time.
    assert "Monday 14 June 2027" in page and "09:00 to 09:20 (UK time)" in page
    text = confirmation.get_body(("plain",)).get_content()
    assert "When: Monday 14 June 2027, 09:00 to 09:20 (UK time)" in text
    assert "With: Priya Raman" in text
    assert f"Booking reference: {booking.booking_reference}" in text
    assert str(event["LOCATION"]) == django_settings.CLINIC["address"]
    assert str(event["ORGANIZER"]) == f"mailto:{django_settings.CLINIC['email']}"
    assert str(event["ATTENDEE"]) == "mailto:zoe@example.com"
    assert confirmation["Subject"] == (
        "Your free consultation on Mon 14 Jun at 09:00 – Unity Physiotherapy & Rehabilitation"
    )


def test_the_confirmation_links_add_the_same_time_to_google_and_outlook(booked):
    booking, page, messages = booked
    html = messages[("zoe@example.com",)].get_body(("html",)).get_content()

    google = re.search(r'href="(https://calendar\.google\.com/[^"]+)"', html)[1]
    outlook = re.search(r'href="(https://outlook\.live\.com/[^"]+)"', html)[1]

    google_query = parse_qs(urlsplit(google.replace("&amp;", "&")).query)
    assert urlsplit(google).path == "/calendar/render"
    assert google_query["action"] == ["TEMPLATE"]
    assert google_query["dates"] == ["20270614T080000Z/20270614T082000Z"]
    assert google_query["location"] == [django_settings.CLINIC["address"]]
    assert google_query["text"] == [
        "Free consultation with Priya Raman – Unity Physiotherapy & Rehabilitation"
    ]
    assert booking.booking_reference in google_query["details"][0]
    outlook_query = parse_qs(urlsplit(outlook.replace("&amp;", "&")).query)
    assert urlsplit(outlook).path == "/calendar/0/deeplink/compose"
    assert outlook_query["startdt"] == ["2027-06-14T08:00:00Z"]
    assert outlook_query["enddt"] == ["2027-06-14T08:20:00Z"]
    assert outlook_query["location"] == [django_settings.CLINIC["address"]]
    # The booking page offers the same links.
    assert google.replace("&amp;", "&") in page.replace("&amp;", "&")


def test_the_readers_email_repeats_nothing_they_typed_but_their_first_name(booked):
    _, _, messages = booked
    confirmation = messages[("zoe@example.com",)]
    _, event = calendar_of(confirmation)

    for body in (
        confirmation.get_body(("plain",)).get_content(),
        confirmation.get_body(("html",)).get_content(),
        event.to_ical().decode(),
    ):
        assert "Sciatica" not in body
        assert "Ångström" not in body
        assert "7912" not in body
    assert "Dear Zoë," in confirmation.get_body(("plain",)).get_content()


def test_staff_are_told_of_a_booked_time_without_a_name_or_health_detail_in_the_subject(booked):
    booking, _, messages = booked
    staff = messages[tuple(STAFF)]

    assert staff["Subject"] == (
        f"Booked consultation #{booking.pk} – Mon 14 Jun 09:00 with Priya Raman"
    )
    assert staff["Reply-To"] == "zoe@example.com"
    text = staff.get_body(("plain",)).get_content()
    assert "Booked time: Monday 14 June 2027, 09:00 to 09:20" in text
    assert "Sciatica down my left leg" in text
    assert (
        f"{django_settings.SITE_URL}/admin/bookings/consultationrequest/{booking.pk}/change/"
        in text
    )
