"""Housekeeping closes the whole clinic on the bank holidays of England and Wales, a year and
more ahead, once each; staff who open on one untick "in force" and it stays so."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from bookings import availability
from bookings.models import Closure
from tests.bookings.clinic_hours import MONDAY_MORNING, at, clinician_with_hours, policy

pytestmark = pytest.mark.django_db

LONDON = timezone.get_default_timezone()
# From Monday 7 December 2026, 400 days reach Thursday 11 January 2028.
BANK_HOLIDAYS_AHEAD = [
    datetime.date(2026, 12, 25),  # Christmas Day
    datetime.date(2026, 12, 26),  # Boxing Day, a Saturday...
    datetime.date(2026, 12, 28),  # ...so Monday is a bank holiday too
    datetime.date(2027, 1, 1),
    datetime.date(2027, 3, 26),  # Good Friday
    datetime.date(2027, 3, 29),  # Easter Monday
    datetime.date(2027, 5, 3),
    datetime.date(2027, 5, 31),
    datetime.date(2027, 8, 30),
    datetime.date(2027, 12, 25),
    datetime.date(2027, 12, 26),
    datetime.date(2027, 12, 27),
    datetime.date(2027, 12, 28),
    datetime.date(2028, 1, 1),
    datetime.date(2028, 1, 3),
]
BOXING_DAY_OBSERVED = datetime.date(2026, 12, 28)


def housekeeping() -> str:
    output = io.StringIO()
    call_command("housekeeping", stdout=output)
    return output.getvalue()


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_housekeeping_closes_the_clinic_on_each_bank_holiday_of_the_next_400_days_once():
    first = housekeeping()
    second = housekeeping()

    closures = Closure.objects.order_by("starts_at")
    assert [closure.bank_holiday for closure in closures] == BANK_HOLIDAYS_AHEAD
    assert "Added 15 bank holiday closure(s)" in first
    assert "Added 0 bank holiday closure(s)" in second
    spring = closures.get(bank_holiday=datetime.date(2027, 5, 31))
    # All day in clinic time: midnight to midnight in London, in summer time here.
    assert timezone.localtime(spring.starts_at) == datetime.datetime(2027, 5, 31, tzinfo=LONDON)
    assert timezone.localtime(spring.ends_at) == datetime.datetime(2027, 6, 1, tzinfo=LONDON)
    assert spring.starts_at == datetime.datetime(2027, 5, 30, 23, tzinfo=datetime.UTC)
    assert (spring.clinician, spring.kind, spring.in_force) == (None, "closed", True)
    assert spring.reason == "Bank holiday: Spring Bank Holiday"


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_a_bank_holiday_has_no_free_slots_until_staff_untick_it_and_the_next_run_leaves_it_so():
    policy()
    clinician_with_hours(hours=[(0, "09:00", "10:00")])  # Mondays
    boxing_day = {"first_day": BOXING_DAY_OBSERVED, "last_day": BOXING_DAY_OBSERVED}

    housekeeping()
    assert availability.free_slots(**boxing_day) == []

    Closure.objects.filter(bank_holiday=BOXING_DAY_OBSERVED).update(in_force=False)
    housekeeping()

    closure = Closure.objects.get(bank_holiday=BOXING_DAY_OBSERVED)
    assert not closure.in_force
    assert Closure.objects.count() == len(BANK_HOLIDAYS_AHEAD)
    assert [slot.starts_at for slot in availability.free_slots(**boxing_day)] == [
        at(28, 9),
        at(28, 9, 20),
        at(28, 9, 40),
    ]
