"""A reader on a phone goes from an article to a booked time by labels alone."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings import availability
from bookings.models import ConsultationRequest
from tests.bookings.clinic_hours import EVERY_DAY, clinician_with_hours, policy

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def priya():
    policy()
    return clinician_with_hours(hours=EVERY_DAY)


def test_reader_on_a_phone_books_a_free_time_from_an_article(
    phone_page, article, priya, serious_accessibility_violations, settings
):
    settings.BOOKINGS_MIN_FILL_SECONDS = 0  # No waiting in tests: a person is never this quick.
    # Tomorrow's first time: far enough ahead to stay free while the test runs.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    slot = next(
        slot for slot in availability.free_slots() if timezone.localdate(slot.starts_at) >= tomorrow
    )
    local = timezone.localtime(slot.starts_at)
    day, time = f"{local:%A} {local.day} {local:%B}", f"{local:%H:%M}"
    page = phone_page
    page.goto(article.get_absolute_url())

    expect(page.get_by_role("heading", name="Choose a time")).to_be_visible()
    expect(page.get_by_label("Who would you like to see?")).to_have_value("any")
    page.get_by_role("button", name="See free times").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Choose a time for your free consultation"
    )
    expect(page.get_by_text("All times are UK time (Europe/London)")).to_be_visible()
    page.get_by_role("group", name=day, exact=True).get_by_label(time, exact=True).check()
    expect(page.get_by_text(f"Your time: {day} at {time}")).to_be_visible()
    page.get_by_label("Your name").fill("Zoë Ångström")
    page.get_by_label("Email address").fill("zoe@example.com")
    expect(page.get_by_label("What would you like help with?")).to_have_value("Low back pain")
    page.get_by_role("checkbox", name=re.compile("I agree")).check()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Book this time").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your free consultation is booked")
    booking = ConsultationRequest.objects.get()
    assert (booking.status, booking.starts_at, booking.article) == (
        "booked",
        slot.starts_at,
        article,
    )
    expect(page.get_by_text(booking.booking_reference).first).to_be_visible()
    expect(page.get_by_text(f"{time} to ")).to_be_visible()
    expect(page.get_by_text("Priya Raman")).to_be_visible()
    expect(page.get_by_role("link", name="Back to “Why does my lower back hurt?”")).to_be_visible()
    assert serious_accessibility_violations(page) == []
