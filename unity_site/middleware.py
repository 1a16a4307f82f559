"""The site's own middleware: request ids and the Permissions-Policy header."""

import re
import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .logs import request_id_var

REQUEST_ID_HEADER = "X-Request-ID"
# An id from the proxy is kept only when it is short and plain, so it cannot forge log lines.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,64}")


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
