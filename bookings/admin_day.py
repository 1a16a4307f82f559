"""The day view in admin: each clinician's booked times on one day, in clinic time, with the
buttons the receptionist records the outcome with (bookings/admin.py serves it; docs/bookings.md,
"Booking a time: staff")."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from articles.models import Clinician

from . import availability
from .models import Closure, ConsultationRequest, WeeklyHours

Status = ConsultationRequest.Status
# What the buttons post as "outcome", and their labels.
ATTENDED, NO_SHOW, CANCEL = Status.ATTENDED.value, Status.NO_SHOW.value, "cancel"
OUTCOME_LABELS = {
    ATTENDED: "Attended",
    NO_SHOW: "Did not attend",
    CANCEL: "Cancel on behalf of the reader",
}


@dataclass
class BookingRow:
    booking: ConsultationRequest
    buttons: list[tuple[str, str]]


@dataclass
class ClinicianDay:
    clinician: Clinician
    hours: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    rows: list[BookingRow] = field(default_factory=list)


def parse_day(value: str | None) -> datetime.date | None:
    """The day asked for in the address, e.g. ?date=2026-12-14; None when there is none or it
    is not a date."""
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Midnight to midnight in clinic time (23 or 25 hours on the day the clocks change)."""
    zone = timezone.get_default_timezone()
    starts = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    return starts, datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )


def buttons_for(booking: ConsultationRequest, *, now: datetime.datetime) -> list[tuple[str, str]]:
    """(outcome, label) of each button a booked time offers: whether the reader came once the
    time has begun (or the other way, to correct a slip), and cancelling while it is booked."""
    outcomes = []
    if booking.starts_at <= now:
        if booking.status in {Status.BOOKED, Status.NO_SHOW}:
            outcomes.append(ATTENDED)
        if booking.status in {Status.BOOKED, Status.ATTENDED}:
            outcomes.append(NO_SHOW)
    if booking.status == Status.BOOKED:
        outcomes.append(CANCEL)
    return [(outcome, OUTCOME_LABELS[outcome]) for outcome in outcomes]


def _span(starts_at, ends_at, day_starts, day_ends) -> str:
    if starts_at <= day_starts and ends_at >= day_ends:
        return "all day"
    starts = timezone.localtime(max(starts_at, day_starts))
    ends = timezone.localtime(min(ends_at, day_ends))
    return f"{starts:%H:%M}–{'24:00' if ends_at >= day_ends else f'{ends:%H:%M}'}"


def _describe(closure: Closure, day_starts, day_ends) -> str:
    what = "Extra session" if closure.kind == Closure.Kind.EXTRA else "Not available"
    described = f"{what} {_span(closure.starts_at, closure.ends_at, day_starts, day_ends)}"
    return f"{described}: {closure.reason}" if closure.reason else described


def day_schedule(
    day: datetime.date, *, now: datetime.datetime | None = None
) -> tuple[list[str], list[ClinicianDay]]:
    """The whole clinic's closures that day, and for each clinician who offers free
    consultations or has a booked time that day: their hours, their exceptions and their
    booked times (cancelled ones included; spam left out), in time order."""
    now = now or timezone.now()
    day_starts, day_ends = day_bounds(day)
    bookings = list(
        ConsultationRequest.objects.filter(
            clinician__isnull=False, starts_at__gte=day_starts, starts_at__lt=day_ends
        )
        .exclude(status=Status.SPAM)
        .select_related("clinician")
        .order_by("starts_at", "pk")
    )
    clinicians = {clinician.pk: clinician for clinician in availability.bookable_clinicians()}
    clinicians.update({booking.clinician_id: booking.clinician for booking in bookings})
    days = {
        pk: ClinicianDay(clinician)
        for pk, clinician in sorted(clinicians.items(), key=lambda item: item[1].name)
    }
    for hours in WeeklyHours.objects.filter(clinician_id__in=days, weekday=day.weekday()):
        days[hours.clinician_id].hours.append(f"{hours.starts:%H:%M}–{hours.ends:%H:%M}")
    clinic_closures = []
    for closure in Closure.objects.in_force_between(day_starts, day_ends).applying_to(days):
        described = _describe(closure, day_starts, day_ends)
        if closure.clinician_id is None:
            clinic_closures.append(described)
        else:
            days[closure.clinician_id].exceptions.append(described)
    for booking in bookings:
        days[booking.clinician_id].rows.append(BookingRow(booking, buttons_for(booking, now=now)))
    return clinic_closures, list(days.values())
