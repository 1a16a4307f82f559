"""Consultation requests as a CSV file that opens cleanly in Excel (docs/bookings.md, "CSV")."""

import csv
from collections.abc import Iterable
from datetime import datetime
from operator import attrgetter

from django.http import HttpResponse
from django.utils import timezone

from .models import ConsultationRequest

# Excel reads a CSV file as UTF-8 only when it starts with a byte-order mark.
BYTE_ORDER_MARK = "\ufeff"
# Spreadsheet programs run cells starting with these as formulas.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def clinic_time(moment: datetime | None) -> str:
    """Every date-time column in one format, in the clinic's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


COLUMNS = [
    ("received", lambda r: clinic_time(r.received_at)),
    ("reply due by", lambda r: clinic_time(r.reply_due_at)),
    ("status", lambda r: r.get_status_display()),
    ("name", attrgetter("name")),
    ("email", attrgetter("email")),
    ("phone", lambda r: str(r.phone or "")),
    ("help with", attrgetter("help_with")),
    ("contact method", lambda r: r.get_contact_method_display()),
    ("preferred times", lambda r: r.get_preferred_times_display()),
    ("message", attrgetter("message")),
    ("source article", lambda r: r.article.title if r.article else ""),
    *[(name.replace("_", " "), attrgetter(name)) for name in ConsultationRequest.SOURCE_FIELDS],
    ("assigned to", lambda r: r.assigned_to.get_username() if r.assigned_to else ""),
    ("contacted", lambda r: clinic_time(r.contacted_at)),
]


def csv_safe(value: str) -> str:
    """A leading apostrophe keeps a cell that looks like a formula from running as one."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def csv_response(requests: Iterable[ConsultationRequest], *, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write(BYTE_ORDER_MARK)
    writer = csv.writer(response)
    writer.writerow([heading for heading, _ in COLUMNS])
    for consultation_request in requests:
        writer.writerow([csv_safe(str(value(consultation_request))) for _, value in COLUMNS])
    return response
