"""The site's answer to an unhandled error (handler500): the branded 500 page, or a clear 503
when the error was the database going away, wherever in the request it happened
(docs/operations.md, "When the database goes away")."""

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import Resolver404, resolve
from django.views import defaults

from .logs import request_id_var

logger = logging.getLogger("unity_site.database")

DATABASE_ERRORS = (OperationalError, InterfaceError)

# url name -> a function that redraws that page's form, refilled from the refused POST.
_refilled_forms: dict[str, Callable[[HttpRequest], str]] = {}


def register_refilled_form(url_name: str, render_form: Callable[[HttpRequest], str]) -> None:
    """After a POST to `url_name` is refused (a lost security cookie, or the database away), the
    page shows `render_form(request)`: the form, refilled with what the reader typed, ready to
    send again. It must not need the database. From AppConfig.ready()."""
    _refilled_forms[url_name] = render_form


def _refilled_form(request: HttpRequest) -> str:
    """The form the reader was sending, refilled, when its page registered one; else ""."""
    if request.method != "POST":
        return ""
    try:
        render_form = _refilled_forms.get(resolve(request.path_info).view_name)
    except Resolver404:
        return ""
    if render_form is None:
        return ""
    try:
        return render_form(request)
    except DATABASE_ERRORS:
        # Nothing more to lose: the page still says what happened.
        logger.warning("The refilled form at %s needed the database", request.path)
        return ""


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the site's own page, saying what happened and how to send again.
    Nothing was stored; the form comes back refilled where the app allows it."""
    return render(request, "403_csrf.html", {"form_html": _refilled_form(request)}, status=403)


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
    # Rendered without the request: context processors might need the database. A form the
    # reader was sending comes back refilled (drawn without the database), to send again.
    context = {"request_id": request_id_var.get(), "form_html": _refilled_form(request)}
    response = HttpResponse(loader.get_template("503.html").render(context), status=503)
    response["Retry-After"] = "30"
    # no-store: the page may hold what the reader typed.
    response["Cache-Control"] = "no-store"
    return response
