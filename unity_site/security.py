"""Admin sign-in protection: django-axes counts failed logins by account and by client."""

import logging

from axes.backends import AxesStandaloneBackend
from axes.signals import user_locked_out
from django.conf import settings
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """The client's address as the reverse proxy reports it (AXES_CLIENT_IP_CALLABLE).

    Behind a proxy every request comes from the proxy's own address, so counting failures by
    REMOTE_ADDR would lock every member of staff out at once. BOOKINGS_CLIENT_IP_HEADER names
    the header the proxy sets (for X-Forwarded-For the last, proxy-added address is used); the
    booking form's rate limit counts clients by this address too (bookings/antispam.py).
    """
    header = settings.BOOKINGS_CLIENT_IP_HEADER
    address = ""
    if header:
        meta_key = "HTTP_" + header.upper().replace("-", "_")
        address = request.META.get(meta_key, "").split(",")[-1].strip()
    return address or request.META.get("REMOTE_ADDR", "")


class LoginAttemptBackend(AxesStandaloneBackend):
    """Axes' lockout check, first in AUTHENTICATION_BACKENDS.

    Every sign-in from the web (the admin's login form) passes the request and is counted. A
    call without a request (the test client's login(), a shell) has no client to count, so it
    is left to the backends after this one instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def cool_off_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """What a refused member of staff sees (AXES_LOCKOUT_CALLABLE): the clinic's page saying for
    how long and what to do, instead of axes's one line of plain text."""
    return render(
        request,
        "admin/locked_out.html",
        {"minutes": cool_off_minutes()},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


@receiver(user_locked_out, dispatch_uid="unity_site.security.log_refusal")
def log_refusal(sender, request=None, **kwargs):
    """Each refused sign-in is logged (without the username or address, which axes keeps in its
    "Access attempts" admin page for staff to review)."""
    logger.warning(
        "Admin sign-in refused: too many failed attempts for this account or client; "
        "refused for up to %s minutes",
        cool_off_minutes(),
        extra={"path": getattr(request, "path", ""), "status_code": 429},
    )
