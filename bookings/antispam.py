"""Spam checks without a CAPTCHA: a honeypot, a minimum fill time and a per-client rate limit
(docs/bookings.md, "Keeping spam out")."""

import enum
import functools
import re
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
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


@functools.lru_cache(maxsize=16)
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
    return _count_until_over([(name, window, _NO_LIMIT)])[1]


def rate_limit_exceeded(client: str) -> bool:
    """Counts one request for this client and says whether it went over the limit."""
    limit, window = parse_rate(settings.BOOKINGS_RATE_LIMIT)
    return count(f"rate:{client}", window=window) > limit


_NO_LIMIT = 2**53 - 1  # as Lua reads numbers, exactly

# Adds one to each counter in turn (KEYS; ARGV: the window in seconds and the limit of each)
# and stops after the first that goes over its limit: {its position from 1, or 0, its count}.
# A counter starts at the first request of its window and lives as long as the window.
_COUNT_UNTIL_OVER = """
local n = 0
for i, key in ipairs(KEYS) do
    redis.call('SET', key, 0, 'EX', ARGV[2 * i - 1], 'NX')
    n = redis.call('INCR', key)
    if n > tonumber(ARGV[2 * i]) then
        return {i, n}
    end
end
return {0, n}
"""
_scripts = {}  # the script, registered with each Redis connection pool


def _count_until_over(counters: list[tuple[str, int, int]]) -> tuple[int, int]:
    """Adds one to each (name, window in seconds, limit) counter in turn and stops after the
    first that goes over its limit. Returns its position from 1 (0 when none went over) and its
    count (or the last counter's). With Redis, all of it in one round trip, a script."""
    now = time.time()
    keys = [f"bookings:{name}:{int(now // window)}" for name, window, _ in counters]
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        keys = [backend.make_key(key) for key in keys]
        client = backend._cache.get_client(keys[0], write=True)
        script = _scripts.get(client.connection_pool)
        if script is None:
            script = _scripts[client.connection_pool] = client.register_script(_COUNT_UNTIL_OVER)
        args = [value for _, window, limit in counters for value in (window, limit)]
        position, number = script(keys=keys, args=args, client=client)
        return int(position), int(number)
    number = 0
    for position, (key, (_, window, limit)) in enumerate(zip(keys, counters, strict=True), 1):
        try:
            number = cache.incr(key)  # Every request but a window's first finds the count there.
        except ValueError:
            # The window's first request, unless another one started the count meanwhile.
            number = 1 if cache.add(key, 1, timeout=window) else cache.incr(key)
        if number > limit:
            return position, number
    return 0, number


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
    # The three limits, each counted only when the ones before it let the request through.
    rate, window = parse_rate(settings.BOOKINGS_RATE_LIMIT)
    over, number = _count_until_over(
        [
            (f"rate:{client}", window, rate),
            (f"to:{recipient_hash(email)}", DAY, settings.BOOKINGS_RECIPIENT_DAILY_LIMIT),
            ("site", HOUR, settings.BOOKINGS_SITE_HOURLY_LIMIT),
        ]
    )
    if over == 1:
        return Screening(client, Verdict.HOLD, "rate limit exceeded")
    if over == 2:
        return Screening(client, Verdict.HOLD, "too many requests for this email address today")
    if over == 3:
        first = number == settings.BOOKINGS_SITE_HOURLY_LIMIT + 1
        return Screening(client, Verdict.HOLD, "site-wide hourly limit", alert_staff=first)
    return Screening(client)
