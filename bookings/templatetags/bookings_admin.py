from django import template
from django.urls import reverse

from bookings.admin import new_requests_count_for

register = template.Library()


@register.inclusion_tag("admin/bookings/new_requests_notice.html", takes_context=True)
def new_consultation_requests(context):
    """'N new consultation requests', linked to the filtered list, for staff allowed to see them."""
    request = context["request"]
    count = new_requests_count_for(request.user)
    return {
        "count": count,
        "url": reverse("admin:bookings_consultationrequest_changelist") + "?status__exact=new",
    }
