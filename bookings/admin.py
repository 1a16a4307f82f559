import csv
from datetime import timedelta
from operator import attrgetter

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.http import HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince

from unity_site.admin_filters import QuerySetMethodFilter

from .models import ConsultationRequest, StatusChange
from .services import (
    consultation_request_assign,
    consultation_request_change_status,
    consultation_request_resend_emails,
)

CSV_FIELDS = [
    ("received", lambda r: timezone.localtime(r.received_at).strftime("%Y-%m-%d %H:%M")),
    ("status", lambda r: r.get_status_display()),
    ("name", lambda r: r.name),
    ("email", lambda r: r.email),
    ("phone", lambda r: str(r.phone or "")),
    ("help with", lambda r: r.help_with),
    ("contact method", lambda r: r.get_contact_method_display()),
    ("preferred times", lambda r: r.get_preferred_times_display()),
    ("message", lambda r: r.message),
    ("source article", lambda r: r.article.title if r.article else ""),
    *[(name.replace("_", " "), attrgetter(name)) for name in ConsultationRequest.SOURCE_FIELDS],
    ("assigned to", lambda r: r.assigned_to.get_username() if r.assigned_to else ""),
    ("contacted", lambda r: r.contacted_at.isoformat() if r.contacted_at else ""),
]
# Spreadsheet programs run cells starting with these as formulas.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


# The statuses staff move a request to, as buttons on its page and as list actions.
STATUS_BUTTONS = [
    ConsultationRequest.Status.CONTACTED,
    ConsultationRequest.Status.BOOKED,
    ConsultationRequest.Status.CLOSED,
    ConsultationRequest.Status.SPAM,
]
STATUS_BUTTON_NAME = "_change_status"


def status_action(status: ConsultationRequest.Status):
    """The list action "Mark as <status>", for the selected requests."""

    @admin.action(description=f"Mark as {status.label.lower()}", permissions=["change"])
    def action(model_admin, request, queryset):
        model_admin.change_status(request, queryset, status)

    action.__name__ = f"mark_{status.value}"
    return action


STATUS_ACTIONS = [status_action(status) for status in STATUS_BUTTONS]


class EmailDeliveryFilter(QuerySetMethodFilter):
    title = "email delivery"
    parameter_name = "email"
    options = [
        ("failed", "Failed, not yet delivered", "email_failed"),
        ("delivered", "Both delivered", "emails_delivered"),
    ]


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
    list_display = [
        "received_at",
        "name",
        "help_with",
        "article",
        "status_badge",
        "assigned_to",
        "age",
    ]
    list_display_links = ["received_at", "name"]
    list_filter = [
        "status",
        ("article", admin.RelatedOnlyFieldListFilter),
        ("article__topics", admin.RelatedOnlyFieldListFilter),
        "received_at",
        ("assigned_to", admin.RelatedOnlyFieldListFilter),
        EmailDeliveryFilter,
    ]
    search_fields = ["name", "email", "phone"]
    date_hierarchy = "received_at"
    list_select_related = ["article", "assigned_to"]
    list_per_page = 50
    actions = [
        *STATUS_ACTIONS,
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
                    "email",
                    "phone",
                    "contact_method",
                    "preferred_times_display",
                    "help_with",
                    "message",
                    "received_at",
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
                    "spam_reason",
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
    # Staff write notes and choose who works a request; the status moves only through the
    # buttons and actions below, which record its history. Everything else is the reader's.
    editable_fields = ["assigned_to", "staff_notes"]
    change_form_template = "admin/bookings/consultationrequest/change_form.html"

    class Media:
        css = {"all": ["css/bookings.css"]}

    def has_add_permission(self, request):
        # Requests come from readers, through the form.
        return False

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj):
        return format_html(
            '<span class="bookings-badge bookings-badge--{}">{}</span>',
            obj.status,
            obj.get_status_display(),
        )

    @admin.display(description="age", ordering="received_at")
    def age(self, obj):
        if timezone.now() - obj.received_at < timedelta(minutes=1):
            return "just now"
        return timesince(obj.received_at, depth=1)

    @admin.display(description="preferred times")
    def preferred_times_display(self, obj):
        return obj.get_preferred_times_display()

    def get_readonly_fields(self, request, obj=None):
        fields = flatten_fieldsets(self.fieldsets)
        return [name for name in fields if name not in self.editable_fields]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        consultation_request = self.get_object(request, object_id)
        if consultation_request is not None and self.has_change_permission(
            request, consultation_request
        ):
            moves = [status for status in STATUS_BUTTONS if status != consultation_request.status]
            extra_context = {
                **(extra_context or {}),
                "status_buttons": moves,
                "status_button_name": STATUS_BUTTON_NAME,
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        """A status button saves the page's notes, then moves the status through the service."""
        status = request.POST.get(STATUS_BUTTON_NAME)
        if status in ConsultationRequest.Status.values:
            changed = consultation_request_change_status(
                consultation_request=obj, status=status, changed_by=request.user
            )
            label = changed.get_status_display().lower()
            self.message_user(request, f"{changed} marked {label}.", messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def change_status(self, request, queryset, status: str) -> None:
        count = 0
        for consultation_request in queryset:
            if consultation_request.status != status:
                consultation_request_change_status(
                    consultation_request=consultation_request,
                    status=status,
                    changed_by=request.user,
                )
                count += 1
        label = ConsultationRequest.Status(status).label.lower()
        self.message_user(request, f"{count} request(s) marked {label}.", messages.SUCCESS)

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
            f"{enqueued} email(s) queued. Spam requests and emails already delivered are skipped.",
            messages.SUCCESS,
        )

    @admin.action(description="Export selected to CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = (
            f'attachment; filename="consultation-requests-{stamp}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow([heading for heading, _ in CSV_FIELDS])
        for consultation_request in queryset.select_related("article", "assigned_to"):
            writer.writerow([csv_safe(str(value(consultation_request))) for _, value in CSV_FIELDS])
        return response
