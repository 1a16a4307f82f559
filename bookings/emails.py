"""The two emails each request sends, built from templates/emails/."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from .models import ConsultationRequest


def _render(template_base: str, context: dict) -> tuple[str, str, str]:
    subject = render_to_string(f"emails/{template_base}.subject.txt", context)
    # A subject is one line, whatever the template or the data says.
    subject = " ".join(subject.split())
    text = render_to_string(f"emails/{template_base}.txt", context)
    html = render_to_string(f"emails/{template_base}.html", context)
    return subject, text, html


def _context(consultation_request: ConsultationRequest) -> dict:
    article = consultation_request.article
    return {
        "consultation_request": consultation_request,
        "clinic": settings.CLINIC,
        "site_url": settings.SITE_URL,
        "article_url": settings.SITE_URL + article.get_absolute_url() if article else "",
        "admin_url": settings.SITE_URL
        + reverse("admin:bookings_consultationrequest_change", args=[consultation_request.pk]),
    }


def staff_notification(consultation_request: ConsultationRequest) -> EmailMultiAlternatives:
    """To the clinic: everything needed to reply, with Reply-To set to the requester."""
    subject, text, html = _render("consultation_staff_notification", _context(consultation_request))
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(settings.BOOKINGS_NOTIFY_EMAILS),
        reply_to=[consultation_request.email],
    )
    message.attach_alternative(html, "text/html")
    return message


def requester_confirmation(consultation_request: ConsultationRequest) -> EmailMultiAlternatives:
    """To the requester: thanks and what happens next. No health details are repeated."""
    subject, text, html = _render("consultation_confirmation", _context(consultation_request))
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[consultation_request.email],
        reply_to=[settings.CLINIC["email"]],
    )
    message.attach_alternative(html, "text/html")
    return message
