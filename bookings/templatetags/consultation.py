from django import template
from django.conf import settings

from bookings.forms import ConsultationRequestForm

register = template.Library()


@register.inclusion_tag("bookings/includes/consultation_form.html", takes_context=True)
def consultation_form(context, article=None):
    """The free-consultation form, for the end of an article (or any page).

    It posts to the booking page, carries the article and the visit's source in hidden fields,
    and starts with the article's first topic as what the reader would like help with.
    """
    request = context["request"]
    return {
        "form": ConsultationRequestForm.for_page(request, article=article),
        "article": article,
        "request": request,
        "clinic": settings.CLINIC,
    }


@register.simple_tag
def retention_days() -> int:
    """How many days finished requests are kept before they are anonymised."""
    return settings.BOOKINGS_RETENTION_DAYS


@register.simple_tag
def open_retention_days() -> int:
    """How many days a request nobody finished is kept before it is closed and anonymised."""
    return settings.BOOKINGS_OPEN_RETENTION_DAYS


@register.simple_tag
def task_results_retention_days() -> int:
    return settings.TASK_RESULTS_RETENTION_DAYS
