"""The receptionist's day on a laptop: today's booked times, marked as the readers come."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import ConsultationRequest, StatusChange
from tests.articles.factories import ClinicianFactory
from tests.bookings.factories import ConsultationRequestFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_receptionist_marks_a_reader_attended_from_the_day_view_on_a_laptop(
    laptop_page, receptionist, sign_in, serious_accessibility_violations
):
    priya = ClinicianFactory(name="Priya Raman", offers_free_consultations=True)
    tom = ClinicianFactory(name="Tom Adeyemi", offers_free_consultations=True)
    # Begun a minute ago, so whether the reader came can be recorded.
    started = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=1)
    booking = ConsultationRequestFactory(
        name="Bartholomew Featherstonehaugh-Smythe",
        phone="+447912345678",
        clinician=priya,
        starts_at=started,
        ends_at=started + datetime.timedelta(minutes=20),
        status="booked",
    )
    ConsultationRequestFactory(
        name="Later Reader",
        clinician=tom,
        starts_at=started + datetime.timedelta(minutes=1),
        ends_at=started + datetime.timedelta(minutes=21),
        status="booked",
    )

    page = laptop_page
    sign_in(page, receptionist.username)
    page.goto(f"/{django_settings.ADMIN_URL}bookings/consultationrequest/")
    page.get_by_role("link", name="Booked times by day").click()
    day = timezone.localdate(started)
    if day != timezone.localdate():  # started just before midnight: go back a day
        page.get_by_label("Day").fill(day.isoformat())
        page.get_by_role("button", name="Show").click()

    row = page.get_by_role("row").filter(has_text="Bartholomew Featherstonehaugh-Smythe")
    expect(row).to_contain_text(f"{timezone.localtime(started):%H:%M}")
    expect(row).to_contain_text("Booked")
    assert serious_accessibility_violations(page) == []
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the day view scrolls sideways by {overflow}px"

    row.get_by_role("button", name="Attended").click()

    row = page.get_by_role("row").filter(has_text="Bartholomew Featherstonehaugh-Smythe")
    expect(row).to_contain_text("Attended")
    expect(row.get_by_role("button", name="Attended")).to_have_count(0)
    expect(page.get_by_text("marked attended")).to_be_visible()
    booking.refresh_from_db()
    assert booking.status == ConsultationRequest.Status.ATTENDED
    assert StatusChange.objects.get(consultation_request=booking).changed_by == receptionist
    assert serious_accessibility_violations(page) == []
