"""Slots are computed from wall-clock hours in Europe/London and stored as aware UTC datetimes
(issue 14). Across the spring and autumn clock changes of 2026 (Sunday 29 March, Sunday 25
October) no slot appears twice or vanishes, each lasts its length, the UTC values move by the
hour, and a booking's calendar invite (.ics) is at the time the page showed.

The night's odd hour, as decided here and in bookings/availability.py:

- spring: 01:00-01:59 does not exist, so a slot starting then is not offered;
- autumn: 01:00-01:59 happens twice, and a slot starting then is offered once, the first time
  (BST); the second time round (GMT) offers nothing;
- every slot lasts the slot length in real time, so the slot at 01:50 BST on the autumn night
  ends at 01:10 GMT, twenty minutes later.
"""

import datetime
import itertools
import re

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from bookings import availability, calendar
from bookings.models import ConsultationRequest
from bookings.services import SlotTaken, consultation_booking_create
from tests.bookings.clinic_hours import EVERY_DAY, LONDON, clinician_with_hours, policy, slot_value

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
BOOK_TIME = reverse("bookings:book_time")
TWENTY_MINUTES = datetime.timedelta(minutes=20)
# Every day 09:00-17:00 in 20-minute slots, as the wall clock reads them.
DAY_TIMES = [f"{minutes // 60:02d}:{minutes % 60:02d}" for minutes in range(9 * 60, 17 * 60, 20)]
# Sunday nights 00:30-03:30.
NIGHT = ((6, "00:30", "03:30"),)
NIGHT_TIMES = ["00:30", "00:50", "01:10", "01:30", "01:50", "02:10", "02:30", "02:50", "03:10"]


def day(month: int, number: int) -> datetime.date:
    return datetime.date(2026, month, number)


def london(month: int, number: int, hour: int, minute: int = 0, fold: int = 0):
    return datetime.datetime(2026, month, number, hour, minute, tzinfo=LONDON, fold=fold)


def utc(month: int, number: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, number, hour, minute, tzinfo=UTC)


def wall_clock(slots) -> dict[datetime.date, list[str]]:
    """{clinic date: ["09:00", ...]}: the slots as the page shows them."""
    days: dict[datetime.date, list[str]] = {}
    for slot in slots:
        local = slot.starts_at.astimezone(LONDON)
        days.setdefault(local.date(), []).append(f"{local:%H:%M}")
    return days


def assert_sound(slots) -> None:
    """Aware UTC, each once, each its full length, none overlapping the next."""
    assert all(slot.starts_at.tzinfo is UTC and slot.ends_at.tzinfo is UTC for slot in slots)
    starts = [slot.starts_at for slot in slots]
    assert len(set(starts)) == len(starts), "a slot appears twice"
    assert starts == sorted(starts)
    assert all(slot.ends_at - slot.starts_at == TWENTY_MINUTES for slot in slots)
    assert all(before.ends_at <= after.starts_at for before, after in itertools.pairwise(slots))


CHANGES = {
    # the Monday before, the days around the change, the UTC hour of 09:00 before and after
    "spring": (london(3, 23, 8), day(3, 24), day(3, 29), day(4, 5), 9, 8),
    "autumn": (london(10, 19, 8), day(10, 20), day(10, 25), day(11, 1), 8, 9),
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_day_has_the_same_wall_clock_slots_either_side_of_the_change(change):
    monday_before, first, change_day, last, utc_before, utc_after = CHANGES[change]
    policy()
    clinician_with_hours(hours=EVERY_DAY)

    with time_machine.travel(monday_before, tick=False):
        slots = availability.free_slots(first_day=first, last_day=last)

    assert_sound(slots)
    days = wall_clock(slots)
    assert list(days) == [
        first + datetime.timedelta(days=n) for n in range((last - first).days + 1)
    ]
    assert all(times == DAY_TIMES for times in days.values()), days
    # Nine o'clock is the same on the wall clock and an hour apart in UTC.
    for slot in slots:
        local_day = slot.starts_at.astimezone(LONDON).date()
        if slot.starts_at.astimezone(LONDON).strftime("%H:%M") == "09:00":
            expected = utc_before if local_day < change_day else utc_after
            assert slot.starts_at.hour == expected, (local_day, slot.starts_at)


def radio_times(page: str) -> dict[str, list[tuple[str, str]]]:
    """{day legend: [(value, label), ...]} as the page of times lists them."""
    days = {}
    for legend, body in re.findall(
        r'<fieldset class="bookings-slot-day">\s*<legend>([^<]+)</legend>(.*?)</fieldset>',
        page,
        re.S,
    ):
        labels = dict(re.findall(r'<label class="form-check-label" for="([^"]+)">([^<]+)<', body))
        days[legend] = [
            (value, labels[radio])
            for value, radio in re.findall(r'name="slot" value="([^"]+)" id="([^"]+)"', body)
        ]
    return days


@pytest.mark.parametrize(
    "monday_before, week_from, monday_after, nine_utc",
    [
        (london(3, 23, 8), day(3, 26), 30, utc(3, 30, 8)),  # 09:00 BST
        (london(10, 19, 8), day(10, 22), 26, utc(10, 26, 9)),  # 09:00 GMT
    ],
    ids=["spring", "autumn"],
)
def test_the_page_shows_each_time_once_and_the_invite_is_at_the_time_it_showed(
    client, settings, monday_before, week_from, monday_after, nine_utc
):
    settings.BOOKINGS_MIN_FILL_SECONDS = 0  # the clock stands still in this test
    policy()
    clinician = clinician_with_hours(hours=EVERY_DAY)

    with time_machine.travel(monday_before, tick=False):
        page = client.get(BOOK_TIME, {"from": week_from.isoformat()}).text
        days = radio_times(page)
        # Thursday to Wednesday, the Sunday of the change in the middle: every day the same
        # times on the wall clock, each radio's UTC value that very time in London.
        assert len(days) == 7, list(days)
        for choices in days.values():
            assert [label for _, label in choices] == DAY_TIMES
            for value, label in choices:
                starts_at = datetime.datetime.strptime(value[:16], "%Y%m%dT%H%M%SZ").replace(
                    tzinfo=UTC
                )
                assert f"{starts_at.astimezone(LONDON):%H:%M}" == label
        value, label = days[f"Monday {monday_after} {nine_utc:%B}"][0]
        assert (value, label) == (slot_value(nine_utc), "09:00")

        form = page[page.index('id="booking-form"') :]
        hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
        response = client.post(
            BOOK_TIME,
            {
                **hidden,
                "slot": value,
                "name": "Zoë Ångström",
                "email": "zoe@example.com",
                "help_with": "Low back pain",
                "consent": "on",
            },
        )
        assert response.status_code == 302, response.text[:3000]
        confirmation = client.get(response["Location"]).text

    booking = ConsultationRequest.objects.get()
    assert (booking.clinician, booking.starts_at, booking.status) == (clinician, nine_utc, "booked")
    assert "09:00 to 09:20 (UK time)" in confirmation
    event = Calendar.from_ical(calendar.invite(booking)).walk("VEVENT")[0]
    starts, ends = event["DTSTART"].dt, event["DTEND"].dt
    assert starts == nine_utc and starts.utcoffset() == datetime.timedelta(0)
    assert ends - starts == TWENTY_MINUTES
    assert f"{starts.astimezone(LONDON):%H:%M}" == label == "09:00"
    assert starts.astimezone(LONDON).date() == nine_utc.date()


@time_machine.travel(london(3, 15, 8), tick=False)
def test_spring_night_a_time_that_does_not_exist_is_not_offered():
    policy()
    clinician_with_hours(hours=NIGHT)

    slots = availability.free_slots(first_day=day(3, 22), last_day=day(4, 5))

    assert_sound(slots)
    days = wall_clock(slots)
    assert days[day(3, 22)] == days[day(4, 5)] == NIGHT_TIMES
    # 01:10, 01:30 and 01:50 never happen on 29 March: the clocks go from 00:59 to 02:00.
    assert days[day(3, 29)] == ["00:30", "00:50", "02:10", "02:30", "02:50", "03:10"]
    change_night = [slot for slot in slots if slot.starts_at.date() == day(3, 29)]
    assert [(slot.starts_at, slot.ends_at) for slot in change_night] == [
        (utc(3, 29, 0, 30), utc(3, 29, 0, 50)),
        (utc(3, 29, 0, 50), utc(3, 29, 1, 10)),  # 00:50 GMT to 02:10 BST: twenty minutes
        (utc(3, 29, 1, 10), utc(3, 29, 1, 30)),
        (utc(3, 29, 1, 30), utc(3, 29, 1, 50)),
        (utc(3, 29, 1, 50), utc(3, 29, 2, 10)),
        (utc(3, 29, 2, 10), utc(3, 29, 2, 30)),  # 03:10 to 03:30 BST, the end of the hours
    ]


@time_machine.travel(london(10, 11, 8), tick=False)
def test_autumn_night_a_time_that_happens_twice_is_offered_once():
    policy()
    clinician = clinician_with_hours(hours=NIGHT)

    slots = availability.free_slots(first_day=day(10, 18), last_day=day(11, 1))

    assert_sound(slots)
    days = wall_clock(slots)
    assert days[day(10, 18)] == days[day(10, 25)] == days[day(11, 1)] == NIGHT_TIMES
    change_night = [
        slot for slot in slots if slot.starts_at.astimezone(LONDON).date() == day(10, 25)
    ]
    assert [slot.starts_at for slot in change_night] == [
        utc(10, 24, 23, 30),  # 00:30 BST
        utc(10, 24, 23, 50),
        utc(10, 25, 0, 10),  # 01:10 BST, the first 01:10
        utc(10, 25, 0, 30),
        utc(10, 25, 0, 50),  # 01:50 BST, which ends at 01:10 GMT
        utc(10, 25, 2, 10),  # 02:10 GMT: nothing from 01:10 to 02:10 UTC, the hour again
        utc(10, 25, 2, 30),
        utc(10, 25, 2, 50),
        utc(10, 25, 3, 10),  # ends at 03:30 GMT, the end of the hours
    ]
    assert change_night[4].ends_at.astimezone(LONDON) == london(10, 25, 1, 10, fold=1)

    # The first 01:30 can be booked and its invite says so; the second is not a time offered.
    booking = consultation_booking_create(
        name="Night Owl",
        email="owl@example.com",
        starts_at=london(10, 25, 1, 30),
        clinician_id=clinician.pk,
    )
    event = Calendar.from_ical(calendar.invite(booking)).walk("VEVENT")[0]
    assert event["DTSTART"].dt == utc(10, 25, 0, 30)
    assert event["DTEND"].dt == utc(10, 25, 0, 50)
    with pytest.raises(SlotTaken):
        consultation_booking_create(
            name="Second Owl",
            email="owl2@example.com",
            starts_at=london(10, 25, 1, 30, fold=1),
            clinician_id=clinician.pk,
        )
