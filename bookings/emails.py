"""The emails the bookings app sends, built from templates/emails/.

Email to an address nobody has verified (the requester's confirmation) carries no text the
sender typed but a first name that cannot hold a link (docs/bookings.md, "Not a relay")."""

import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

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
    }


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
    """To the clinic: everything needed to reply, with Reply-To set to the requester."""
    return _message(
        "consultation_staff_notification",
        consultation_request,
        to=list(settings.BOOKINGS_NOTIFY_EMAILS),
        reply_to=[consultation_request.email],
    )


def requester_confirmation(consultation_request: ConsultationRequest) -> EmailMultiAlternatives:
    """To the requester: thanks and what happens next. No health details are repeated."""
    return _message(
        "consultation_confirmation",
        consultation_request,
        to=[consultation_request.email],
        reply_to=[settings.CLINIC["email"]],
    )


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
