"""Which address a request came from, as the reverse proxy reports it.

Behind a proxy every request comes from the proxy's own address, so counting by REMOTE_ADDR
would treat every reader as one. CLIENT_IP_HEADER names the header the proxy sets
(docs/configuration.md); the admin lockout and the booking form's rate limit both count by it.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address (also AXES_CLIENT_IP_CALLABLE). For X-Forwarded-For, the last,
    proxy-added address: the ones before it are whatever the client claimed."""
    header = settings.CLIENT_IP_HEADER
    address = ""
    if header:
        meta_key = "HTTP_" + header.upper().replace("-", "_")
        address = request.META.get(meta_key, "").split(",")[-1].strip()
    return address or request.META.get("REMOTE_ADDR", "")
