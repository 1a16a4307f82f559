"""The visit page: opening hours from the weekly hours that make the free times, the clinic-wide
closures coming up (bank holidays included), and the address, phone and email; cached, and
refreshed when hours or closures change."""

import datetime
import json
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.bank_holidays import bank_holiday_closures_add
from bookings.models import Closure, WeeklyHours
from bookings.opening_hours import clinic_week
from tests.articles.factories import ClinicianFactory
from tests.bookings.clinic_hours import MONDAY_MORNING, clinician_with_hours

pytestmark = pytest.mark.django_db

LONDON = timezone.get_default_timezone()
VISIT = "/visit/"


@pytest.fixture(autouse=True)
def monday_morning():
    """Monday 7 December 2026: Christmas and the New Year are within 60 days, Easter is not.
    The clock ticks on: the page cache's content version is the time of the last change."""
    with time_machine.travel(MONDAY_MORNING):
        yield


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def hours_shown(html: str) -> dict[str, str]:
    """Each weekday of the opening hours table, and what it says."""
    table = re.search(r'<table class="opening-hours">(.*?)</table>', html, re.S)[1]
    return {
        text(day): text(hours)
        for day, hours in re.findall(r"<th[^>]*>(.*?)</th>\s*<td>(.*?)</td>", table, re.S)
    }


def json_ld(html: str) -> dict:
    return json.loads(
        re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)[1]
    )


def clinic_closure(day: datetime.date, reason: str, **fields) -> Closure:
    return Closure.objects.create(
        starts_at=datetime.datetime.combine(day, datetime.time.min, tzinfo=LONDON),
        ends_at=datetime.datetime.combine(
            day + datetime.timedelta(days=1), datetime.time.min, tzinfo=LONDON
        ),
        reason=reason,
        **fields,
    )


@pytest.fixture
def team():
    """Two clinicians who offer free consultations, and one who does not."""
    priya = clinician_with_hours(
        "Priya Raman", hours=((0, "09:00", "12:30"), (0, "13:30", "17:00"), (2, "09:00", "12:00"))
    )
    sam = clinician_with_hours("Sam Lee", hours=((0, "12:00", "14:00"), (1, "10:00", "16:00")))
    busy = ClinicianFactory(name="Alex Busy", offers_free_consultations=False)
    WeeklyHours.objects.create(clinician=busy, weekday=3, starts="08:00", ends="20:00")
    return priya, sam, busy


def test_the_hours_are_those_the_clinicians_offering_consultations_work_run_together(client, team):
    html = client.get(VISIT).text
    shown = hours_shown(html)

    assert 'href="/book/time/"' in html
    assert shown == {
        "Monday": "09:00 to 17:00",
        "Tuesday": "10:00 to 16:00",
        "Wednesday": "09:00 to 12:00",
        "Thursday": "Closed",
        "Friday": "Closed",
        "Saturday": "Closed",
        "Sunday": "Closed",
    }


def test_ranges_that_touch_run_together_and_a_gap_stays_a_gap():
    clinician_with_hours("Priya Raman", hours=((4, "09:00", "12:00"), (4, "14:00", "17:00")))
    clinician_with_hours("Sam Lee", hours=((4, "12:00", "13:00"),))

    friday = clinic_week()[4]

    assert friday.name == "Friday"
    assert [(f"{a:%H:%M}", f"{b:%H:%M}") for a, b in friday.ranges] == [
        ("09:00", "13:00"),
        ("14:00", "17:00"),
    ]


def test_changed_hours_show_at_once_though_the_page_was_cached(team):
    priya, sam, busy = team
    Client().get(VISIT)
    with CaptureQueriesContext(connection) as queries:
        cached = Client().get(VISIT)
    assert len(queries) == 0 and hours_shown(cached.text)["Tuesday"] == "10:00 to 16:00"

    WeeklyHours.objects.filter(clinician=sam, weekday=1).update(ends="18:00")  # no signal
    WeeklyHours.objects.get(clinician=sam, weekday=1).save()
    after_edit = hours_shown(Client().get(VISIT).text)
    WeeklyHours.objects.filter(clinician=priya, weekday=2).get().delete()
    after_delete = hours_shown(Client().get(VISIT).text)

    assert after_edit["Tuesday"] == "10:00 to 18:00"
    assert after_delete["Wednesday"] == "Closed"


def test_a_clinician_who_stops_offering_consultations_takes_their_hours_away(team):
    priya, sam, busy = team
    Client().get(VISIT)

    sam.offers_free_consultations = False
    sam.save()

    assert hours_shown(Client().get(VISIT).text)["Tuesday"] == "Closed"


def test_bank_holidays_and_other_clinic_closures_of_the_next_60_days_are_listed(client, team):
    priya, sam, busy = team
    bank_holiday_closures_add()
    clinic_closure(datetime.date(2026, 12, 24), "Opening after all", in_force=False)
    clinic_closure(datetime.date(2026, 12, 23), "Priya on leave", clinician=priya)
    Closure.objects.create(
        starts_at=datetime.datetime(2026, 12, 16, 13, 0, tzinfo=LONDON),
        ends_at=datetime.datetime(2026, 12, 16, 17, 0, tzinfo=LONDON),
        reason="Staff training",
    )

    page = text(client.get(VISIT).text)

    assert "From Wednesday 16 December 2026, 13:00 to 17:00: Staff training" in page
    assert "Friday 25 December 2026: Bank holiday: Christmas Day" in page
    assert "Monday 28 December 2026: Bank holiday: Boxing Day" in page
    assert "Friday 1 January 2027: Bank holiday: New Year" in page
    # Further than 60 days ahead, not in force, or one clinician's own leave: not listed.
    assert "Good Friday" not in page
    assert "Opening after all" not in page
    assert "Priya on leave" not in page


def test_a_closure_added_after_the_page_was_cached_shows_at_once(team):
    Client().get(VISIT)
    assert "no closures planned in the next 60 days" in Client().get(VISIT).text

    closure = clinic_closure(datetime.date(2026, 12, 18), "Christmas party")
    assert "Friday 18 December 2026: Christmas party" in text(Client().get(VISIT).text)

    closure.in_force = False
    closure.save()
    assert "Christmas party" not in Client().get(VISIT).text


def test_a_closure_of_several_days_reads_from_the_first_to_the_last(client, team):
    Closure.objects.create(
        starts_at=datetime.datetime(2026, 12, 29, tzinfo=LONDON),
        ends_at=datetime.datetime(2026, 12, 31, tzinfo=LONDON),
        reason="Between the holidays",
    )

    page = text(client.get(VISIT).text)

    assert "Tuesday 29 December 2026 to Wednesday 30 December 2026: Between the holidays" in page


def test_the_address_phone_and_email_come_from_the_clinics_settings(client, settings, team):
    settings.CLINIC = {
        **settings.CLINIC,
        "address": "3 Harbour Row, Leith, Edinburgh EH6 6LP",
        "phone": "0131 496 0000",
        "email": "visit@unity.example",
    }

    html = client.get(VISIT).text

    assert "3 Harbour Row, Leith, Edinburgh EH6 6LP" in html
    assert 'href="tel:01314960000"' in html
    assert 'href="mailto:visit@unity.example"' in html
    assert html.count("<h1") == 1
    # Nothing from another host: no map, font or picture from elsewhere.
    assert not re.findall(r'<(?:script|img|source|iframe)\b[^>]*\bsrc="(?:https?:)?//', html)
    assert not re.findall(
        r'<link\b[^>]*\brel="(?:stylesheet|icon)"[^>]*\bhref="(?:https?:)?//', html
    )


def test_the_structured_data_is_the_clinic_with_the_hours_shown(client, settings, team):
    bank_holiday_closures_add()

    data = json_ld(client.get(VISIT).text)

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == ["MedicalClinic", "Physiotherapy"]
    assert data["telephone"] == settings.CLINIC["phone"]
    assert data["address"]["@type"] == "PostalAddress"
    assert data["address"]["streetAddress"] == settings.CLINIC["address"]
    assert [
        (spec["dayOfWeek"], spec["opens"], spec["closes"])
        for spec in data["openingHoursSpecification"]
    ] == [
        ("https://schema.org/Monday", "09:00", "17:00"),
        ("https://schema.org/Tuesday", "10:00", "16:00"),
        ("https://schema.org/Wednesday", "09:00", "12:00"),
    ]
    christmas = {
        "@type": "OpeningHoursSpecification",
        "validFrom": "2026-12-25",
        "validThrough": "2026-12-25",
        "opens": "00:00",
        "closes": "00:00",
    }
    assert christmas in data["specialOpeningHoursSpecification"]


def test_with_no_hours_set_the_page_asks_readers_to_call(client):
    html = client.get(VISIT).text

    assert "opening-hours" not in html
    assert "to find out when we are open" in html
    assert 'href="/book/time/"' not in html
