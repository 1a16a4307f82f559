"""The clinic's opening hours and coming closures, as the visit page shows them, from the data
that makes the free times (bookings/availability.py), so that the two never disagree:

- each weekday's hours are the union of the weekly hours of the clinicians who offer free
  consultations (overlapping or touching ranges run together);
- the closures are the clinic-wide ones in force (bank holidays, pre-filled, and any staff add)
  that are not over yet and start within the next CLOSURES_DAYS_AHEAD days.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from .availability import bookable_clinicians
from .models import Closure, WeeklyHours

CLOSURES_DAYS_AHEAD = 60


@dataclass(frozen=True)
class Day:
    weekday: int  # 0 is Monday
    name: str  # "Monday", also the schema.org day
    ranges: list[tuple[datetime.time, datetime.time]]


@dataclass(frozen=True)
class ClinicClosure:
    starts_at: datetime.datetime  # clinic time
    ends_at: datetime.datetime
    reason: str

    @property
    def all_day(self) -> bool:
        return self.starts_at.time() == datetime.time.min == self.ends_at.time()

    @property
    def first_day(self) -> datetime.date:
        return self.starts_at.date()

    @property
    def last_day(self) -> datetime.date:
        """The last day it touches: a closure until midnight ends the day before."""
        return (self.ends_at - datetime.timedelta(microseconds=1)).date()


def clinic_week() -> list[Day]:
    """Monday to Sunday, each with its opening hours in clinic time (none: closed)."""
    by_day = {weekday: [] for weekday in WeeklyHours.Weekday.values}
    for weekday, starts, ends in (
        WeeklyHours.objects.filter(clinician__in=bookable_clinicians())
        .order_by("weekday", "starts")
        .values_list("weekday", "starts", "ends")
    ):
        ranges = by_day[weekday]
        if ranges and starts <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], ends))
        else:
            ranges.append((starts, ends))
    return [
        Day(weekday, WeeklyHours.Weekday(weekday).label, ranges)
        for weekday, ranges in by_day.items()
    ]


def coming_closures(now: datetime.datetime | None = None) -> list[ClinicClosure]:
    """The clinic-wide closures not over yet that start in the next CLOSURES_DAYS_AHEAD days."""
    now = now or timezone.now()
    zone = timezone.get_default_timezone()
    closures = Closure.objects.in_force_between(
        now, now + datetime.timedelta(days=CLOSURES_DAYS_AHEAD)
    ).filter(clinician__isnull=True, kind=Closure.Kind.CLOSED)
    return [
        ClinicClosure(starts_at.astimezone(zone), ends_at.astimezone(zone), reason)
        for starts_at, ends_at, reason in closures.order_by("starts_at").values_list(
            "starts_at", "ends_at", "reason"
        )
    ]
