"""Many readers race for one free time on PostgreSQL: exactly one booking holds it, everyone else
is told kindly that it has just gone, and no one sees an error page (docs/bookings.md, "A time
someone else has just booked"; issue 14).

Real concurrency: 32 HTTP clients against the live server (a thread per connection), each with
its own cookies and form, released together by a barrier; and 32 threads calling the service
directly, each on its own database connection. Runs only on PostgreSQL: SQLite lets one writer
in at a time, so there is no race to lose there. CI runs the suite on PostgreSQL too.
"""

import datetime
import html
import http.client
import re
import threading
import time
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bookings.models import ConsultationRequest
from bookings.services import SlotTaken, consultation_booking_create
from tests.bookings.clinic_hours import EVERY_DAY, clinician_with_hours, policy

CLIENTS = 32
BOOK_TIME = "/book/time/"
TAKEN = "was booked by someone else a moment ago"

pytestmark = [
    pytest.mark.skipif(
        django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="the booking race needs PostgreSQL: SQLite lets one writer in at a time",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def roomy_pool():
    """A database connection for every racer. psycopg's pool (unity_site/settings/base.py) keeps
    at most 4, enough for a gunicorn worker serving one request at a time, but here one process
    serves all 32 at once: with 4 they would queue for a connection instead of racing."""
    options = connection.settings_dict["OPTIONS"]
    pool = options.get("pool")
    if not pool:
        yield
        return

    def replace_pool(new):
        connections.close_all()
        connection.close_pool()
        options["pool"] = new

    replace_pool({**pool, "min_size": 1, "max_size": CLIENTS + 8, "timeout": 30})
    try:
        yield
    finally:
        replace_pool(pool)


@pytest.fixture
def no_limits(settings):
    """The spam checks let every racer through, so that only the race decides (the live server
    runs in this process, with these settings)."""
    settings.BOOKINGS_RATE_LIMIT = "100000/h"
    settings.BOOKINGS_SITE_HOURLY_LIMIT = 100000
    settings.BOOKINGS_RECIPIENT_DAILY_LIMIT = 100000
    settings.BOOKINGS_MIN_FILL_SECONDS = 0


@pytest.fixture
def clinician():
    policy()
    return clinician_with_hours(hours=EVERY_DAY)


class Reader:
    """One browser: its own connection, cookies and copy of the form."""

    def __init__(self, base_url: str, number: int):
        parts = urlsplit(base_url)
        self.origin = base_url
        self.number = number
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.fields: list[tuple[str, str]] = []
        self.page = ""

    def request(self, method: str, path: str, body: str | None = None):
        headers = {"Origin": self.origin, "Referer": f"{self.origin}{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";")[0]
        return response.status, response.getheader("Location"), text

    def open_form(self, path: str) -> None:
        """GETs the page of free times: the CSRF cookie, and the booking form's hidden inputs."""
        status, _, self.page = self.request("GET", path)
        assert status == 200, self.page[:2000]
        form = self.page[self.page.index('id="booking-form"') :]
        form = form[: form.index("</form>")]
        self.fields = [
            (name, html.unescape(value))
            for name, value in re.findall(
                r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form
            )
        ]
        assert any(name == "csrfmiddlewaretoken" for name, _ in self.fields), form[:2000]

    def book(self, path: str, slot: str):
        answers = [
            ("slot", slot),
            ("name", f"Racer {self.number}"),
            ("email", f"racer{self.number}@example.com"),
            ("phone", ""),
            ("help_with", "Knee pain"),
            ("consent", "on"),
        ]
        return self.request("POST", path, urlencode(self.fields + answers))


def slot_values(page: str) -> list[str]:
    return re.findall(r'type="radio" name="slot" value="([^"]+)"', page)


def starts_at(value: str) -> datetime.datetime:
    return datetime.datetime.strptime(value.split("-")[0], "%Y%m%dT%H%M%S%z")


def test_32_readers_racing_for_one_time_get_one_booking_and_31_kind_answers(
    live_server, roomy_pool, no_limits, clinician
):
    path = f"{BOOK_TIME}?clinician={clinician.pk}"
    readers = [Reader(live_server.url, number) for number in range(CLIENTS)]
    for reader in readers:
        reader.open_form(path)
    # A time comfortably clear of the two hours' notice, so that it stays offered throughout.
    slot = next(
        value
        for value in slot_values(readers[0].page)
        if starts_at(value) >= timezone.now() + datetime.timedelta(hours=3)
    )
    assert all(slot in slot_values(reader.page) for reader in readers)

    barrier = threading.Barrier(CLIENTS)
    answers: dict[int, tuple] = {}

    def race(reader: Reader) -> None:
        try:
            barrier.wait(timeout=60)
            sent = time.monotonic()
            status, location, page = reader.book(path, slot)
            answers[reader.number] = (status, location, page, sent, time.monotonic())
        except Exception as error:  # noqa: BLE001 - reported below, with the reader's number
            answers[reader.number] = (error,)
        finally:
            reader.connection.close()

    threads = [threading.Thread(target=race, args=(reader,)) for reader in readers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not [t for t in threads if t.is_alive()], "a reader never got an answer"
    errors = {n: a[0] for n, a in answers.items() if len(a) == 1}
    assert not errors, errors
    statuses = sorted(status for status, *_ in answers.values())
    assert len(answers) == CLIENTS
    assert not [s for s in statuses if s >= 500], statuses
    booked = [a for a in answers.values() if a[0] == 302]
    assert len(booked) == 1, statuses
    assert booked[0][1].startswith("/book/booked/")
    told = [page for status, _, page, *_ in answers.values() if status == 200]
    assert len(told) == CLIENTS - 1
    for page in told:
        assert "That time has just gone" in page, page[:3000]
        assert TAKEN in page
    # The requests were in flight together, and more than one reached the database's check.
    sent = max(a[3] for a in answers.values())
    first_answer = min(a[4] for a in answers.values())
    assert sent < first_answer, "every POST was sent before the first answer came back"

    holding = ConsultationRequest.objects.holding_slots().filter(starts_at=starts_at(slot))
    assert holding.count() == 1
    winner = holding.get()
    assert (winner.status, winner.clinician_id) == (ConsultationRequest.Status.BOOKED, clinician.pk)
    assert ConsultationRequest.objects.count() == 1  # the others stored nothing at all
    assert DBTaskResult.objects.count() == 2  # and queued no email


def test_32_threads_booking_one_time_through_the_service_get_one_booking_and_31_slot_taken(
    roomy_pool, clinician
):
    slot_start = (timezone.localtime() + datetime.timedelta(days=2)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    barrier = threading.Barrier(CLIENTS)
    outcomes: dict[int, object] = {}

    def book(number: int) -> None:
        try:
            barrier.wait(timeout=60)
            outcomes[number] = consultation_booking_create(
                name=f"Racer {number}",
                email=f"racer{number}@example.com",
                starts_at=slot_start,
                clinician_id=clinician.pk,
            )
        except Exception as error:  # noqa: BLE001 - SlotTaken expected, anything else reported
            outcomes[number] = error
        finally:
            connections.close_all()  # this thread's connection, back before the flush

    threads = [threading.Thread(target=book, args=(number,)) for number in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(outcomes) == CLIENTS
    bookings = [o for o in outcomes.values() if isinstance(o, ConsultationRequest)]
    taken = [o for o in outcomes.values() if isinstance(o, SlotTaken)]
    others = [o for o in outcomes.values() if o not in bookings and o not in taken]
    assert others == [], others
    assert (len(bookings), len(taken)) == (1, CLIENTS - 1)
    stored = ConsultationRequest.objects.holding_slots().get()
    assert (stored.pk, stored.starts_at) == (bookings[0].pk, slot_start)
    assert DBTaskResult.objects.count() == 2
