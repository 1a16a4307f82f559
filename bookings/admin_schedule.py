"""The schedule readers book from, in admin: each clinician's weekly hours and exceptions, the
clinic's closures (bank holidays come pre-filled) and the booking policy.

Receptionists (the "Booking reviewers" group, bookings/migrations/0007) manage all of it here,
under "Consultation requests", without touching the clinicians' public profiles, which editors
keep under "Articles". docs/bookings.md, "Booking a time: staff".
"""

import datetime
import itertools
from collections import defaultdict

from django import forms
from django.contrib import admin
from django.contrib.admin import widgets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from articles.models import Clinician

from .models import BookingPolicy, ClinicianHours, Closure, WeeklyHours

# How many clinic-wide closures a clinician's page lists, soonest first.
CLINIC_CLOSURES_SHOWN = 5


class ClinicTimeWidget(widgets.AdminTimeWidget):
    """09:00, not 09:00:00."""

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class ClinicSplitDateTimeWidget(widgets.AdminSplitDateTime):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.widgets[1].format = "%H:%M"


CLINIC_TIME_WIDGETS = {
    models.TimeField: {"widget": ClinicTimeWidget},
    models.DateTimeField: {"widget": ClinicSplitDateTimeWidget},
}


def _time_range(starts, ends) -> str:
    return f"{starts:%H:%M}–{ends:%H:%M}"


def _day(weekday: int) -> str:
    return WeeklyHours.Weekday(weekday).label[:3]


class WeeklyHoursForm(forms.ModelForm):
    class Meta:
        model = WeeklyHours
        fields = ["weekday", "starts", "ends"]

    def clean(self):
        cleaned_data = super().clean()
        starts, ends = cleaned_data.get("starts"), cleaned_data.get("ends")
        if starts and ends and ends <= starts:
            self.add_error(
                "ends", f"It ends at {ends:%H:%M}, before it starts: end after {starts:%H:%M}."
            )
        return cleaned_data


class WeeklyHoursFormSet(BaseInlineFormSet):
    """Refuses ranges that overlap on the same day; ranges may meet (12:30 and 12:30)."""

    def clean(self):
        super().clean()
        by_day = defaultdict(list)
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            data = getattr(form, "cleaned_data", {})
            weekday, starts, ends = data.get("weekday"), data.get("starts"), data.get("ends")
            if weekday is None or not starts or not ends or ends <= starts:
                continue  # the form says what is wrong with it
            by_day[int(weekday)].append((starts, ends, form))
        problems = []
        for weekday, ranges in sorted(by_day.items()):
            ranges.sort(key=lambda item: (item[0], item[1]))
            for first, second in itertools.combinations(ranges, 2):
                (starts, ends, _), (other_starts, other_ends, other_form) = first, second
                if other_starts < ends and starts < other_ends:
                    day = WeeklyHours.Weekday(weekday).label
                    problem = (
                        f"{day}: {_time_range(starts, ends)} overlaps "
                        f"{_time_range(other_starts, other_ends)}. Make one end before the "
                        "other starts; they may meet, e.g. 12:30 and 12:30."
                    )
                    problems.append(problem)
                    other_form.add_error(None, problem)
        if problems:
            raise ValidationError(problems)


class WeeklyHoursInline(admin.TabularInline):
    model = WeeklyHours
    form = WeeklyHoursForm
    formset = WeeklyHoursFormSet
    formfield_overrides = CLINIC_TIME_WIDGETS
    extra = 1
    verbose_name = "range of weekly hours"
    verbose_name_plural = (
        "Weekly hours (clinic time; a day may have several ranges, e.g. a lunch break)"
    )


class ClosureForm(forms.ModelForm):
    """Plain-English errors for what the database's check constraints would refuse."""

    class Meta:
        model = Closure
        fields = ["clinician", "kind", "starts_at", "ends_at", "reason", "in_force"]

    def clean(self):
        cleaned_data = super().clean()
        starts_at, ends_at = cleaned_data.get("starts_at"), cleaned_data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", "It ends before it starts: choose a later “until”.")
        if cleaned_data.get("kind") == Closure.Kind.EXTRA and "clinician" in self.fields:
            clinician = cleaned_data.get("clinician") or self.instance.clinician_id
            if not clinician:
                self.add_error("clinician", "An extra session is for one clinician: choose who.")
        return cleaned_data


class ClinicianClosureInline(admin.TabularInline):
    """A clinician's own exceptions still to come; past ones are under "Closures and extra
    sessions"."""

    model = Closure
    form = ClosureForm
    formfield_overrides = CLINIC_TIME_WIDGETS
    fields = ["kind", "starts_at", "ends_at", "reason", "in_force"]
    extra = 0
    verbose_name = "leave, training or extra session"
    verbose_name_plural = "Leave, training and extra sessions still to come (clinic time)"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(ends_at__gt=timezone.now())


@admin.register(ClinicianHours)
class ClinicianHoursAdmin(admin.ModelAdmin):
    list_display = ["name", "offers_free_consultations", "week", "exceptions_to_come"]
    list_filter = ["offers_free_consultations"]
    search_fields = ["name"]
    fields = ["name", "offers_free_consultations", "clinic_closures"]
    readonly_fields = ["name", "clinic_closures"]
    inlines = [WeeklyHoursInline, ClinicianClosureInline]

    class Media:
        css = {"all": ["css/bookings.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("weekly_hours")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "offers_free_consultations":
            kwargs["help_text"] = (
                "Readers can book a free consultation with them in the weekly hours below, "
                "less their leave and the clinic's closures."
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request):
        # Clinicians are added, with their public profile, under Articles.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="weekly hours")
    def week(self, clinician):
        """e.g. "Mon–Fri 09:00–12:30, 13:30–17:00; Sat 09:00–12:00": days alike are run together."""
        by_day = defaultdict(list)
        for hours in clinician.weekly_hours.all():
            by_day[hours.weekday].append(_time_range(hours.starts, hours.ends))
        runs = []  # [first day, last day, ranges]
        for weekday in sorted(by_day):
            ranges = ", ".join(by_day[weekday])
            if runs and runs[-1][1] == weekday - 1 and runs[-1][2] == ranges:
                runs[-1][1] = weekday
            else:
                runs.append([weekday, weekday, ranges])
        if not runs:
            return "—"
        return "; ".join(
            f"{_day(first)}{'–' + _day(last) if last != first else ''} {ranges}"
            for first, last, ranges in runs
        )

    @admin.display(description="leave and extra sessions to come")
    def exceptions_to_come(self, clinician):
        return clinician.closures.filter(ends_at__gt=timezone.now()).count()

    @admin.display(description="clinic-wide closures")
    def clinic_closures(self, clinician):
        upcoming = Closure.objects.filter(
            clinician__isnull=True, in_force=True, ends_at__gt=timezone.now()
        )[:CLINIC_CLOSURES_SHOWN]
        items = format_html_join(
            "",
            "<li>{} {}</li>",
            (
                (f"{timezone.localtime(closure.starts_at):%a %d %b %Y}", closure.reason)
                for closure in upcoming
            ),
        )
        url = reverse("admin:bookings_closure_changelist") + f"?{WhoFilter.parameter_name}=clinic"
        return format_html(
            '{}<a href="{}">All closures of the whole clinic, bank holidays included</a>',
            format_html('<ul class="bookings-closure-list">{}</ul>', items) if items else "",
            url,
        )

    def save_model(self, request, obj, form, change):
        # Saved as a Clinician, so that readers' cached pages showing clinicians are refreshed
        # (articles/signals.py listens to Clinician, not to this proxy).
        if "offers_free_consultations" in form.changed_data:
            clinician = Clinician.objects.get(pk=obj.pk)
            clinician.offers_free_consultations = obj.offers_free_consultations
            clinician.save(update_fields=["offers_free_consultations"])


class WhoFilter(admin.SimpleListFilter):
    title = "who"
    parameter_name = "who"

    def lookups(self, request, model_admin):
        return [("clinic", "Whole clinic"), ("clinician", "One clinician")]

    def queryset(self, request, queryset):
        if self.value() in {"clinic", "clinician"}:
            return queryset.filter(clinician__isnull=self.value() == "clinic")
        return queryset


class WhenFilter(admin.SimpleListFilter):
    """Still to come unless staff ask for the past: the list would otherwise open on last
    year's bank holidays."""

    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("to_come", "Still to come"), ("past", "Past"), ("all", "All")]

    def value(self):
        return super().value() or "to_come"

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "to_come":
            return queryset.filter(ends_at__gt=now)
        if self.value() == "past":
            return queryset.filter(ends_at__lte=now)
        return queryset


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    form = ClosureForm
    list_display = ["when", "who", "what", "reason", "in_force", "bank_holiday"]
    list_display_links = ["when"]
    list_editable = ["in_force"]
    list_filter = [
        WhenFilter,
        WhoFilter,
        "kind",
        "in_force",
        ("clinician", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["clinician"]
    search_fields = ["reason", "clinician__name"]
    date_hierarchy = "starts_at"
    fields = ["clinician", "kind", "starts_at", "ends_at", "reason", "in_force", "bank_holiday"]
    readonly_fields = ["bank_holiday"]
    formfield_overrides = CLINIC_TIME_WIDGETS

    class Media:
        css = {"all": ["css/bookings.css"]}

    @admin.display(description="when", ordering="starts_at")
    def when(self, closure):
        """e.g. "Fri 25 Dec 2026, all day" or "Mon 14 Dec 2026 13:00 – 18:00", clinic time."""
        starts, ends = timezone.localtime(closure.starts_at), timezone.localtime(closure.ends_at)
        midnight = datetime.time(0, 0)
        if starts.time() == midnight and ends.time() == midnight:
            last_day = ends.date() - datetime.timedelta(days=1)
            if last_day == starts.date():
                return f"{starts:%a %d %b %Y}, all day"
            return f"{starts:%a %d %b %Y} – {last_day:%a %d %b %Y}, all day"
        if ends.date() == starts.date():
            return f"{starts:%a %d %b %Y %H:%M} – {ends:%H:%M}"
        return f"{starts:%a %d %b %Y %H:%M} – {ends:%a %d %b %Y %H:%M}"

    @admin.display(description="kind", ordering="kind")
    def what(self, closure):
        return "Extra session" if closure.kind == Closure.Kind.EXTRA else "Closed"

    @admin.display(description="who", ordering="clinician__name")
    def who(self, closure):
        return closure.clinician.name if closure.clinician else "Whole clinic"

    def has_delete_permission(self, request, obj=None):
        # A deleted bank holiday would come back with the next housekeeping run: untick
        # "in force" to open on it instead.
        if obj is not None and obj.bank_holiday is not None:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(BookingPolicy)
class BookingPolicyAdmin(admin.ModelAdmin):
    """One row: the list goes straight to it, and it can be neither added nor deleted."""

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        policy = BookingPolicy.current()
        return HttpResponseRedirect(
            reverse("admin:bookings_bookingpolicy_change", args=[policy.pk])
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
