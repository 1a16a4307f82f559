"""The bank holidays of England and Wales as clinic-wide closures, pre-filled by
`manage.py housekeeping` from the maintained `holidays` calendar (bookings/working_days.py).

Each is added once (Closure.bank_holiday is unique) and never touched again: staff who open on
one untick "in force", and the next run leaves it so (docs/operations.md, "Periodic jobs").
"""

import datetime

from django.utils import timezone

from .models import Closure
from .working_days import bank_holidays

# How far ahead closures are added: past the furthest a booking window can reach (90 days),
# with time to spare for staff to decide to open on one.
DAYS_AHEAD = 400


def bank_holidays_between(
    first: datetime.date, last: datetime.date
) -> list[tuple[datetime.date, str]]:
    """(day, name) of each bank holiday from `first` to `last`, in date order."""
    return sorted(
        (day, name)
        for year in range(first.year, last.year + 1)
        for day, name in bank_holidays(year).items()
        if first <= day <= last
    )


def bank_holiday_closures_add(
    *, today: datetime.date | None = None, days_ahead: int = DAYS_AHEAD
) -> int:
    """Adds a clinic-wide, all-day closure (midnight to midnight, clinic time) for each bank
    holiday of the next `days_ahead` days that has none yet; returns how many were added."""
    today = today or timezone.localdate()
    holidays = bank_holidays_between(today, today + datetime.timedelta(days=days_ahead))
    known = set(
        Closure.objects.filter(bank_holiday__in=[day for day, _ in holidays]).values_list(
            "bank_holiday", flat=True
        )
    )
    zone = timezone.get_default_timezone()
    missing = [
        Closure(
            clinician=None,
            kind=Closure.Kind.CLOSED,
            starts_at=datetime.datetime.combine(day, datetime.time.min, tzinfo=zone),
            ends_at=datetime.datetime.combine(
                day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
            ),
            reason=f"Bank holiday: {name}"[:120],
            bank_holiday=day,
        )
        for day, name in holidays
        if day not in known
    ]
    # Two runs at once: the unique bank_holiday keeps one row each, and neither run fails.
    Closure.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)
