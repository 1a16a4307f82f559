"""Free consultation slots: the clinicians' weekly hours, cut into slots by the booking policy,
less closures, bookings, the minimum notice and anything past the booking window.

Hours are wall-clock times in the clinic's zone (settings.TIME_ZONE, Europe/London): a slot at
09:00 is at 09:00 on both sides of a clock change. Slots come out as aware UTC datetimes.
docs/bookings.md, "Booking a time", says how staff set it up.

On the nights the clocks change (tests/bookings/test_clock_changes.py):

- the slots of a range of weekly hours start on its wall-clock grid (its start, then every slot
  length plus buffer); a start that does not exist that night (spring: 01:00-01:59 in London)
  is not offered, and one that happens twice (autumn: 01:00-01:59) is offered once, the first
  time, so the repeated hour offers nothing the second time round;
- every slot lasts the slot length in real time, and ends by the range's end;
- an extra session, stored as two moments, is cut in real time from its start; its slots count
  on the day they start, like any other, and only those of the days asked for are returned.

The page of times asks for every free slot of the booking window on each view: thousands of
slots, and thousands of bookings. They are worked out as small integers (_Clock), and each
booking takes its slots away by bisection instead of being compared with every slot.
"""

import bisect
import datetime
import itertools
import operator
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connections
from django.db.models import (
    BigIntegerField,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    Value,
)
from django.utils import timezone

from articles.models import Clinician

from .models import BookingPolicy, Closure, ConsultationRequest, WeeklyHours

UTC = datetime.UTC


@dataclass(frozen=True, order=True)
class Slot:
    starts_at: datetime.datetime  # UTC
    ends_at: datetime.datetime
    clinician_id: int


def bookable_clinicians():
    return Clinician.objects.filter(offers_free_consultations=True)


def free_slots(
    *,
    now: datetime.datetime | None = None,
    clinician_ids: Iterable[int] | None = None,
    first_day: datetime.date | None = None,
    last_day: datetime.date | None = None,
    policy: BookingPolicy | None = None,
) -> list[Slot]:
    """Every free slot, in time order, of the given clinicians (default: all who offer free
    consultations), from `first_day` to `last_day` in clinic time (default: the booking window)."""
    now = now or timezone.now()
    policy = policy or BookingPolicy.current()
    zone = timezone.get_default_timezone()
    today = now.astimezone(zone).date()
    window_last_day = today + datetime.timedelta(days=policy.days_ahead)
    first_day = max(first_day or today, today)
    last_day = min(last_day or window_last_day, window_last_day)
    if last_day < first_day:
        return []
    window_starts_at = _clinic_time(first_day, datetime.time.min, zone)
    window_ends_at = _clinic_time(last_day + datetime.timedelta(days=1), datetime.time.min, zone)

    clinicians = bookable_clinicians()
    if clinician_ids is not None:
        clinicians = clinicians.filter(pk__in=list(clinician_ids))
    ids = list(clinicians.values_list("pk", flat=True))
    if not ids:
        return []

    hours = defaultdict(list)  # weekday -> [(clinician, starts, ends)]
    for clinician_id, weekday, starts, ends in WeeklyHours.objects.filter(
        clinician_id__in=ids
    ).values_list("clinician_id", "weekday", "starts", "ends"):
        hours[weekday].append((clinician_id, starts, ends))
    closures = list(
        Closure.objects.in_force_between(window_starts_at, window_ends_at)
        .applying_to(ids)
        .values_list("clinician_id", "kind", "starts_at", "ends_at")
    )

    # Times as whole seconds from the window's start ("ticks"): small integers are the fastest
    # Python has. Microseconds instead when hours or an extra session are not whole seconds.
    clock = _Clock(
        window_starts_at.astimezone(UTC),
        whole_seconds=all(
            starts.microsecond == ends.microsecond == 0
            for ranges in hours.values()
            for _, starts, ends in ranges
        )
        and all(
            starts_at.microsecond == ends_at.microsecond == 0
            for _, kind, starts_at, ends_at in closures
            if kind == Closure.Kind.EXTRA
        ),
    )
    window_end = clock.ticks(window_ends_at)
    earliest = clock.ticks(now + datetime.timedelta(minutes=policy.minimum_notice_minutes), up=True)
    length = clock.per_second * 60 * policy.slot_minutes
    step = length + clock.per_second * 60 * policy.buffer_minutes

    # Each clinician's slots by the schedule, before anything takes them away.
    starts = _weekly_starts(hours, first_day, last_day, zone, clock, length, step)
    # What takes slots away, per clinician: their bookings, their leave and the clinic's closures.
    busy_starts, busy_ends = defaultdict(list), defaultdict(list)
    for clinician_id, booked_starts, booked_ends in _booked(ids, clock, window_ends_at):
        busy_starts[clinician_id].extend(booked_starts)
        busy_ends[clinician_id].extend(booked_ends)
    for clinician_id, kind, starts_at, ends_at in closures:
        if kind == Closure.Kind.EXTRA:
            # Cut in real time from its start; a slot is in the window by its start.
            first, last = clock.ticks(starts_at), clock.ticks(ends_at) - length
            starts[clinician_id].extend(
                start for start in range(first, last + 1, step) if 0 <= start < window_end
            )
            continue
        for who in ids if clinician_id is None else (clinician_id,):
            busy_starts[who].append(clock.ticks(starts_at))
            busy_ends[who].append(clock.ticks(ends_at, up=True))

    found = []  # (start, clinician), each clinician's in time order
    for clinician_id in ids:
        times = sorted(starts[clinician_id])
        if any(map(operator.eq, times, times[1:])):  # ranges that overlap
            times = sorted(set(times))
        times = times[bisect.bisect_left(times, earliest) :]
        if not times:
            continue
        # A busy time takes away every slot that starts before it ends and ends after it
        # starts: those from (its start - length) to its end, both excluded, found by bisection
        # in the sorted starts; the rest are free. All of it in C, thousands of bookings.
        taken = set(
            itertools.chain.from_iterable(
                map(
                    range,
                    map(
                        bisect.bisect_right,
                        itertools.repeat(times),
                        map(length.__rsub__, busy_starts[clinician_id]),
                    ),
                    map(bisect.bisect_left, itertools.repeat(times), busy_ends[clinician_id]),
                )
            )
        )
        free = itertools.filterfalse(taken.__contains__, range(len(times)))
        found.extend(zip(map(times.__getitem__, free), itertools.repeat(clinician_id)))
    found.sort()
    # Clinicians share their times: one datetime for each distinct moment.
    distinct = {start for start, _ in found}
    distinct.update([start + length for start in distinct])
    moments = {tick: clock.moment(tick) for tick in distinct}
    return [Slot(moments[start], moments[start + length], who) for start, who in found]


class _Clock:
    """Moments as integer ticks (seconds, or microseconds) since an origin, exactly: a start
    rounds down and an end up, which is exact for the whole ticks that slots start on."""

    def __init__(self, origin: datetime.datetime, *, whole_seconds: bool):
        self.origin = origin
        self.per_second = 1 if whole_seconds else 1_000_000

    def ticks(self, moment: datetime.datetime, *, up: bool = False) -> int:
        delta = moment - self.origin
        microseconds = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        if self.per_second == 1_000_000:
            return microseconds
        return -(-microseconds // 1_000_000) if up else microseconds // 1_000_000

    def moment(self, ticks: int) -> datetime.datetime:
        if self.per_second == 1:
            return self.origin + datetime.timedelta(seconds=ticks)
        return self.origin + datetime.timedelta(microseconds=ticks)


class _Ticks(Func):
    """PostgreSQL: a timestamp with time zone as whole ticks since the clock's origin, rounded
    down (FLOOR) or up (CEIL)."""

    template = "%(function)s(EXTRACT(EPOCH FROM %(expressions)s) * %(per_second)s)::bigint"
    output_field = BigIntegerField()

    def __init__(self, field: str, clock: _Clock, *, up: bool = False):
        since = ExpressionWrapper(
            F(field) - Value(clock.origin, output_field=DateTimeField()),
            output_field=DurationField(),
        )
        super().__init__(since, function="CEIL" if up else "FLOOR", per_second=clock.per_second)


def _booked(ids, clock: _Clock, ends_at) -> Iterable[tuple[int, list[int], list[int]]]:
    """(clinician, [start], [end]) in ticks of the booked times holding a slot in the window.
    Thousands of them: on PostgreSQL they come as arrays, one row per clinician, far cheaper to
    read than rows of datetimes."""
    bookings = ConsultationRequest.objects.holding_slots().filter(
        clinician_id__in=ids, starts_at__lt=ends_at, ends_at__gt=clock.origin
    )
    if connections[bookings.db].vendor == "postgresql":
        return (
            bookings.order_by()
            .values("clinician_id")
            .annotate(
                starts=ArrayAgg(_Ticks("starts_at", clock)),
                ends=ArrayAgg(_Ticks("ends_at", clock, up=True)),
            )
            .values_list("clinician_id", "starts", "ends")
        )
    by_clinician = defaultdict(lambda: ([], []))
    for clinician_id, starts_at, ends_at in bookings.values_list(
        "clinician_id", "starts_at", "ends_at"
    ):
        booked_starts, booked_ends = by_clinician[clinician_id]
        booked_starts.append(clock.ticks(starts_at))
        booked_ends.append(clock.ticks(ends_at, up=True))
    return ((clinician_id, *booked) for clinician_id, booked in by_clinician.items())


def _weekly_starts(hours, first_day, last_day, zone, clock: _Clock, length: int, step: int):
    """{clinician: [start of each slot of their weekly hours]} from first_day to last_day."""
    starts = defaultdict(list)
    per_second = clock.per_second
    day = first_day
    while day <= last_day:
        ranges = hours.get(day.weekday())
        if ranges:
            midnight = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
            offset = zone.utcoffset(midnight.replace(tzinfo=None))
            next_midnight = datetime.datetime.combine(
                day + datetime.timedelta(days=1), datetime.time.min
            )
            if offset == zone.utcoffset(next_midnight):
                # No clock change today: one offset from wall clock to UTC all day.
                base = clock.ticks(midnight)
                for clinician_id, range_starts, range_ends in ranges:
                    first = base + _time_ticks(range_starts, per_second)
                    last = base + _time_ticks(range_ends, per_second) - length
                    starts[clinician_id].extend(range(first, last + 1, step))
            else:
                for clinician_id, range_starts, range_ends in ranges:
                    starts[clinician_id].extend(
                        _starts_on_change_day(
                            day, range_starts, range_ends, zone, clock, length, step
                        )
                    )
        day += datetime.timedelta(days=1)
    return starts


def _starts_on_change_day(day, range_starts, range_ends, zone, clock: _Clock, length, step):
    """The slots of one range on a day the clocks change: each wall-clock start on the grid that
    exists (the first time, if it happens twice), lasting `length` in real time, ending by the
    range's end."""
    wall = datetime.datetime.combine(day, range_starts)
    wall_end = datetime.datetime.combine(day, range_ends)
    end = clock.ticks(wall_end.replace(tzinfo=zone))
    wall_step = datetime.timedelta(microseconds=step * (1_000_000 // clock.per_second))
    while wall < wall_end:
        moment = wall.replace(tzinfo=zone).astimezone(UTC)
        exists = moment.astimezone(zone).replace(tzinfo=None) == wall
        start = clock.ticks(moment)
        if exists and start + length <= end:
            yield start
        wall += wall_step


def _time_ticks(time: datetime.time, per_second: int) -> int:
    seconds = (time.hour * 60 + time.minute) * 60 + time.second
    if per_second == 1:
        return seconds
    return seconds * 1_000_000 + time.microsecond


def _clinic_time(day: datetime.date, time: datetime.time, zone) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=zone)


def is_free(*, clinician_id: int, starts_at: datetime.datetime, now=None) -> Slot | None:
    """The slot starting then, if that clinician offers it now; None for anything else (outside
    hours, in the past, too soon, too far ahead, during a closure, taken, or off the grid)."""
    # In UTC: Python never finds a London time in the autumn's repeated hour equal to a time in
    # another zone, so compared as it came, 01:30 BST would not match the slot at 00:30 UTC.
    starts_at = starts_at.astimezone(UTC)
    day = timezone.localdate(starts_at)
    for slot in free_slots(now=now, clinician_ids=[clinician_id], first_day=day, last_day=day):
        if slot.starts_at == starts_at:
            return slot
    return None


def free_at(starts_at: datetime.datetime, *, now=None) -> list[Slot]:
    """The slots starting then, one per clinician free at that time."""
    starts_at = starts_at.astimezone(UTC)  # as in is_free()
    day = timezone.localdate(starts_at)
    slots = free_slots(now=now, first_day=day, last_day=day)
    return [slot for slot in slots if slot.starts_at == starts_at]


def group_by_day(slots: Iterable[Slot]) -> dict[datetime.date, dict[datetime.datetime, list[int]]]:
    """{clinic date: {start: [clinician ids free then]}}, in time order, for the slot picker."""
    days: dict = {}
    for slot in sorted(slots):
        day = days.setdefault(timezone.localdate(slot.starts_at), {})
        day.setdefault(slot.starts_at, []).append(slot.clinician_id)
    return days
