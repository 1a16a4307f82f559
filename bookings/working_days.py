"""The promise on the thank-you page, "we reply within one working day", as a moment in time.

Working days skip weekends and the bank holidays of England and Wales, from the maintained
`holidays` calendar; docs/bookings.md, "Replying on time", says how staff see it.
"""

import datetime
import functools

import holidays
from django.utils import timezone

# A reply is due by the close of the working day after the day the request came in.
CLOSE_OF_BUSINESS = datetime.time(18, 0)


@functools.cache
def bank_holidays(year: int) -> holidays.HolidayBase:
    # England and Wales share their bank holidays; "ENG" is England's calendar.
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def next_working_day(after: datetime.date) -> datetime.date:
    day = after + datetime.timedelta(days=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def reply_due(received_at: datetime.datetime) -> datetime.datetime:
    """When a request received at `received_at` is overdue, in UTC (the clinic's days are
    those of settings.TIME_ZONE, Europe/London)."""
    received_day = timezone.localdate(received_at)
    due = datetime.datetime.combine(
        next_working_day(received_day), CLOSE_OF_BUSINESS, tzinfo=timezone.get_default_timezone()
    )
    return due.astimezone(datetime.UTC)
