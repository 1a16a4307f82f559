"""A clinician who offers free consultations, with weekly hours, for the booking tests."""

import datetime

from django.utils import timezone

from bookings.models import BookingPolicy, WeeklyHours
from tests.articles.factories import ClinicianFactory

LONDON = timezone.get_default_timezone()
# Monday 7 December 2026, 08:00 in London (GMT): the week's slots are all ahead.
MONDAY_MORNING = datetime.datetime(2026, 12, 7, 8, 0, tzinfo=LONDON)


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment in December 2026, clinic time, as the UTC datetime slots carry."""
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=LONDON).astimezone(datetime.UTC)


def slot_value(starts_at: datetime.datetime, clinician="any") -> str:
    """A slot as the booking form's radio buttons send it: the UTC start and who."""
    return f"{starts_at.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}-{clinician}"


def policy() -> BookingPolicy:
    return BookingPolicy.objects.update_or_create(
        pk=1,
        defaults={
            "slot_minutes": 20,
            "buffer_minutes": 0,
            "minimum_notice_minutes": 120,
            "days_ahead": 28,
        },
    )[0]


def clinician_with_hours(name="Priya Raman", hours=((0, "09:00", "10:00"),)):
    """A clinician offering free consultations at these (weekday, starts, ends) each week."""
    clinician = ClinicianFactory(name=name, offers_free_consultations=True)
    for weekday, starts, ends in hours:
        WeeklyHours.objects.create(clinician=clinician, weekday=weekday, starts=starts, ends=ends)
    return clinician


EVERY_DAY = tuple((weekday, "09:00", "17:00") for weekday in range(7))
