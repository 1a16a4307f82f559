"""Admin sign-in protection: django-axes counts failed logins for each account from each client,
and for each client whatever the account (a higher limit): docs/security.md, "The admin"."""

import logging

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
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


class LockoutHandler(AxesDatabaseHandler):
    """Axes's database handler (AXES_HANDLER), with a second, higher limit per client address.

    Axes locks one account from one client after AXES_FAILURE_LIMIT failures
    (AXES_LOCKOUT_PARAMETERS), so no one elsewhere can lock a member of staff out. A client that
    tries many accounts is stopped too: once its failures for all accounts together reach
    LOGIN_ADDRESS_FAILURE_LIMIT, it counts as over the limit for every account. Both counts come
    from axes's AccessAttempt rows, so `axes_reset_ip` clears either.
    """

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        if failures_from_address(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures


def failures_from_address(request) -> int:
    """Failed sign-ins from the request's client (its /64 network for IPv6, as client_ip says)
    within the cool-off, for any account."""
    address = request.axes_ip_address
    if not address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=address)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def cool_off_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def cool_off_minutes() -> int:
    return cool_off_seconds() // 60


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """What a refused member of staff sees (AXES_LOCKOUT_CALLABLE): the clinic's page saying for
    how long and what to do, instead of axes's one line of plain text."""
    response = render(
        request,
        "admin/locked_out.html",
        {"minutes": cool_off_minutes()},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    # The longest the refusal lasts: tries during it do not extend it.
    response["Retry-After"] = str(cool_off_seconds())
    return response


@receiver(user_locked_out, dispatch_uid="unity_site.admin_lockout.log_refusal")
def log_refusal(sender, request=None, **kwargs):
    """Each refused sign-in is logged (without the username or address, which axes keeps in its
    "Access attempts" admin page for staff to review)."""
    logger.warning(
        "Admin sign-in refused: too many failed attempts from this client, for this account "
        "or in all; refused for up to %s minutes",
        cool_off_minutes(),
        extra={"path": getattr(request, "path", ""), "status_code": 429},
    )
