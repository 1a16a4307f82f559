from django import template

from bookings import availability
from bookings.forms import TimePickerForm, referrer_of
from bookings.models import ConsultationRequest

register = template.Library()


@register.simple_tag(takes_context=True)
def time_picker_form(context, article=None) -> TimePickerForm | None:
    """The small form under an article that leads to the free times (docs/bookings.md, "Booking
    a time: readers"), or None when no clinician offers free consultations.

    It lists clinicians, not times: a cached page goes stale when a clinician is saved, never
    when someone books. It carries the article and the visit's source to the page of times."""
    clinicians = list(availability.bookable_clinicians())
    if not clinicians:
        return None
    request = context["request"]
    initial = {
        name: TimePickerForm.base_fields[name].clean(request.GET.get(name, ""))
        for name in ConsultationRequest.SOURCE_FIELDS
    }
    initial.update(
        referrer=referrer_of(request), article=article.slug if article else "", clinician="any"
    )
    return TimePickerForm(initial=initial, clinicians=clinicians)
