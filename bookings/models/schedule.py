"""When clinicians offer free consultations: weekly hours, exceptions to them, and the policy
that cuts those hours into bookable slots (bookings/availability.py; docs/bookings.md,
"Booking a time")."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from articles.models import Clinician


class BookingPolicy(models.Model):
    """One row: how hours become slots. Staff change it in admin, without a deploy."""

    slot_minutes = models.PositiveSmallIntegerField(
        "slot length (minutes)",
        default=20,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text="How long a free consultation lasts.",
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        "buffer between slots (minutes)",
        default=0,
        validators=[MaxValueValidator(120)],
        help_text="A gap left after each slot, for notes or a breather.",
    )
    minimum_notice_minutes = models.PositiveIntegerField(
        "minimum notice (minutes)",
        default=120,
        validators=[MaxValueValidator(14 * 24 * 60)],
        help_text="How soon a reader may book: 120 means nothing in the next two hours.",
    )
    days_ahead = models.PositiveSmallIntegerField(
        "days ahead",
        default=28,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="How far ahead readers may book.",
    )

    class Meta:
        verbose_name = "booking policy"
        verbose_name_plural = "booking policy"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="booking_policy_one_row")]

    def __str__(self):
        return f"{self.slot_minutes}-minute consultations, up to {self.days_ahead} days ahead"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "BookingPolicy":
        policy, _ = cls.objects.get_or_create(pk=1)
        return policy


class WeeklyHours(models.Model):
    """One range of a clinician's usual week, in clinic time. Several a day allow a lunch break."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    clinician = models.ForeignKey(
        "articles.Clinician", on_delete=models.CASCADE, related_name="weekly_hours"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    starts = models.TimeField(help_text="Clinic time (UK), e.g. 09:00.")
    ends = models.TimeField(help_text="Clinic time (UK), e.g. 12:30.")

    class Meta:
        ordering = ["clinician", "weekday", "starts"]
        verbose_name = "weekly hours"
        verbose_name_plural = "weekly hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=F("starts")), name="weekly_hours_end_after_start"
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class ClosureQuerySet(models.QuerySet):
    def in_force_between(self, starts_at, ends_at):
        return self.filter(in_force=True, starts_at__lt=ends_at, ends_at__gt=starts_at)

    def applying_to(self, clinician_ids):
        """Those of these clinicians, and those of the whole clinic."""
        return self.filter(Q(clinician__isnull=True) | Q(clinician_id__in=clinician_ids))


class Closure(models.Model):
    """An exception to the weekly hours: leave, training, a clinic-wide closure (a bank holiday,
    pre-filled by `manage.py housekeeping`), or an extra session."""

    class Kind(models.TextChoices):
        CLOSED = "closed", "Not available (leave, training, closure)"
        EXTRA = "extra", "Extra session"

    clinician = models.ForeignKey(
        "articles.Clinician",
        on_delete=models.CASCADE,
        related_name="closures",
        help_text="Leave empty for the whole clinic.",
        # Empty: the whole clinic closes (or, for an extra session, is refused by a constraint).
        null=True,
        blank=True,
    )
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.CLOSED)
    starts_at = models.DateTimeField("from")
    ends_at = models.DateTimeField("until")
    reason = models.CharField(max_length=120, blank=True)
    in_force = models.BooleanField(
        default=True,
        help_text="Untick to ignore it, e.g. to open on a bank holiday; ticking it again "
        "restores it.",
    )
    # The bank holiday a pre-filled closure stands for, so that it is added only once.
    bank_holiday = models.DateField(null=True, blank=True, unique=True, editable=False)

    objects = ClosureQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = "closure or extra session"
        verbose_name_plural = "closures and extra sessions"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="closure_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=~Q(kind="extra", clinician__isnull=True),
                name="extra_session_names_its_clinician",
                violation_error_message="An extra session is for one clinician: choose who.",
            ),
        ]

    def __str__(self):
        who = self.clinician.name if self.clinician else "Whole clinic"
        return f"{who}: {self.get_kind_display()} {self.starts_at:%d %b %Y %H:%M}"


class ClinicianHours(Clinician):
    """A clinician as the bookings side sees them: when they offer free consultations.

    A proxy, so it stores nothing of its own; it exists so that the clinic's diary has its own
    admin page and permissions, apart from the clinician's public profile (articles' admin).
    """

    class Meta:
        proxy = True
        verbose_name = "clinician's hours"
        verbose_name_plural = "clinicians' hours"
