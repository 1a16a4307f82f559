from django import template

from bookings.models import ConsultationRequest

register = template.Library()


@register.inclusion_tag("admin/bookings/waiting_notice.html", takes_context=True)
def waiting_consultation_requests(context):
    """How many requests are new and on hold, for staff allowed to see them."""
    user = context["request"].user
    if not user.has_perm("bookings.view_consultationrequest"):
        return {"new_count": None}
    requests = ConsultationRequest.objects.all()
    return {"new_count": requests.new().count(), "held_count": requests.held().count()}
