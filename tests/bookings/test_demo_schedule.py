"""`make run` shows clinicians a newcomer can book at once: the demo clinicians offer free
consultations on weekdays with a lunch break, and the coming bank holidays are closed."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from articles.models import Clinician
from bookings import availability
from bookings.models import Closure, WeeklyHours

pytestmark = pytest.mark.django_db

LONDON = timezone.get_default_timezone()
# Monday 7 December 2026, 08:00: the next Monday, the 14th, is an ordinary working day.
MONDAY_MORNING = datetime.datetime(2026, 12, 7, 8, 0, tzinfo=LONDON)
NEXT_MONDAY = datetime.date(2026, 12, 14)


@pytest.fixture
def load_demo(settings):
    settings.DEBUG = True

    def load():
        call_command("load_demo_content", stdout=io.StringIO())

    return load


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_the_demo_clinicians_can_be_booked_on_weekdays_around_a_lunch_break(load_demo):
    load_demo()

    clinicians = Clinician.objects.filter(offers_free_consultations=True)
    assert set(clinicians.values_list("name", flat=True)) == {"Priya Raman", "Tom Adeyemi"}
    slots = availability.free_slots(first_day=NEXT_MONDAY, last_day=NEXT_MONDAY)
    times = {f"{timezone.localtime(slot.starts_at):%H:%M}" for slot in slots}
    assert {"09:00", "12:00", "13:30", "16:30"} <= times
    assert not {"12:20", "13:10", "16:50"} & times  # over lunch, and past 17:00
    saturday = datetime.date(2026, 12, 12)
    assert availability.free_slots(first_day=saturday, last_day=saturday) == []
    assert Closure.objects.filter(bank_holiday=datetime.date(2026, 12, 25)).exists()


def test_loading_the_demo_again_adds_nothing_and_keeps_hours_changed_in_admin(load_demo):
    load_demo()
    priya = Clinician.objects.get(name="Priya Raman")
    priya.weekly_hours.filter(weekday=4).delete()  # Priya stops working Fridays
    counts = (WeeklyHours.objects.count(), Closure.objects.count())

    load_demo()

    assert (WeeklyHours.objects.count(), Closure.objects.count()) == counts
    assert not priya.weekly_hours.filter(weekday=4).exists()
    assert WeeklyHours.objects.filter(clinician__name="Tom Adeyemi").count() == 10
