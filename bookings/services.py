"""Everything that changes consultation requests. Views, admin and commands call these."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Required, TypedDict, Unpack

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from phonenumber_field.phonenumber import PhoneNumber

from articles.models import Article

from . import availability
from .antispam import Screening, Verdict
from .models import ConsultationRequest, StatusChange
from .tasks import (
    EMAIL_TASK_PATHS,
    send_booking_cancellation,
    send_busy_hour_alert,
    send_requester_confirmation,
    send_staff_notification,
)

ANONYMISED_NAME = "(anonymised)"
STATUS_ON_ARRIVAL = {
    Verdict.ACCEPT: ConsultationRequest.Status.NEW,
    Verdict.HOLD: ConsultationRequest.Status.HELD,
    Verdict.SPAM: ConsultationRequest.Status.SPAM,
}
BOOKING_STATUS_ON_ARRIVAL = {**STATUS_ON_ARRIVAL, Verdict.ACCEPT: ConsultationRequest.Status.BOOKED}
SENDS_EMAILS_ON_ARRIVAL = {ConsultationRequest.Status.NEW, ConsultationRequest.Status.BOOKED}

RELEASABLE = {ConsultationRequest.Status.HELD, ConsultationRequest.Status.SPAM}


class ConsultationRequestDuplicate(Exception):
    """The same answers were sent again the same day; `existing` is the request we kept."""

    def __init__(self, existing: ConsultationRequest):
        super().__init__(f"request {existing.pk} was already sent")
        self.existing = existing


class Answers(TypedDict, total=False):
    """What a reader tells us, in a request or a booking, named as the model stores it."""

    name: Required[str]
    email: Required[str]
    phone: PhoneNumber | str | None
    help_with: str
    contact_method: str
    preferred_times: Sequence[str]
    message: str
    consent_version: str | None
    article: Article | None
    referrer: str
    utm_source: str
    utm_medium: str
    utm_campaign: str


def _new(answers: Answers, *, screening: Screening, status: str, **time) -> ConsultationRequest:
    """An unsaved request from the reader's answers, the screening's verdict and, for a
    booking, its time (clinician_id, starts_at, ends_at)."""
    return ConsultationRequest(
        **{
            **answers,
            "phone": answers.get("phone") or "",
            "preferred_times": list(answers.get("preferred_times", ())),
            "consent_version": answers.get("consent_version") or settings.BOOKINGS_CONSENT_VERSION,
        },
        client_hash=screening.client_hash,
        screening_reason=screening.reason,
        status=status,
        **time,
    )


def consultation_request_create(
    *, screening: Screening | None = None, **answers: Unpack[Answers]
) -> ConsultationRequest:
    """Stores a request and, when screening accepted it, enqueues its two emails in the same
    transaction: the task rows are the outbox, so the request and its emails commit together.
    A held request sends its emails when staff release it; spam never does.

    Raises ConsultationRequestDuplicate when the same answers were already sent today.
    """
    screening = screening or Screening(client_hash="")
    status = STATUS_ON_ARRIVAL[screening.verdict]
    consultation_request = _new(answers, screening=screening, status=status)
    _store(consultation_request, screening)
    return consultation_request


class SlotTaken(Exception):
    """The time is not (or no longer) free with any clinician asked for."""


def consultation_booking_create(
    *,
    starts_at: datetime,
    clinician_id: int | None = None,
    screening: Screening | None = None,
    **answers: Unpack[Answers],
) -> ConsultationRequest:
    """Books a free consultation at `starts_at` with that clinician, or with None any clinician
    free then. The slot is checked against the schedule now, and the database refuses a time
    someone else booked meanwhile; a held booking keeps its slot until staff decide.

    Raises SlotTaken when no clinician asked for is free then, and ConsultationRequestDuplicate
    when the same booking was already made.
    """
    screening = screening or Screening(client_hash="")
    status = BOOKING_STATUS_ON_ARRIVAL[screening.verdict]
    now = timezone.now()
    if clinician_id is None:
        candidates = sorted(
            {slot.clinician_id for slot in availability.free_at(starts_at, now=now)}
        )
    else:
        candidates = [clinician_id]
    for candidate in candidates:
        slot = availability.is_free(clinician_id=candidate, starts_at=starts_at, now=now)
        if slot is None:
            continue
        booking = _new(
            {"contact_method": ConsultationRequest.ContactMethod.EMAIL, **answers},
            screening=screening,
            status=status,
            clinician_id=slot.clinician_id,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
        )
        try:
            _store(booking, screening)
        except SlotTaken:
            continue  # booked by someone else a moment ago: the next clinician, if any
        return booking
    raise SlotTaken(f"no free slot at {starts_at.isoformat()}")


def consultation_booking_find_duplicate(
    *,
    name: str,
    email: str,
    starts_at: datetime,
    help_with: str = "",
    phone: PhoneNumber | str | None = None,
    article: Article | None = None,
) -> ConsultationRequest | None:
    """The booking these same answers already made today, if any. The time it holds is no
    longer free, so consultation_booking_create() refuses a booking sent again (a refresh that
    re-posts, Back then Send) as SlotTaken: this tells the reader's own booking apart."""
    same_answers = ConsultationRequest(
        name=name,
        email=email,
        phone=phone or "",
        help_with=help_with,
        contact_method=ConsultationRequest.ContactMethod.EMAIL,
        article=article,
        starts_at=starts_at,
    )
    return (
        ConsultationRequest.objects.exclude(duplicate_key="")
        .filter(duplicate_key=same_answers.answers_key(), starts_at=starts_at)
        .first()
    )


def _store(consultation_request: ConsultationRequest, screening: Screening) -> None:
    """Saves a new request or booking and, when it was accepted, its emails, in one
    transaction: the task rows are the outbox."""
    # The article is an Article already (the form looked it up): no need to query it again.
    # Uniqueness and free slots are the database's to check, on insert.
    consultation_request.full_clean(
        exclude=["article", "clinician", "reply_due_at", "duplicate_key"],
        validate_constraints=False,
    )
    try:
        with transaction.atomic():
            consultation_request.save()
            if consultation_request.status in SENDS_EMAILS_ON_ARRIVAL:
                _enqueue_emails(consultation_request)
            if screening.alert_staff:
                send_busy_hour_alert.enqueue()
    except IntegrityError:
        existing = ConsultationRequest.objects.filter(
            duplicate_key=consultation_request.duplicate_key
        ).first()
        if existing is not None:
            raise ConsultationRequestDuplicate(existing) from None
        if consultation_request.starts_at is not None:
            raise SlotTaken(consultation_request.starts_at.isoformat()) from None
        raise


def _enqueue_emails(consultation_request: ConsultationRequest) -> int:
    enqueued = 0
    if consultation_request.staff_notified_at is None:
        send_staff_notification.enqueue(consultation_request.pk)
        enqueued += 1
    if consultation_request.confirmation_sent_at is None:
        send_requester_confirmation.enqueue(consultation_request.pk)
        enqueued += 1
    return enqueued


def consultation_request_change_status(
    *,
    consultation_request: ConsultationRequest,
    status: str,
    changed_by: AbstractBaseUser | None,
) -> ConsultationRequest:
    """Moves a request to another status and writes who did it, and when, to its history.

    Raises SlotTaken when that would give a booked time back to someone whose slot was taken."""
    status = ConsultationRequest.Status(status)
    with transaction.atomic():
        locked = ConsultationRequest.objects.select_for_update().get(pk=consultation_request.pk)
        if locked.status == status:
            return locked
        now = timezone.now()
        StatusChange.objects.create(
            consultation_request=locked,
            from_status=locked.status,
            to_status=status,
            changed_by=changed_by,
            changed_at=now,
        )
        locked.status = status
        update_fields = ["status", "updated_at"]
        if status == ConsultationRequest.Status.CONTACTED and locked.contacted_at is None:
            locked.contacted_at = now
            update_fields.append("contacted_at")
        try:
            with transaction.atomic():
                locked.save(update_fields=update_fields)
        except IntegrityError:
            # A cancelled booking moved back to booked after its time went to someone else.
            raise SlotTaken("that time has been booked by someone else") from None
    return locked


def consultation_request_release(
    *, consultation_request: ConsultationRequest, released_by: AbstractBaseUser | None
) -> ConsultationRequest:
    """A held (or wrongly spam) request becomes new, or booked if it has a time, and sends its
    two emails, as if it had just arrived; the history records who released it.

    Raises SlotTaken when a spam booking's time was given to someone else meanwhile."""
    try:
        with transaction.atomic():
            locked = ConsultationRequest.objects.select_for_update().get(pk=consultation_request.pk)
            if locked.status not in RELEASABLE:
                return locked
            released = consultation_request_change_status(
                consultation_request=locked,
                status=ConsultationRequest.Status.BOOKED
                if locked.starts_at
                else ConsultationRequest.Status.NEW,
                changed_by=released_by,
            )
            _enqueue_emails(released)
    except IntegrityError:
        raise SlotTaken("the time was booked by someone else meanwhile") from None
    return released


def consultation_booking_cancel(
    *,
    booking: ConsultationRequest,
    cancelled_by: AbstractBaseUser | None,
    notify_reader: bool = True,
) -> ConsultationRequest:
    """Cancels a booked time: its slot is free again, the history records who cancelled it, the
    calendar SEQUENCE goes up, and the reader is sent one cancellation email with the calendar's
    METHOD:CANCEL, all in one transaction. Cancelling a cancelled booking changes nothing.

    Only a reader who was told the time is booked hears of it: a held, spam or anonymised
    booking sends nothing, like its confirmation (docs/bookings.md, "Not a relay")."""
    if booking.starts_at is None:
        raise ValueError(f"request {booking.pk} is a call-back request, not a booked time")
    with transaction.atomic():
        locked = ConsultationRequest.objects.select_for_update().get(pk=booking.pk)
        if locked.status == ConsultationRequest.Status.CANCELLED:
            return locked
        was_told = locked.may_be_emailed
        cancelled = consultation_request_change_status(
            consultation_request=locked,
            status=ConsultationRequest.Status.CANCELLED,
            changed_by=cancelled_by,
        )
        cancelled.calendar_sequence += 1
        cancelled.save(update_fields=["calendar_sequence", "updated_at"])
        if (
            notify_reader
            and was_told
            and cancelled.email
            and cancelled.cancellation_sent_at is None
        ):
            send_booking_cancellation.enqueue(cancelled.pk)
    return cancelled


class BookingOutcomeRefused(Exception):
    """Whether the reader came cannot be recorded for this request, or not yet."""


BOOKING_OUTCOMES = {ConsultationRequest.Status.ATTENDED, ConsultationRequest.Status.NO_SHOW}


def consultation_booking_record_outcome(
    *,
    booking: ConsultationRequest,
    outcome: str,
    recorded_by: AbstractBaseUser | None,
    now: datetime | None = None,
) -> ConsultationRequest:
    """Records whether the reader came to their booked time, attended or did not attend, with
    who recorded it in the history. Only once the time has begun, and only for a booking that
    is booked, or already recorded the other way (a slip corrected).

    Raises BookingOutcomeRefused otherwise, saying why."""
    outcome = ConsultationRequest.Status(outcome)
    if outcome not in BOOKING_OUTCOMES:
        raise ValueError(f"{outcome} is not an outcome of a booked time")
    now = now or timezone.now()
    with transaction.atomic():
        locked = ConsultationRequest.objects.select_for_update().get(pk=booking.pk)
        if locked.starts_at is None:
            raise BookingOutcomeRefused("it is a call-back request, not a booked time")
        if locked.status not in {ConsultationRequest.Status.BOOKED, *BOOKING_OUTCOMES}:
            raise BookingOutcomeRefused(f"it is {locked.get_status_display().lower()}")
        if locked.starts_at > now:
            raise BookingOutcomeRefused("its time has not come yet")
        return consultation_request_change_status(
            consultation_request=locked, status=outcome, changed_by=recorded_by
        )


def consultation_request_assign(
    *, consultation_request: ConsultationRequest, assignee: AbstractBaseUser | None
) -> ConsultationRequest:
    consultation_request.assigned_to = assignee
    consultation_request.save(update_fields=["assigned_to", "updated_at"])
    return consultation_request


def consultation_request_resend_emails(*, consultation_request: ConsultationRequest) -> int:
    """Enqueues whichever of the two emails has not been delivered; returns how many.

    Held, spam and anonymised requests send nothing: release a held one first.
    """
    if not consultation_request.may_be_emailed:
        return 0
    with transaction.atomic():
        return _enqueue_emails(consultation_request)


def consultation_request_anonymise(
    *, consultation_request: ConsultationRequest
) -> ConsultationRequest:
    """Removes everything that identifies the person or their health; keeps dates and status."""
    consultation_request.name = ANONYMISED_NAME
    consultation_request.email = ""
    consultation_request.phone = ""
    consultation_request.help_with = ""
    consultation_request.preferred_times = []
    consultation_request.message = ""
    consultation_request.staff_notes = ""
    for source_field in ConsultationRequest.SOURCE_FIELDS:
        setattr(consultation_request, source_field, "")
    consultation_request.client_hash = ""
    consultation_request.duplicate_key = ""
    consultation_request.last_email_error = ""
    consultation_request.anonymised_at = timezone.now()
    with transaction.atomic():
        consultation_request.save()
        _forget_copies(consultation_request, anonymised=True)
    return consultation_request


def _forget_copies(consultation_request: ConsultationRequest, *, anonymised: bool) -> None:
    """What else holds a request's personal data: the admin's history of it (its name is in
    each entry's text) and its email tasks (an SMTP refusal names the address)."""
    history = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ConsultationRequest),
        object_id=str(consultation_request.pk),
    )
    if anonymised:
        history.update(object_repr=str(consultation_request)[:200])
    else:
        history.delete()
    DBTaskResult.objects.filter(
        task_path__in=EMAIL_TASK_PATHS, args_kwargs__args=[consultation_request.pk]
    ).delete()


def consultation_requests_anonymise_expired(*, dry_run: bool = False) -> int:
    """Anonymises requests past their retention period; open ones are closed first, with a
    line in their history (docs/operations.md, "Retention purge and erasure requests")."""
    now = timezone.now()
    expired = ConsultationRequest.objects.due_for_anonymising(
        finished_before=now - timedelta(days=settings.BOOKINGS_RETENTION_DAYS),
        open_before=now - timedelta(days=settings.BOOKINGS_OPEN_RETENTION_DAYS),
    )
    if dry_run:
        return expired.count()
    count = 0
    with transaction.atomic():
        for consultation_request in expired.select_for_update():
            if consultation_request.status in ConsultationRequest.OPEN_STATUSES:
                consultation_request = consultation_request_change_status(
                    consultation_request=consultation_request,
                    status=ConsultationRequest.Status.CLOSED,
                    changed_by=None,
                )
            consultation_request_anonymise(consultation_request=consultation_request)
            count += 1
    return count


def consultation_requests_erase_for_email(*, email: str, dry_run: bool = False) -> int:
    """Deletes every request from one email address, with its history: an erasure request."""
    requests = ConsultationRequest.objects.filter(email__iexact=email.strip())
    if dry_run:
        return requests.count()
    with transaction.atomic():
        erased = list(requests.select_for_update())
        for consultation_request in erased:
            _forget_copies(consultation_request, anonymised=False)
        requests.delete()
    return len(erased)


# A reader's own link to change or cancel their booking (docs/bookings.md, "Changing or
# cancelling a booking").


def change_cutoff() -> timedelta:
    """How close to its start a booking can no longer be changed through its link."""
    return timedelta(minutes=settings.BOOKINGS_CHANGE_CUTOFF_MINUTES)


class BookingChangeRefused(Exception):
    """The reader cannot change this booking through its link (any more): `reason` says why."""

    TOO_LATE = "too-late"
    NOT_BOOKED = "not-booked"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _lock_changeable(booking: ConsultationRequest, *, now: datetime) -> ConsultationRequest:
    """The booking, locked, if its reader may still change it; BookingChangeRefused if not."""
    locked = ConsultationRequest.objects.select_for_update().get(pk=booking.pk)
    if locked.status != ConsultationRequest.Status.BOOKED or locked.starts_at is None:
        raise BookingChangeRefused(BookingChangeRefused.NOT_BOOKED)
    if now >= locked.starts_at - change_cutoff():
        raise BookingChangeRefused(BookingChangeRefused.TOO_LATE)
    return locked


def _notify_staff_again(booking: ConsultationRequest) -> None:
    """Staff hear of a change with one more notification (its template says what changed)."""
    booking.staff_notified_at = None
    booking.save(update_fields=["staff_notified_at", "updated_at"])
    send_staff_notification.enqueue(booking.pk)


def consultation_booking_reschedule(
    *,
    booking: ConsultationRequest,
    starts_at: datetime,
    clinician_id: int | None = None,
    now: datetime | None = None,
) -> ConsultationRequest:
    """Moves a booked time to another free slot, with the same or another clinician (None: the
    same). The same row moves in one UPDATE, so the database's no-double-booking constraints
    check the new time before the old one is released: if it was taken meanwhile, SlotTaken and
    nothing changed. The calendar SEQUENCE goes up, and the reader's updated invite (same UID,
    METHOD:REQUEST) and a note to staff are enqueued in the same transaction (the outbox).

    Raises BookingChangeRefused when the booking is not booked or is inside the cut-off, and
    SlotTaken when the new time is not free."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_changeable(booking, now=now)
        clinician_id = clinician_id or locked.clinician_id
        if clinician_id == locked.clinician_id and starts_at == locked.starts_at:
            return locked
        slot = availability.is_free(clinician_id=clinician_id, starts_at=starts_at, now=now)
        if slot is None:
            raise SlotTaken(f"no free slot at {starts_at.isoformat()}")
        locked.clinician_id = slot.clinician_id
        locked.starts_at = slot.starts_at
        locked.ends_at = slot.ends_at
        locked.calendar_sequence += 1
        locked.confirmation_sent_at = None  # the updated invite goes once, like the first
        try:
            with transaction.atomic():
                locked.save(
                    update_fields=[
                        "clinician",
                        "starts_at",
                        "ends_at",
                        "calendar_sequence",
                        "confirmation_sent_at",
                        "updated_at",
                    ]
                )
        except IntegrityError:
            raise SlotTaken(f"{starts_at.isoformat()} was booked meanwhile") from None
        send_requester_confirmation.enqueue(locked.pk)
        _notify_staff_again(locked)
    return locked


def consultation_booking_cancel_by_reader(
    *, booking: ConsultationRequest, now: datetime | None = None
) -> ConsultationRequest:
    """The reader cancels through their link: as consultation_booking_cancel (the slot freed,
    METHOD:CANCEL to the reader), and staff are told, in one transaction.

    Raises BookingChangeRefused when the booking is not booked or is inside the cut-off."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_changeable(booking, now=now)
        cancelled = consultation_booking_cancel(booking=locked, cancelled_by=None)
        _notify_staff_again(cancelled)
    return cancelled
