"""Free slots come from clinicians' weekly hours, cut by the booking policy, less closures,
bookings, the minimum notice and the booking window; booking one takes it for good."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bookings import availability
from bookings.models import BookingPolicy, Closure, ConsultationRequest, WeeklyHours
from bookings.services import SlotTaken, consultation_booking_create
from tests.articles.factories import ClinicianFactory

pytestmark = pytest.mark.django_db

LONDON = timezone.get_default_timezone()
# Monday 7 December 2026, 08:00 in London (GMT): the week's slots are all ahead.
MONDAY_MORNING = datetime.datetime(2026, 12, 7, 8, 0, tzinfo=LONDON)


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment in December 2026, clinic time, as the UTC datetime slots carry."""
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=LONDON).astimezone(datetime.UTC)


@pytest.fixture
def clinician():
    priya = ClinicianFactory(name="Priya Raman", offers_free_consultations=True)
    # Mondays 09:00-10:00 and, after lunch, 14:00-14:40.
    WeeklyHours.objects.create(clinician=priya, weekday=0, starts="09:00", ends="10:00")
    WeeklyHours.objects.create(clinician=priya, weekday=0, starts="14:00", ends="14:40")
    return priya


@pytest.fixture(autouse=True)
def policy():
    return BookingPolicy.objects.create(
        slot_minutes=20, buffer_minutes=0, minimum_notice_minutes=120, days_ahead=28
    )


def starts(slots):
    return [slot.starts_at for slot in slots]


MONDAY, NEXT_MONDAY = datetime.date(2026, 12, 7), datetime.date(2026, 12, 14)


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_weekly_hours_are_cut_into_slots_around_lunch_and_after_the_notice(clinician):
    # At 08:00 with two hours' notice, the morning has gone; a week later it is all there.
    today = availability.free_slots(first_day=MONDAY, last_day=MONDAY)
    next_week = availability.free_slots(first_day=NEXT_MONDAY, last_day=NEXT_MONDAY)

    assert starts(today) == [at(7, 14), at(7, 14, 20)]
    assert starts(next_week) == [
        at(14, 9),
        at(14, 9, 20),
        at(14, 9, 40),
        at(14, 14),
        at(14, 14, 20),
    ]


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_a_buffer_spaces_the_slots_and_the_window_ends_them(clinician, policy):
    policy.buffer_minutes = 10
    policy.days_ahead = 7
    policy.save()

    slots = availability.free_slots()

    assert starts(slots) == [at(7, 14), at(14, 9), at(14, 9, 30), at(14, 14)]


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_closures_and_extra_sessions_change_what_is_free(clinician):
    Closure.objects.create(  # the whole clinic shuts on the afternoon of the 14th
        starts_at=at(14, 13), ends_at=at(14, 18), reason="Training"
    )
    Closure.objects.create(  # Priya's leave covers 09:20
        clinician=clinician, starts_at=at(14, 9, 20), ends_at=at(14, 9, 40)
    )
    Closure.objects.create(  # an extra session on Tuesday the 15th
        clinician=clinician, kind="extra", starts_at=at(15, 17), ends_at=at(15, 17, 40)
    )
    Closure.objects.create(  # not in force: ignored
        starts_at=at(14, 9), ends_at=at(14, 10), in_force=False
    )

    slots = availability.free_slots(first_day=NEXT_MONDAY, last_day=datetime.date(2026, 12, 15))

    assert starts(slots) == [at(14, 9), at(14, 9, 40), at(15, 17), at(15, 17, 20)]


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_booking_a_slot_stores_it_with_a_reference_and_queues_both_emails(clinician):
    booking = consultation_booking_create(
        name="Zoë Ångström", email="zoe@example.com", starts_at=at(14, 9), clinician_id=clinician.pk
    )

    assert booking.status == ConsultationRequest.Status.BOOKED
    assert (booking.clinician, booking.starts_at, booking.ends_at) == (
        clinician,
        at(14, 9),
        at(14, 9, 20),
    )
    assert len(booking.booking_reference) == 9
    assert DBTaskResult.objects.count() == 2
    assert at(14, 9) not in starts(availability.free_slots(first_day=NEXT_MONDAY))


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_a_booked_slot_cannot_be_booked_again(clinician):
    consultation_booking_create(
        name="First", email="first@example.com", starts_at=at(14, 9), clinician_id=clinician.pk
    )

    with pytest.raises(SlotTaken):
        consultation_booking_create(
            name="Second",
            email="second@example.com",
            starts_at=at(14, 9),
            clinician_id=clinician.pk,
        )
    assert ConsultationRequest.objects.count() == 1


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_any_clinician_gives_the_reader_whoever_is_still_free(clinician):
    tom = ClinicianFactory(name="Tom Adeyemi", offers_free_consultations=True)
    WeeklyHours.objects.create(clinician=tom, weekday=0, starts="09:00", ends="10:00")

    first = consultation_booking_create(name="A", email="a@example.com", starts_at=at(14, 9))
    second = consultation_booking_create(name="B", email="b@example.com", starts_at=at(14, 9))

    assert {first.clinician, second.clinician} == {clinician, tom}
    with pytest.raises(SlotTaken):
        consultation_booking_create(name="C", email="c@example.com", starts_at=at(14, 9))


@pytest.mark.parametrize(
    "when",
    [
        at(14, 8, 40),  # before hours
        at(14, 12),  # lunch
        at(14, 9, 10),  # off the grid
        at(7, 9),  # inside the minimum notice
        at(6, 14),  # in the past
        datetime.datetime(2027, 1, 11, 9, tzinfo=LONDON),  # beyond the window
    ],
)
@time_machine.travel(MONDAY_MORNING, tick=False)
def test_a_time_that_is_not_offered_is_refused_and_nothing_is_stored(clinician, when):
    with pytest.raises(SlotTaken):
        consultation_booking_create(
            name="Mallory", email="m@example.com", starts_at=when, clinician_id=clinician.pk
        )

    assert not ConsultationRequest.objects.exists()


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_a_clinician_who_offers_no_free_consultations_has_no_slots(clinician):
    clinician.offers_free_consultations = False
    clinician.save()

    assert availability.free_slots() == []
