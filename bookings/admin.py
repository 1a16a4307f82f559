from datetime import timedelta
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.template.defaultfilters import truncatechars
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince

from unity_site.admin_filters import QuerySetMethodFilter

# admin_schedule registers the schedule's pages: clinicians' hours, closures, the policy.
from . import admin_day, admin_schedule  # noqa: F401
from .csv_export import csv_response
from .models import ConsultationRequest, StatusChange
from .services import (
    RELEASABLE,
    BookingOutcomeRefused,
    SlotTaken,
    consultation_booking_cancel,
    consultation_booking_record_outcome,
    consultation_request_assign,
    consultation_request_change_status,
    consultation_request_release,
    consultation_request_resend_emails,
)

Status = ConsultationRequest.Status
# Where staff move a request: (status, its button on the request's page). The same statuses
# are list actions, "Mark as <status>".
STATUS_MOVES = [
    (Status.CONTACTED, "Mark contacted"),
    (Status.BOOKED, "Booked"),
    (Status.CLOSED, "Close"),
    (Status.SPAM, "Spam"),
]
RELEASE = "release"
# The name of every action button on a request's page; its value says which.
BUTTON_NAME = "_act"
EMAIL_SUBJECT = "Your free consultation request"


def status_action(status: Status):
    """The list action "Mark as <status>", for the selected requests."""

    @admin.action(description=f"Mark as {status.label.lower()}", permissions=["change"])
    def action(model_admin, request, queryset):
        model_admin.change_status(request, queryset, status)

    action.__name__ = f"mark_{status.value}"
    return action


class TodayFilter(QuerySetMethodFilter):
    title = "reception"
    parameter_name = "reception"
    options = [("today", "Today", "awaiting_reply"), ("overdue", "Overdue", "overdue")]


class EmailDeliveryFilter(QuerySetMethodFilter):
    title = "email delivery"
    parameter_name = "email"
    options = [
        ("failed", "Failed, not yet delivered", "email_failed"),
        ("delivered", "Both delivered", "emails_delivered"),
    ]


class BookedTimeFilter(admin.SimpleListFilter):
    """A booking is a request with a time: today's, those to come and those gone by."""

    title = "booked time"
    parameter_name = "booked"

    def lookups(self, request, model_admin):
        return [
            ("today", "Today"),
            ("upcoming", "Upcoming"),
            ("past", "Past"),
            ("none", "No time: call back"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "today":
            starts, ends = admin_day.day_bounds(timezone.localdate(now))
            return queryset.filter(starts_at__gte=starts, starts_at__lt=ends)
        if self.value() == "upcoming":
            return queryset.filter(starts_at__gte=now)
        if self.value() == "past":
            return queryset.filter(starts_at__lt=now)
        if self.value() == "none":
            return queryset.filter(starts_at__isnull=True)
        return queryset


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    fields = ["changed_at", "changed_by", "from_status", "to_status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "status change"
    verbose_name_plural = "status history"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(admin.ModelAdmin):
    # What a receptionist needs to call back, narrow enough for a 1366 px laptop.
    list_display = [
        "name",
        "phone",
        "help_with_short",
        "status_badge",
        "booked_for",
        "age",
        "reply_due",
        "assigned_to",
        "article_short",
    ]
    list_filter = [
        TodayFilter,
        BookedTimeFilter,
        "status",
        ("article", admin.RelatedOnlyFieldListFilter),
        ("article__topics", admin.RelatedOnlyFieldListFilter),
        "received_at",
        ("assigned_to", admin.RelatedOnlyFieldListFilter),
        EmailDeliveryFilter,
    ]
    search_fields = ["name", "email", "phone"]
    date_hierarchy = "received_at"
    list_select_related = ["article", "assigned_to", "clinician"]
    list_per_page = 50
    actions = [
        *[status_action(status) for status, _ in STATUS_MOVES],
        "release_from_hold",
        "assign_to_me",
        "resend_emails",
        "export_csv",
    ]
    inlines = [StatusChangeInline]
    fieldsets = [
        (
            "Request",
            {
                "fields": [
                    "name",
                    "email_link",
                    "phone_link",
                    "contact_method",
                    "preferred_times_display",
                    "help_with",
                    "message",
                    "received_at",
                    "reply_due_at",
                ]
            },
        ),
        ("Work", {"fields": ["status", "assigned_to", "staff_notes", "contacted_at"]}),
        (
            "Source",
            {
                "fields": [
                    "article",
                    *ConsultationRequest.SOURCE_FIELDS,
                    "screening_reason",
                    "consent_version",
                ]
            },
        ),
        (
            "Email delivery",
            {
                "fields": [
                    "staff_notified_at",
                    "confirmation_sent_at",
                    "email_attempts",
                    "last_email_error",
                ]
            },
        ),
    ]
    # Shown only on a request with a time: a booking.
    booked_time_fieldset = (
        "Booked time",
        {"fields": ["clinician", "starts_at", "ends_at", "booking_reference", "day_link"]},
    )
    # Staff write notes and choose who works a request; the status moves only through the
    # buttons and actions, which record its history. Everything else is the reader's.
    editable_fields = ["assigned_to", "staff_notes"]
    change_form_template = "admin/bookings/consultationrequest/change_form.html"
    change_list_template = "admin/bookings/consultationrequest/change_list.html"
    day_template = "admin/bookings/consultationrequest/day.html"
    cancel_template = "admin/bookings/consultationrequest/day_cancel.html"

    class Media:
        css = {"all": ["css/bookings.css"]}

    def has_add_permission(self, request):
        # Requests come from readers, through the form.
        return False

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.starts_at is not None:
            return [self.fieldsets[0], self.booked_time_fieldset, *self.fieldsets[1:]]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = flatten_fieldsets([*self.fieldsets, self.booked_time_fieldset])
        return [name for name in fields if name not in self.editable_fields]

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj):
        return format_html(
            '<span class="bookings-badge bookings-badge--{}">{}</span>',
            obj.status,
            obj.get_status_display(),
        )

    @admin.display(description="booked for", ordering="starts_at")
    def booked_for(self, obj):
        if obj.starts_at is None:
            return "—"
        return f"{timezone.localtime(obj.starts_at):%a %d %b %H:%M}"

    @admin.display(description="day")
    def day_link(self, obj):
        day = timezone.localdate(obj.starts_at)
        return format_html(
            '<a href="{}?date={}">All booked times on {}</a>',
            self.day_url(),
            day,
            f"{day:%a %d %b}",
        )

    @admin.display(description="age", ordering="received_at")
    def age(self, obj):
        if timezone.now() - obj.received_at < timedelta(minutes=1):
            return "just now"
        return timesince(obj.received_at, depth=1)

    @admin.display(description="reply by", ordering="reply_due_at")
    def reply_due(self, obj):
        due = timezone.localtime(obj.reply_due_at)
        if obj.status in {Status.NEW, Status.HELD} and obj.reply_due_at < timezone.now():
            return format_html(
                '<strong class="bookings-overdue">Overdue {}</strong>', f"{due:%a %H:%M}"
            )
        return f"{due:%a %d %b %H:%M}"

    @admin.display(description="help with", ordering="help_with")
    def help_with_short(self, obj):
        return truncatechars(obj.help_with, 40)

    @admin.display(description="source article", ordering="article__title")
    def article_short(self, obj):
        return truncatechars(obj.article.title, 30) if obj.article else "—"

    @admin.display(description="preferred times")
    def preferred_times_display(self, obj):
        return obj.get_preferred_times_display()

    @admin.display(description="email")
    def email_link(self, obj):
        if not obj.email:
            return "—"
        subject = f"{EMAIL_SUBJECT} – {settings.CLINIC['name']}"
        query = urlencode({"subject": subject}, quote_via=quote)
        return format_html('<a href="mailto:{}?{}">{}</a>', obj.email, query, obj.email)

    @admin.display(description="phone")
    def phone_link(self, obj):
        if not obj.phone:
            return "—"
        return format_html('<a href="tel:{}">{}</a>', obj.phone.as_e164, obj.phone.as_national)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        consultation_request = self.get_object(request, object_id)
        if consultation_request is not None and self.has_change_permission(
            request, consultation_request
        ):
            extra_context = {
                **(extra_context or {}),
                "action_buttons": self.buttons_for(consultation_request),
                "action_button_name": BUTTON_NAME,
            }
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def buttons_for(consultation_request) -> list[tuple[str, str]]:
        """(value, label) of each button the request's page offers, in the order staff use them."""
        buttons = []
        if consultation_request.status in RELEASABLE:
            buttons.append((RELEASE, "Release from hold"))
        for status, label in STATUS_MOVES:
            if status != consultation_request.status:
                buttons.append((status.value, label))
        return buttons

    def response_change(self, request, obj):
        """A button saves the page's notes, then acts through the service, which records it."""
        action = request.POST.get(BUTTON_NAME)
        try:
            if action == RELEASE:
                released = consultation_request_release(
                    consultation_request=obj, released_by=request.user
                )
                self.message_user(request, f"{released} released: both emails are on their way.")
                return HttpResponseRedirect(request.path)
            if action in Status.values:
                changed = consultation_request_change_status(
                    consultation_request=obj, status=action, changed_by=request.user
                )
                label = changed.get_status_display().lower()
                self.message_user(request, f"{changed} marked {label}.")
                return HttpResponseRedirect(request.path)
        except SlotTaken:
            self.message_user(
                request,
                "Its time has since been booked by someone else: nothing was changed. "
                "Ask the reader to choose another time.",
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def get_urls(self):
        day = path(
            "day/",
            self.admin_site.admin_view(self.day_view),
            name="bookings_consultationrequest_day",
        )
        return [day, *super().get_urls()]

    @staticmethod
    def day_url() -> str:
        return reverse("admin:bookings_consultationrequest_day")

    def day_view(self, request):
        """Each clinician's booked times on one day, with a button for each outcome to staff
        who may change requests. Buttons post here; the outcome goes through the services."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            return self.record_outcome(request)
        asked_for = request.GET.get("date", "")
        day = admin_day.parse_day(asked_for)
        if day is None:
            if asked_for not in {"", "today"}:
                self.message_user(request, "That is not a date: here is today.", messages.WARNING)
            day = timezone.localdate()
        clinic_closures, clinicians = admin_day.day_schedule(day)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Booked times on {day:%A} {day.day} {day:%B %Y}",
            "day": day,
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "today": timezone.localdate(),
            "clinic_closures": clinic_closures,
            "clinicians": clinicians,
            "can_change": self.has_change_permission(request),
        }
        return TemplateResponse(request, self.day_template, context)

    def record_outcome(self, request):
        """One button of the day view: attended, did not attend, or cancel (after a
        confirmation page, since it emails the reader)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        booking_id = request.POST.get("booking", "")
        booking = (
            ConsultationRequest.objects.filter(pk=booking_id, starts_at__isnull=False)
            .select_related("clinician")
            .first()
            if booking_id.isdigit()
            else None
        )
        if booking is None:
            raise Http404("No such booked time.")
        outcome = request.POST.get("outcome")
        if outcome not in admin_day.OUTCOME_LABELS:
            return HttpResponseBadRequest("Unknown outcome.")
        starts = timezone.localtime(booking.starts_at)
        who = f"{booking.name} ({starts:%H:%M} with {booking.clinician.name})"
        back = f"{self.day_url()}?date={starts.date().isoformat()}#booking-{booking.pk}"
        if outcome != admin_day.CANCEL:
            try:
                consultation_booking_record_outcome(
                    booking=booking, outcome=outcome, recorded_by=request.user
                )
            except BookingOutcomeRefused as refusal:
                self.message_user(
                    request, f"Nothing recorded for {who}: {refusal}.", messages.ERROR
                )
            else:
                label = Status(outcome).label.lower()
                self.message_user(request, f"{who} marked {label}.", messages.SUCCESS)
        elif booking.status != Status.BOOKED:
            label = booking.get_status_display().lower()
            self.message_user(request, f"{who} was not cancelled: it is {label}.", messages.ERROR)
        elif request.POST.get("confirmed") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Cancel this booked time?",
                "booking": booking,
                "back": back,
            }
            return TemplateResponse(request, self.cancel_template, context)
        else:
            consultation_booking_cancel(booking=booking, cancelled_by=request.user)
            told = (
                "the reader is emailed that it is cancelled"
                if booking.email
                else "they have no email address: tell them by phone"
            )
            self.message_user(request, f"{who} cancelled: {told}.", messages.SUCCESS)
        return HttpResponseRedirect(back)

    def changelist_view(self, request, extra_context=None):
        counts = {
            "new_count": ConsultationRequest.objects.new().count(),
            "held_count": ConsultationRequest.objects.held().count(),
        }
        return super().changelist_view(request, {**(extra_context or {}), **counts})

    def change_status(self, request, queryset, status: str) -> None:
        count, taken = 0, 0
        for consultation_request in queryset:
            if consultation_request.status == status:
                continue
            try:
                consultation_request_change_status(
                    consultation_request=consultation_request,
                    status=status,
                    changed_by=request.user,
                )
                count += 1
            except SlotTaken:
                taken += 1
        label = Status(status).label.lower()
        self.message_user(request, f"{count} request(s) marked {label}.", messages.SUCCESS)
        if taken:
            message = (
                f"{taken} left as they were: their time has since been booked by someone else."
            )
            self.message_user(request, message, messages.WARNING)

    @admin.action(description="Release from hold (sends both emails)", permissions=["change"])
    def release_from_hold(self, request, queryset):
        count = 0
        for consultation_request in queryset.filter(status__in=RELEASABLE):
            try:
                consultation_request_release(
                    consultation_request=consultation_request, released_by=request.user
                )
            except SlotTaken:
                continue  # a spam booking whose time someone else has since booked
            count += 1
        self.message_user(request, f"{count} request(s) released.", messages.SUCCESS)

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        for consultation_request in queryset:
            consultation_request_assign(
                consultation_request=consultation_request, assignee=request.user
            )
        self.message_user(request, f"{len(queryset)} request(s) assigned to you.", messages.SUCCESS)

    @admin.action(description="Resend emails not yet delivered", permissions=["change"])
    def resend_emails(self, request, queryset):
        enqueued = sum(
            consultation_request_resend_emails(consultation_request=consultation_request)
            for consultation_request in queryset
        )
        self.message_user(
            request,
            f"{enqueued} email(s) queued. Held and spam requests and emails already delivered "
            "are skipped.",
            messages.SUCCESS,
        )

    @admin.action(description="Export selected to CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return csv_response(
            queryset.select_related("article", "assigned_to"),
            filename=f"consultation-requests-{stamp}.csv",
        )
