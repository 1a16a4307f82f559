"""A reader's request for a free consultation, and the history of how staff worked it.

Business rules live in services.py; these models only describe what is stored.
"""

import base64
import hashlib
import secrets

from django.conf import settings
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from phonenumber_field.modelfields import PhoneNumberField

from ..constraints import PostgreSQLExclusionConstraint
from ..working_days import reply_due

# Letters and digits that cannot be mistaken for one another when read out on the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_booking_reference() -> str:
    """e.g. "K7QM-4XP2": short enough to read out, far too many to guess."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


def manage_token_for(booking_reference: str) -> str:
    """The secret in a booking's manage link: 256 bits of HMAC, keyed with SECRET_KEY, of its
    reference. Only its hash is stored (manage_token_hash); the worker and the booking's page
    work it out again to put it in the link (docs/bookings.md, "Changing or cancelling a
    booking")."""
    digest = salted_hmac("bookings.manage-link", booking_reference, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def manage_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


# A booked time holds its clinician's slot unless it was cancelled or is spam.
HOLDS_A_SLOT = Q(starts_at__isnull=False) & ~Q(status__in=["cancelled", "spam"])


class ConsultationRequestQuerySet(models.QuerySet):
    def new(self):
        return self.filter(status=ConsultationRequest.Status.NEW)

    def holding_slots(self):
        """Booked times that keep their slot from anyone else."""
        return self.filter(HOLDS_A_SLOT)

    def held(self):
        return self.filter(status=ConsultationRequest.Status.HELD)

    def awaiting_reply(self):
        """New and held requests: nobody has replied yet. The receptionist's "Today" list."""
        return self.filter(
            status__in=[ConsultationRequest.Status.NEW, ConsultationRequest.Status.HELD]
        )

    def overdue(self, *, now=None):
        """Awaiting a reply past the promised time."""
        return self.awaiting_reply().filter(reply_due_at__lt=now or timezone.now())

    def email_failed(self):
        """Real requests with an email still undelivered after a failed attempt."""
        return (
            self.exclude(status=ConsultationRequest.Status.SPAM)
            .exclude(last_email_error="")
            .filter(Q(staff_notified_at__isnull=True) | Q(confirmation_sent_at__isnull=True))
        )

    def emails_delivered(self):
        return self.filter(staff_notified_at__isnull=False, confirmation_sent_at__isnull=False)

    def due_for_anonymising(self, *, finished_before, open_before):
        """Finished requests received before `finished_before`, and open ones (nobody closed
        them) received before `open_before`: every request has an end."""
        model = ConsultationRequest
        finished = Q(status__in=model.FINISHED_STATUSES, received_at__lt=finished_before)
        still_open = Q(status__in=model.OPEN_STATUSES, received_at__lt=open_before)
        return self.filter(finished | still_open, anonymised_at__isnull=True)


class ConsultationRequest(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        HELD = "held", "On hold"
        CONTACTED = "contacted", "Contacted"
        BOOKED = "booked", "Booked"
        ATTENDED = "attended", "Attended"
        NO_SHOW = "no_show", "Did not attend"
        CANCELLED = "cancelled", "Cancelled"
        CLOSED = "closed", "Closed"
        SPAM = "spam", "Spam"

    class ContactMethod(models.TextChoices):
        PHONE = "phone", "Phone"
        EMAIL = "email", "Email"

    class PreferredTime(models.TextChoices):
        WEEKDAY_MORNING = "weekday_morning", "Weekday mornings"
        WEEKDAY_AFTERNOON = "weekday_afternoon", "Weekday afternoons"
        WEEKDAY_EVENING = "weekday_evening", "Weekday evenings"
        SATURDAY = "saturday", "Saturday"

    OPEN_STATUSES = (Status.NEW, Status.HELD, Status.CONTACTED)
    FINISHED_STATUSES = (
        Status.BOOKED,
        Status.ATTENDED,
        Status.NO_SHOW,
        Status.CANCELLED,
        Status.CLOSED,
        Status.SPAM,
    )

    # Where a request came from: the page that referred the reader and the campaign's UTM tags.
    # The form's hidden fields, anonymising, admin and CSV all follow this list.
    SOURCE_FIELDS = ("referrer", "utm_source", "utm_medium", "utm_campaign")

    # What the reader told us.
    name = models.CharField(max_length=150)
    email = models.EmailField(max_length=254, blank=True)
    phone = PhoneNumberField(blank=True, region="GB")
    help_with = models.CharField("what they would like help with", max_length=200, blank=True)
    contact_method = models.CharField(
        "preferred contact method",
        max_length=10,
        choices=ContactMethod,
        default=ContactMethod.EMAIL,
    )
    preferred_times = models.JSONField(default=list, blank=True)
    message = models.TextField(max_length=3000, blank=True)
    consent_version = models.CharField(
        max_length=20, help_text="Which wording of the consent statement the reader agreed to."
    )

    # Where it came from. Only a salted hash of the client's address is kept, never the address.
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation_requests",
        verbose_name="source article",
    )
    referrer = models.CharField(max_length=500, blank=True)
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)
    client_hash = models.CharField(max_length=64, blank=True, editable=False)
    screening_reason = models.CharField(
        "why it was held or marked spam", max_length=100, blank=True
    )
    # The same answers sent again the same day (a refresh, Back then Send, a second tab) have
    # the same key, and the database keeps one of them (docs/bookings.md, "Never twice").
    duplicate_key = models.CharField(max_length=64, blank=True, editable=False)

    # How staff work it.
    # No index of its own: consultation_status_received (status, received_at) serves status filters.
    status = models.CharField(max_length=10, choices=Status, default=Status.NEW)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_consultation_requests",
        limit_choices_to={"is_staff": True},
    )
    staff_notes = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    reply_due_at = models.DateTimeField(
        "reply due by", editable=False, help_text="The promised reply: one working day."
    )
    updated_at = models.DateTimeField(auto_now=True)
    contacted_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    # A time the reader booked themselves; empty for a call-back request.
    clinician = models.ForeignKey(
        "articles.Clinician", models.PROTECT, null=True, blank=True, related_name="consultations"
    )
    starts_at = models.DateTimeField("consultation starts", null=True, blank=True)
    ends_at = models.DateTimeField("consultation ends", null=True, blank=True)
    booking_reference = models.CharField(
        max_length=9, unique=True, null=True, blank=True, editable=False
    )
    # The calendar invite's SEQUENCE: raised each time the booked time changes.
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)
    # The SHA-256 of the secret in the reader's link to change or cancel their booking; never
    # the secret itself. Empty for call-back requests and bookings made before links existed.
    manage_token_hash = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )

    # Email delivery, written by the tasks in tasks.py.
    staff_notified_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    # A cancelled booking's email to the reader, with the calendar's METHOD:CANCEL.
    cancellation_sent_at = models.DateTimeField(null=True, blank=True)
    last_email_error = models.TextField(blank=True)
    email_attempts = models.PositiveIntegerField(default=0)

    objects = ConsultationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "received_at"], name="consultation_status_received")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["duplicate_key"],
                condition=~Q(duplicate_key=""),
                name="consultation_sent_once",
            ),
            models.CheckConstraint(
                condition=Q(clinician__isnull=True, starts_at__isnull=True, ends_at__isnull=True)
                | Q(clinician__isnull=False, starts_at__isnull=False, ends_at__gt=F("starts_at")),
                name="consultation_time_is_whole",
            ),
            # No slot is booked twice: the same start on SQLite and PostgreSQL alike...
            models.UniqueConstraint(
                fields=["clinician", "starts_at"],
                condition=HOLDS_A_SLOT,
                name="consultation_slot_booked_once",
            ),
            # ...and, on PostgreSQL, no overlap at all, whatever the slot length was.
            PostgreSQLExclusionConstraint(
                name="consultation_times_never_overlap",
                expressions=[
                    (TsTzRange("starts_at", "ends_at", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("clinician", RangeOperators.EQUAL),
                ],
                condition=HOLDS_A_SLOT,
            ),
        ]

    def __str__(self):
        return f"{self.name} ({timezone.localtime(self.received_at):%d %b %Y %H:%M})"

    def save(self, *args, **kwargs):
        if self._state.adding:
            self.reply_due_at = reply_due(self.received_at)
            self.duplicate_key = self.answers_key()
            if self.starts_at is not None and not self.booking_reference:
                self.booking_reference = new_booking_reference()
            if self.booking_reference and not self.manage_token_hash:
                self.manage_token_hash = manage_token_hash(manage_token_for(self.booking_reference))
        super().save(*args, **kwargs)

    @property
    def may_be_emailed(self) -> bool:
        """Held and spam requests send nothing until staff release them; anonymised ones never."""
        return (
            self.status not in {self.Status.HELD, self.Status.SPAM} and self.anonymised_at is None
        )

    def manage_token(self) -> str:
        """The secret for this booking's manage link, or "" when it has none (or SECRET_KEY
        changed since it was made: the stored hash no longer matches, so no link is offered)."""
        if not self.manage_token_hash or not self.booking_reference:
            return ""
        token = manage_token_for(self.booking_reference)
        return token if manage_token_hash(token) == self.manage_token_hash else ""

    def answers_key(self) -> str:
        """A keyed hash of what the reader answered and the day they sent it."""
        answers = [
            self.name.strip().casefold(),
            self.email.strip().casefold(),
            str(self.phone or ""),
            self.help_with.strip().casefold(),
            self.contact_method,
            *sorted(self.preferred_times),
            self.message.strip(),
            str(self.article_id or ""),
            self.starts_at.isoformat() if self.starts_at else "",
            timezone.localdate(self.received_at).isoformat(),
        ]
        return salted_hmac("bookings.answers", "\x1f".join(answers), algorithm="sha256").hexdigest()

    def get_preferred_times_display(self) -> str:
        labels = dict(self.PreferredTime.choices)
        return ", ".join(str(labels.get(value, value)) for value in self.preferred_times) or "Any"


class StatusChange(models.Model):
    """One line of a request's history: who moved it from which status to which, and when."""

    consultation_request = models.ForeignKey(
        ConsultationRequest, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=10, choices=ConsultationRequest.Status)
    to_status = models.CharField(max_length=10, choices=ConsultationRequest.Status)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"
