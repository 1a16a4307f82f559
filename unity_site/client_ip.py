"""Which address a request came from, as the reverse proxy reports it (CLIENT_IP_HEADER):
docs/security.md, "The client's address behind a proxy"."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# One IPv6 client usually holds a whole /64, and can pick a new address in it at will.
IPV6_CLIENT_PREFIX = 64


def client_ip(request: HttpRequest) -> str:
    """The client's address as every per-client limit counts it (also AXES_CLIENT_IP_CALLABLE):
    an IPv4 address, or the first address of an IPv6 client's /64. For X-Forwarded-For, the
    last, proxy-added address: the ones before it are whatever the client claimed."""
    header = settings.CLIENT_IP_HEADER
    address = ""
    if header:
        meta_key = "HTTP_" + header.upper().replace("-", "_")
        address = request.META.get(meta_key, "").split(",")[-1].strip()
    address = address or request.META.get("REMOTE_ADDR", "")
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    network = ipaddress.ip_network((ip, IPV6_CLIENT_PREFIX), strict=False)
    return str(network.network_address)
