import factory
from django.conf import settings

from bookings.models import ConsultationRequest


class ConsultationRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationRequest

    name = factory.Sequence(lambda n: f"Reader {n}")
    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    help_with = "Low back pain"
    contact_method = ConsultationRequest.ContactMethod.EMAIL
    preferred_times = factory.LazyFunction(lambda: ["weekday_morning"])
    message = "It hurts when I bend to tie my shoes."
    consent_version = factory.LazyFunction(lambda: settings.BOOKINGS_CONSENT_VERSION)
