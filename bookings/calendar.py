"""A booked time as a calendar entry: the .ics invite and cancellation (RFC 5545 and 5546, made
with the icalendar library) and the add-to-Google and add-to-Outlook links.

Times are in UTC. Every version of one booking's entry has the same UID, and its SEQUENCE is the
booking's calendar_sequence, raised by the services each time the time changes or the booking is
cancelled, so that a calendar replaces its copy instead of adding another (docs/bookings.md,
"Booking a time: readers"). Nothing here is text the reader typed (docs/bookings.md, "Not a
relay"): only our own words, the clinician's name, the time and the reference.
"""

from datetime import UTC, datetime
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .models import ConsultationRequest

PRODUCT_ID = "-//Unity Physiotherapy//Bookings//EN"
GOOGLE_CALENDAR = "https://calendar.google.com/calendar/render"
OUTLOOK_CALENDAR = "https://outlook.live.com/calendar/0/deeplink/compose"


def uid(booking: ConsultationRequest) -> str:
    """The same for every version of this booking's entry: its reference at the site's host."""
    return f"{booking.booking_reference}@{urlsplit(settings.SITE_URL).hostname}"


def summary(booking: ConsultationRequest) -> str:
    return f"Free consultation with {booking.clinician.name} – {settings.CLINIC['name']}"


def details(booking: ConsultationRequest) -> str:
    clinic = settings.CLINIC
    return (
        f"Your free consultation at {clinic['name']}. Booking reference: "
        f"{booking.booking_reference}.\n"
        f"To change or cancel it, call {clinic['phone']} or email {clinic['email']}, quoting "
        f"your reference.\n{settings.SITE_URL}"
    )


def invite(booking: ConsultationRequest) -> bytes:
    """The booking as an invitation (METHOD:REQUEST) that a calendar adds or updates."""
    return _calendar(booking, method="REQUEST", status="CONFIRMED")


def cancellation(booking: ConsultationRequest) -> bytes:
    """The booking's cancellation (METHOD:CANCEL, STATUS:CANCELLED): the same UID, and the
    SEQUENCE that consultation_booking_cancel raised, so that calendars remove their copy."""
    return _calendar(booking, method="CANCEL", status="CANCELLED")


def _calendar(booking: ConsultationRequest, *, method: str, status: str) -> bytes:
    clinic = settings.CLINIC
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", method)

    event = Event()
    event.add("uid", uid(booking))
    event.add("sequence", booking.calendar_sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", _utc(booking.starts_at))
    event.add("dtend", _utc(booking.ends_at))
    event.add("summary", summary(booking))
    event.add("description", details(booking))
    event.add("location", clinic["address"])
    event.add("status", status)
    event.add("transp", "OPAQUE")
    organizer = vCalAddress(f"mailto:{clinic['email']}")
    organizer.params["cn"] = vText(clinic["name"])
    event.add("organizer", organizer)
    if booking.email:
        # The reader, by address only: a name would be text they typed.
        attendee = vCalAddress(f"mailto:{booking.email}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical()


def google_calendar_url(booking: ConsultationRequest) -> str:
    query = {
        "action": "TEMPLATE",
        "text": summary(booking),
        "dates": f"{_compact(booking.starts_at)}/{_compact(booking.ends_at)}",
        "details": details(booking),
        "location": settings.CLINIC["address"],
    }
    return f"{GOOGLE_CALENDAR}?{urlencode(query, quote_via=quote, safe='/')}"


def outlook_calendar_url(booking: ConsultationRequest) -> str:
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": summary(booking),
        "startdt": _utc(booking.starts_at).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "enddt": _utc(booking.ends_at).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "body": details(booking),
        "location": settings.CLINIC["address"],
    }
    return f"{OUTLOOK_CALENDAR}?{urlencode(query, quote_via=quote, safe='/:')}"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _compact(moment: datetime) -> str:
    return _utc(moment).strftime("%Y%m%dT%H%M%SZ")
