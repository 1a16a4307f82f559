from django import template
from django.urls import reverse

from bookings.models import ConsultationRequest

register = template.Library()


@register.inclusion_tag("admin/bookings/new_requests_notice.html", takes_context=True)
def new_consultation_requests(context):
    """'N new consultation requests', linked to the filtered list, for staff allowed to see them."""
    user = context["request"].user
    may_see = user.has_perm("bookings.view_consultationrequest")
    return {
        "count": ConsultationRequest.objects.new_for(user).count() if may_see else None,
        "url": reverse("admin:bookings_consultationrequest_changelist") + "?status__exact=new",
    }
