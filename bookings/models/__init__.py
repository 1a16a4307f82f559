"""What the bookings app stores: consultation requests (a booked time is a request with a time)
and the clinicians' schedules they are booked from. Business rules live in services.py."""

from .consultation_request import ConsultationRequest, ConsultationRequestQuerySet, StatusChange
from .schedule import BookingPolicy, ClinicianHours, Closure, WeeklyHours

__all__ = [
    "BookingPolicy",
    "ClinicianHours",
    "Closure",
    "ConsultationRequest",
    "ConsultationRequestQuerySet",
    "StatusChange",
    "WeeklyHours",
]
