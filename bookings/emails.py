"""The emails the bookings app sends, built from templates/emails/.

Email to an address nobody has verified (the requester's confirmation) carries no text the
sender typed but a first name that cannot hold a link (docs/bookings.md, "Not a relay")."""

import re
from email.message import MIMEPart

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from . import calendar
from .models import ConsultationRequest

# One word of letters, with an inner hyphen or apostrophe: "Zoë", "Jean-Luc", "O'Neil".
FIRST_NAME = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
FIRST_NAME_MAX = 20


def greeting_name(name: str) -> str:
    """The first name to greet someone by, or "" when what they typed does not look like one."""
    first = name.split(maxsplit=1)[0] if name.strip() else ""
    if len(first) <= FIRST_NAME_MAX and FIRST_NAME.fullmatch(first):
        return first
    return ""


def _context(consultation_request: ConsultationRequest) -> dict:
    article = consultation_request.article
    return {
        "consultation_request": consultation_request,
        "greeting_name": greeting_name(consultation_request.name),
        # The article's topic may go in a subject: unlike what the reader typed, it is ours.
        "topic": article.topics.order_by("name").first() if article else None,
        "clinic": settings.CLINIC,
        "site_url": settings.SITE_URL,
        "article_url": settings.SITE_URL + article.get_absolute_url() if article else "",
        "admin_url": settings.SITE_URL
        + reverse("admin:bookings_consultationrequest_change", args=[consultation_request.pk]),
        **_booking_context(consultation_request),
    }


def _booking_context(booking: ConsultationRequest) -> dict:
    """A booked time's links: to add it to a calendar, and to book again."""
    if booking.starts_at is None:
        return {}
    return {
        "google_calendar_url": calendar.google_calendar_url(booking),
        "outlook_calendar_url": calendar.outlook_calendar_url(booking),
        "book_url": settings.SITE_URL + reverse("bookings:book"),
        "manage_url": manage_url(booking),
        "rescheduled": rescheduled(booking),
    }


def rescheduled(booking: ConsultationRequest) -> bool:
    """Moved by its reader: its calendar SEQUENCE went up while it stayed booked."""
    return booking.calendar_sequence > 0 and booking.status == ConsultationRequest.Status.BOOKED


def manage_url(booking: ConsultationRequest) -> str:
    """The reader's private link to see, move or cancel their booking; "" when it has none."""
    token = booking.manage_token()
    return settings.SITE_URL + reverse("bookings:manage", args=[token]) if token else ""


def _message(
    template_base: str,
    consultation_request: ConsultationRequest,
    *,
    to: list[str],
    reply_to: list[str],
) -> EmailMultiAlternatives:
    """Plain text and HTML from templates/emails/<template_base>.{subject.txt,txt,html}."""
    context = _context(consultation_request)
    subject = render_to_string(f"emails/{template_base}.subject.txt", context)
    message = EmailMultiAlternatives(
        # A subject is one line, whatever the template or the data says.
        subject=" ".join(subject.split()),
        body=render_to_string(f"emails/{template_base}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=reply_to,
    )
    message.attach_alternative(
        render_to_string(f"emails/{template_base}.html", context), "text/html"
    )
    return message


def staff_notification(consultation_request: ConsultationRequest) -> EmailMultiAlternatives:
    """To the clinic: everything needed to reply, with Reply-To set to the requester; a booked
    time says so, and when and with whom, in its subject."""
    booked = consultation_request.starts_at is not None
    template_base = "booking_staff_notification" if booked else "consultation_staff_notification"
    if booked and consultation_request.status == ConsultationRequest.Status.CANCELLED:
        template_base = "booking_cancelled_staff_notification"
    elif booked and rescheduled(consultation_request):
        template_base = "booking_rescheduled_staff_notification"
    return _message(
        template_base,
        consultation_request,
        to=list(settings.BOOKINGS_NOTIFY_EMAILS),
        reply_to=[consultation_request.email],
    )


def requester_confirmation(consultation_request: ConsultationRequest) -> EmailMultiAlternatives:
    """To the requester: thanks and what happens next. No health details are repeated. A booked
    time comes with its calendar invite."""
    if consultation_request.starts_at is None:
        return _to_reader("consultation_confirmation", consultation_request)
    template_base = "booking_confirmation"
    if rescheduled(consultation_request):
        template_base = "booking_rescheduled"
    message = _to_reader(template_base, consultation_request)
    return _with_calendar(message, calendar.invite(consultation_request), method="REQUEST")


def booking_cancellation(booking: ConsultationRequest) -> EmailMultiAlternatives:
    """To the reader: their booked time is cancelled, with the calendar's cancellation."""
    message = _to_reader("booking_cancellation", booking)
    return _with_calendar(message, calendar.cancellation(booking), method="CANCEL")


def _to_reader(template_base: str, consultation_request: ConsultationRequest):
    """Replies go to the clinic, never to whatever address the form was given."""
    return _message(
        template_base,
        consultation_request,
        to=[consultation_request.email],
        reply_to=[settings.CLINIC["email"]],
    )


def _with_calendar(
    message: EmailMultiAlternatives, ics: bytes, *, method: str
) -> EmailMultiAlternatives:
    """Attaches the .ics with its iTIP method, which calendar programs read to add, update or
    remove the entry."""
    part = MIMEPart()
    part.set_content(
        ics.decode(),
        subtype="calendar",
        params={"method": method},
        disposition="attachment",
        filename="consultation.ics",
    )
    message.attach(part)
    return message


def busy_hour_alert() -> EmailMultiAlternatives:
    """To the clinic: unusually many requests this hour; the rest wait on hold."""
    context = {
        "clinic": settings.CLINIC,
        "limit": settings.BOOKINGS_SITE_HOURLY_LIMIT,
        "held_url": settings.SITE_URL
        + reverse("admin:bookings_consultationrequest_changelist")
        + "?status__exact=held",
    }
    subject = render_to_string("emails/busy_hour_alert.subject.txt", context)
    return EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("emails/busy_hour_alert.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(settings.BOOKINGS_NOTIFY_EMAILS),
    )
