"""Admin sign-in protection: django-axes counts failed logins by account and by client."""

import logging

from axes.backends import AxesStandaloneBackend
from axes.signals import user_locked_out
from django.conf import settings
from django.dispatch import receiver
from django.http import HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)


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


@receiver(user_locked_out, dispatch_uid="unity_site.admin_lockout.log_refusal")
def log_refusal(sender, request=None, **kwargs):
    """Each refused sign-in is logged (without the username or address, which axes keeps in its
    "Access attempts" admin page for staff to review)."""
    logger.warning(
        "Admin sign-in refused: too many failed attempts for this account or client; "
        "refused for up to %s minutes",
        cool_off_minutes(),
        extra={"path": getattr(request, "path", ""), "status_code": 429},
    )
