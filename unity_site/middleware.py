"""The site's own middleware: request ids, the Permissions-Policy header, and a clear 503 page
when the database goes away."""

import logging
import re
import sys
import uuid

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template import loader

from .logs import request_id_var

logger = logging.getLogger("unity_site.database")

REQUEST_ID_HEADER = "X-Request-ID"
# An id from the proxy is kept only when it is short and plain, so it cannot forge log lines.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,64}")
DATABASE_ERRORS = (OperationalError, InterfaceError)


class RequestIDMiddleware:
    """Gives every request an id (the proxy's X-Request-ID when it sends a sane one), puts it on
    every log line written while the request is served and sends it back in X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if REQUEST_ID_PATTERN.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class PermissionsPolicyMiddleware:
    """Sends Permissions-Policy from settings.PERMISSIONS_POLICY: {feature: [allowed origins]};
    an empty list turns the feature off everywhere, "self" allows this site only."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = self.build(getattr(settings, "PERMISSIONS_POLICY", {}))

    @staticmethod
    def build(policy: dict[str, list[str]]) -> str:
        directives = []
        for feature, origins in policy.items():
            allowed = " ".join(
                origin if origin in {"self", "*"} else f'"{origin}"' for origin in origins
            )
            directives.append(f"{feature}=({allowed})" if allowed != "*" else f"{feature}=*")
        return ", ".join(directives)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection into a clear 503 page instead of a generic 500.

    Nothing is half-saved: every write that belongs together runs in one transaction, which the
    database rolls back when the connection breaks. Django drops a broken connection when the
    request ends (close_old_connections), so the next request opens a fresh one: the site
    recovers by itself once the database is back, without a restart.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # An error raised by a middleware inside this one has already become a 500 response;
        # the signal receiver below marked the request when that error was the database's.
        if getattr(request, "_database_unavailable", False) and response.status_code == 500:
            return database_unavailable_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, DATABASE_ERRORS):
            log_database_error(request, exception)
            return database_unavailable_response(request)
        return None


@receiver(got_request_exception, dispatch_uid="unity_site.database_unavailable")
def mark_database_unavailable(sender, request=None, **kwargs):
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_ERRORS):
        request._database_unavailable = True


def log_database_error(request: HttpRequest, error: Exception) -> None:
    logger.error(
        "Database unavailable during %s %s: %s",
        request.method,
        request.path,
        type(error).__name__,
        extra={"status_code": 503},
    )


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    # Rendered without the request: context processors might need the database.
    body = loader.get_template("503.html").render({"request_id": request_id_var.get()})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response
