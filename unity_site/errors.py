"""The site's answer to an unhandled error (handler500): the branded 500 page, or a clear 503
when the error was the database going away, wherever in the request it happened
(docs/operations.md, "When the database goes away")."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views import defaults

from .logs import request_id_var

logger = logging.getLogger("unity_site.database")

DATABASE_ERRORS = (OperationalError, InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    if not isinstance(error, DATABASE_ERRORS):
        return defaults.server_error(request)
    logger.error(
        "Database unavailable during %s %s: %s",
        request.method,
        request.path,
        type(error).__name__,
        extra={"status_code": 503},
    )
    # Rendered without the request: context processors might need the database.
    body = loader.get_template("503.html").render({"request_id": request_id_var.get()})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response
