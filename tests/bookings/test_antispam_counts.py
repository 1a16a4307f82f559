"""The three limits of the spam checks (per client, per recipient, site-wide), in Django's cache
and in Redis, where one script counts them in one round trip (bookings/antispam.py): each limit
counts only the requests the limits before it let through, the first request held by the
site-wide limit alerts staff, and in Redis every count expires with its window."""

import time

import pytest
import redis
import time_machine
from django.core.cache import caches
from django.test import RequestFactory

from bookings import antispam
from bookings.antispam import Verdict

# Frozen well inside an hour and a day, so that no window ends during a test.
NOW = 1_800_000_000 + 1800


@pytest.fixture(autouse=True)
def counts_cache(rate_limit_cache, settings):
    settings.BOOKINGS_MIN_FILL_SECONDS = 0
    settings.BOOKINGS_RATE_LIMIT = "100/h"
    settings.BOOKINGS_RECIPIENT_DAILY_LIMIT = 100
    settings.BOOKINGS_SITE_HOURLY_LIMIT = 100
    caches["default"].clear()
    with time_machine.travel(NOW, tick=False):
        yield rate_limit_cache


def screen(email: str, address: str = "198.51.100.7") -> antispam.Screening:
    request = RequestFactory().post("/book/", REMOTE_ADDR=address)
    token = antispam.form_shown_token(now=time.time() - 60)
    return antispam.screen(request, honeypot="", shown_token=token, email=email)


def count(name: str, window: int) -> int | None:
    return caches["default"].get(f"bookings:{name}:{int(time.time() // window)}")


def test_a_client_over_its_limit_is_held_and_counts_towards_nothing_else(settings):
    settings.BOOKINGS_RATE_LIMIT = "3/h"

    screenings = [screen(f"reader{number}@example.com") for number in range(5)]

    assert [s.reason for s in screenings] == [""] * 3 + ["rate limit exceeded"] * 2
    assert count("site", antispam.HOUR) == 3
    assert count(f"to:{antispam.recipient_hash('reader4@example.com')}", antispam.DAY) is None


def test_an_address_over_its_daily_limit_is_held_and_not_counted_site_wide(settings):
    settings.BOOKINGS_RECIPIENT_DAILY_LIMIT = 2

    screenings = [screen("victim@example.com", f"192.0.2.{number}") for number in range(4)]

    assert [s.verdict for s in screenings] == [Verdict.ACCEPT] * 2 + [Verdict.HOLD] * 2
    assert screenings[-1].reason == "too many requests for this email address today"
    assert count(f"to:{antispam.recipient_hash('victim@example.com')}", antispam.DAY) == 4
    assert count("site", antispam.HOUR) == 2


def test_past_the_site_wide_limit_the_first_held_request_alerts_staff(settings):
    settings.BOOKINGS_SITE_HOURLY_LIMIT = 2

    screenings = [screen(f"p{number}@example.com", f"192.0.2.{number}") for number in range(5)]

    assert [s.reason for s in screenings] == [""] * 2 + ["site-wide hourly limit"] * 3
    assert [s.alert_staff for s in screenings] == [False, False, True, False, False]


def test_counts_expire_with_their_window(counts_cache, settings):
    screen("reader@example.com")

    if counts_cache == "redis":
        client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
        ttls = {key.decode().split(":")[3]: client.ttl(key) for key in client.keys("*bookings:*")}
        ttls.pop("ip-salt", None)  # the address hash's salt of the day, kept for two days
        assert set(ttls) == {"rate", "to", "site"}
        assert 0 < ttls["rate"] <= 3600 and 0 < ttls["site"] <= 3600
        assert 3600 < ttls["to"] <= 86400
    assert count("site", antispam.HOUR) == 1
    assert antispam.count("site", window=antispam.HOUR) == 2
