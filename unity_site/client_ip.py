"""Which address a request came from, as the reverse proxy reports it (CLIENT_IP_HEADER):
docs/security.md, "The client's address behind a proxy"."""

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
