"""Spam checks without a CAPTCHA: a honeypot, a minimum fill time and a per-client rate limit
(docs/bookings.md, "Keeping spam out")."""

import enum
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from unity_site.client_ip import client_ip

TOKEN_SALT = "bookings.form-shown"
RATE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def form_shown_token(*, now: float | None = None) -> str:
    """A signed record of when the form was shown, carried in a hidden field."""
    return signing.dumps(int(now if now is not None else time.time()), salt=TOKEN_SALT)


def seconds_since_shown(*, token: str) -> float | None:
    """How long ago the form was shown, or None when the token is missing or forged."""
    try:
        shown_at = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(shown_at, int):
        return None
    return time.time() - shown_at


def client_hash(request: HttpRequest) -> str:
    """A salted hash of the client's address: enough to count its requests, not to find it."""
    secret = settings.BOOKINGS_IP_HASH_SALT or None  # None: Django uses SECRET_KEY.
    return salted_hmac(
        "bookings.client", client_ip(request), secret=secret, algorithm="sha256"
    ).hexdigest()


def parse_rate(rate: str) -> tuple[int, int]:
    """'5/h' -> (5, 3600)."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*", rate or "")
    if not match:
        raise ImproperlyConfigured(
            f"BOOKINGS_RATE_LIMIT must look like 5/h (count/unit, unit s, m, h or d), not {rate!r}."
        )
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * RATE_UNITS[unit]


def rate_limit_exceeded(client: str) -> bool:
    """Counts one request for this client and says whether it went over the limit."""
    limit, window = parse_rate(settings.BOOKINGS_RATE_LIMIT)
    key = f"bookings:rate:{client}:{int(time.time() // window)}"
    try:
        count = cache.incr(key)  # Every request but a window's first finds the count there.
    except ValueError:
        # The window's first request, unless another one started the count meanwhile.
        count = 1 if cache.add(key, 1, timeout=window) else cache.incr(key)
    return count > limit


class Verdict(enum.StrEnum):
    ACCEPT = "accept"
    HOLD = "hold"  # a person may have sent it: staff look before any email goes
    SPAM = "spam"  # only a bot fills the honeypot


@dataclass(frozen=True)
class Screening:
    client_hash: str
    verdict: Verdict = Verdict.ACCEPT
    reason: str = ""  # why it was held or taken for spam


def screen(request: HttpRequest, *, honeypot: str, shown_token: str) -> Screening:
    """Screens a valid form. Only the honeypot marks spam; the soft signals, which an honest
    reader can trip (autofill is fast, a family shares an address), hold it for review."""
    client = client_hash(request)
    if honeypot:
        return Screening(client, Verdict.SPAM, "honeypot filled")
    elapsed = seconds_since_shown(token=shown_token)
    if elapsed is None:
        return Screening(client, Verdict.HOLD, "missing or forged form token")
    if elapsed < settings.BOOKINGS_MIN_FILL_SECONDS:
        return Screening(client, Verdict.HOLD, f"sent {max(elapsed, 0):.0f}s after it was shown")
    if rate_limit_exceeded(client):
        return Screening(client, Verdict.HOLD, "rate limit exceeded")
    return Screening(client)
