"""The clinic's visit page: opening hours, coming closures, address and how to find us.

Cached for readers; saving or deleting weekly hours or a closure refreshes it
(bookings/signals.py), as do the clinicians' own saves (articles/signals.py).
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from articles.structured_data import clinic_json_ld

from .opening_hours import CLOSURES_DAYS_AHEAD, clinic_week, coming_closures


@require_http_methods(["GET", "HEAD"])
def visit(request: HttpRequest) -> HttpResponse:
    week = clinic_week()
    closures = coming_closures()
    json_ld = clinic_json_ld(
        url=settings.SITE_URL + reverse("bookings:visit"),
        week=[(day.name, day.ranges) for day in week],
        closed_days=[
            (closure.first_day, closure.last_day) for closure in closures if closure.all_day
        ],
    )
    context = {
        "week": week,
        "open_days": [day for day in week if day.ranges],
        "closures": closures,
        "closures_days_ahead": CLOSURES_DAYS_AHEAD,
        "json_ld": json_ld,
    }
    return render(request, "bookings/opening_hours.html", context)
