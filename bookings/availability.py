"""Free consultation slots: the clinicians' weekly hours, cut into slots by the booking policy,
less closures, bookings, the minimum notice and anything past the booking window.

Hours are wall-clock times in the clinic's zone (settings.TIME_ZONE, Europe/London): a slot at
09:00 is at 09:00 on both sides of a clock change. Slots come out as aware UTC datetimes.
docs/bookings.md, "Booking a time", says how staff set it up.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from articles.models import Clinician

from .models import BookingPolicy, Closure, ConsultationRequest, WeeklyHours

UTC = datetime.UTC


@dataclass(frozen=True, order=True)
class Slot:
    starts_at: datetime.datetime  # UTC
    ends_at: datetime.datetime
    clinician_id: int


@dataclass(frozen=True)
class Interval:
    starts_at: datetime.datetime
    ends_at: datetime.datetime

    def overlaps(self, other: "Interval") -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


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
    earliest = now + datetime.timedelta(minutes=policy.minimum_notice_minutes)
    window = Interval(
        _clinic_time(first_day, datetime.time.min, zone),
        _clinic_time(last_day + datetime.timedelta(days=1), datetime.time.min, zone),
    )

    clinicians = bookable_clinicians()
    if clinician_ids is not None:
        clinicians = clinicians.filter(pk__in=list(clinician_ids))
    ids = list(clinicians.values_list("pk", flat=True))
    if not ids:
        return []

    hours = defaultdict(list)
    for clinician_id, weekday, starts, ends in WeeklyHours.objects.filter(
        clinician_id__in=ids
    ).values_list("clinician_id", "weekday", "starts", "ends"):
        hours[clinician_id, weekday].append((starts, ends))

    # What makes a time unavailable, filed under each clinic day it touches.
    closed_for_all = defaultdict(list)
    unavailable = defaultdict(lambda: defaultdict(list))
    extra = defaultdict(list)
    closures = Closure.objects.in_force_between(window.starts_at, window.ends_at).applying_to(ids)
    for clinician_id, kind, starts_at, ends_at in closures.values_list(
        "clinician_id", "kind", "starts_at", "ends_at"
    ):
        interval = Interval(starts_at, ends_at)
        if kind == Closure.Kind.EXTRA:
            extra[clinician_id].append(interval)
        else:
            _file(
                closed_for_all if clinician_id is None else unavailable[clinician_id],
                interval,
                zone,
            )
    for clinician_id, starts_at, ends_at in (
        ConsultationRequest.objects.holding_slots()
        .filter(clinician_id__in=ids, starts_at__lt=window.ends_at, ends_at__gt=window.starts_at)
        .values_list("clinician_id", "starts_at", "ends_at")
    ):
        _file(unavailable[clinician_id], Interval(starts_at, ends_at), zone)

    length = datetime.timedelta(minutes=policy.slot_minutes)
    step = length + datetime.timedelta(minutes=policy.buffer_minutes)
    slots = []
    for clinician_id in ids:
        for session in _sessions(hours, extra, clinician_id, first_day, last_day, zone):
            day = session.starts_at.date()
            taken = closed_for_all[day] + unavailable[clinician_id][day]
            start = session.starts_at
            while start + length <= session.ends_at:
                candidate = Interval(start, start + length)
                if start >= earliest and not any(candidate.overlaps(t) for t in taken):
                    slots.append(
                        Slot(start.astimezone(UTC), (start + length).astimezone(UTC), clinician_id)
                    )
                start += step
    return sorted(set(slots))


def _file(by_day: dict, interval: Interval, zone) -> None:
    """Files an interval under every clinic day it touches."""
    day = interval.starts_at.astimezone(zone).date()
    last = (interval.ends_at - datetime.timedelta(microseconds=1)).astimezone(zone).date()
    while day <= last:
        by_day[day].append(interval)
        day += datetime.timedelta(days=1)


def _clinic_time(day: datetime.date, time: datetime.time, zone) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=zone)


def _sessions(hours, extra, clinician_id, first_day, last_day, zone) -> list[Interval]:
    """The clinician's working sessions between the two days, as aware clinic times."""
    sessions = []
    day = first_day
    while day <= last_day:
        for starts, ends in hours.get((clinician_id, day.weekday()), []):
            sessions.append(
                Interval(_clinic_time(day, starts, zone), _clinic_time(day, ends, zone))
            )
        day += datetime.timedelta(days=1)
    sessions.extend(
        Interval(session.starts_at.astimezone(zone), session.ends_at.astimezone(zone))
        for session in extra[clinician_id]
    )
    return sessions


def is_free(*, clinician_id: int, starts_at: datetime.datetime, now=None) -> Slot | None:
    """The slot starting then, if that clinician offers it now; None for anything else (outside
    hours, in the past, too soon, too far ahead, during a closure, taken, or off the grid)."""
    day = timezone.localdate(starts_at)
    for slot in free_slots(now=now, clinician_ids=[clinician_id], first_day=day, last_day=day):
        if slot.starts_at == starts_at:
            return slot
    return None


def free_at(starts_at: datetime.datetime, *, now=None) -> list[Slot]:
    """The slots starting then, one per clinician free at that time."""
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
