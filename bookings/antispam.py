"""Spam checks without a CAPTCHA: a honeypot, a minimum fill time and a per-client rate limit
(docs/bookings.md, "Keeping spam out")."""

import enum
import re
import secrets
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
DAY = 86400
HOUR = 3600


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


_salt_of_the_day: tuple[int, str] | None = None


def salt_of_the_day() -> str:
    """A random salt shared by every server through the cache for one UTC day, then forgotten,
    so that no one, even with the server's secret key, can link an old hash to an address."""
    global _salt_of_the_day
    day = int(time.time() // DAY)
    if _salt_of_the_day is None or _salt_of_the_day[0] != day:
        key = f"bookings:ip-salt:{day}"
        cache.add(key, secrets.token_hex(32), timeout=2 * DAY)
        _salt_of_the_day = (day, cache.get(key))
    return _salt_of_the_day[1]


def client_hash(request: HttpRequest) -> str:
    """A keyed hash of the client's address (IPv6: its /64): enough to count one day's requests
    from it, never to find it."""
    return salted_hmac(
        "bookings.client", client_ip(request), secret=salt_of_the_day(), algorithm="sha256"
    ).hexdigest()


def recipient_hash(email: str) -> str:
    return salted_hmac(
        "bookings.recipient", email.strip().casefold(), algorithm="sha256"
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


def count(name: str, *, window: int) -> int:
    """Adds one to a counter that lives for the current window of `window` seconds."""
    key = f"bookings:{name}:{int(time.time() // window)}"
    try:
        return cache.incr(key)  # Every request but a window's first finds the count there.
    except ValueError:
        # The window's first request, unless another one started the count meanwhile.
        return 1 if cache.add(key, 1, timeout=window) else cache.incr(key)


def rate_limit_exceeded(client: str) -> bool:
    """Counts one request for this client and says whether it went over the limit."""
    limit, window = parse_rate(settings.BOOKINGS_RATE_LIMIT)
    return count(f"rate:{client}", window=window) > limit


class Verdict(enum.StrEnum):
    ACCEPT = "accept"
    HOLD = "hold"  # a person may have sent it: staff look before any email goes
    SPAM = "spam"  # only a bot fills the honeypot


@dataclass(frozen=True)
class Screening:
    client_hash: str
    verdict: Verdict = Verdict.ACCEPT
    reason: str = ""  # why it was held or taken for spam
    alert_staff: bool = False  # the first request held by the site-wide cap this hour


def screen(request: HttpRequest, *, honeypot: str, shown_token: str, email: str) -> Screening:
    """Screens a valid form. Only the honeypot marks spam; the soft signals, which an honest
    reader can trip (autofill is fast, a family shares an address), hold it for review, and so
    do the limits that keep the clinic's email from being turned on anyone."""
    client = client_hash(request)
    if honeypot:
        return Screening(client, Verdict.SPAM, "honeypot filled")
    elapsed = seconds_since_shown(token=shown_token)
    if elapsed is None:
        return Screening(client, Verdict.HOLD, "missing or forged form token")
    if elapsed > settings.BOOKINGS_FORM_MAX_AGE_SECONDS:  # a token cannot be replayed for ever
        return Screening(client, Verdict.HOLD, "form shown too long ago")
    if elapsed < settings.BOOKINGS_MIN_FILL_SECONDS:
        return Screening(client, Verdict.HOLD, f"sent {max(elapsed, 0):.0f}s after it was shown")
    if rate_limit_exceeded(client):
        return Screening(client, Verdict.HOLD, "rate limit exceeded")
    if count(f"to:{recipient_hash(email)}", window=DAY) > settings.BOOKINGS_RECIPIENT_DAILY_LIMIT:
        return Screening(client, Verdict.HOLD, "too many requests for this email address today")
    this_hour = count("site", window=HOUR)
    if this_hour > settings.BOOKINGS_SITE_HOURLY_LIMIT:
        first = this_hour == settings.BOOKINGS_SITE_HOURLY_LIMIT + 1
        return Screening(client, Verdict.HOLD, "site-wide hourly limit", alert_staff=first)
    return Screening(client)
