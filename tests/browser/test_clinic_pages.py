"""The clinic's own pages in Chromium: the team, a profile and the visit page have no serious
accessibility violations on a phone, break no rule of the Content Security Policy, and reflow
at 320 px; a byline leads to its author's profile, and the profile to their free times."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import Closure
from tests.articles.factories import ArticleFactory
from tests.bookings.clinic_hours import clinician_with_hours
from tests.browser.test_reflow_and_focus import LONG_WORD, overflow

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def clinician():
    """A clinician with a long name and qualifications, weekly hours, an article, and the
    clinic closed all day ten days from now."""
    clinician = clinician_with_hours(
        f"Priya {LONG_WORD}-Raman",
        hours=((0, "09:00", "12:30"), (0, "13:30", "17:00"), (3, "10:00", "19:00")),
    )
    clinician.slug = "priya"
    clinician.role = "Senior Musculoskeletal Physiotherapist"
    clinician.credentials = "BSc (Hons) MSc MCSP HCPC-registered " + LONG_WORD
    clinician.hcpc_number = "PH1234567890"
    clinician.bio = f"Priya treats {LONG_WORD} and back pain."
    clinician.save()
    ArticleFactory(author=clinician, title=f"Living with {LONG_WORD}")
    day = timezone.localdate() + datetime.timedelta(days=10)
    zone = timezone.get_default_timezone()
    Closure.objects.create(
        starts_at=datetime.datetime.combine(day, datetime.time.min, tzinfo=zone),
        ends_at=datetime.datetime.combine(
            day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        ),
        reason=f"Staff training on {LONG_WORD}",
    )
    return clinician


def pages(clinician) -> list[str]:
    return ["/team/", clinician.get_absolute_url(), "/visit/"]


def test_the_clinic_pages_on_a_phone_are_accessible_and_keep_to_the_csp(
    phone_page, clinician, serious_accessibility_violations, watch_csp
):
    page = phone_page
    csp = watch_csp(page)
    failures = []
    for url in pages(clinician):
        response = page.goto(url)
        assert response.status == 200, url
        expect(page.locator("h1")).to_have_count(1)
        failures.extend(f"{url}: {found}" for found in serious_accessibility_violations(page))

    assert not failures, "\n".join(failures)
    assert not csp, "\n".join(csp)
    expect(page.get_by_role("row", name="Monday")).to_contain_text("09:00 to 12:30, 13:30 to 17:00")
    expect(page.get_by_text(f"Staff training on {LONG_WORD}")).to_be_visible()


def test_the_clinic_pages_reflow_at_320_px(narrow_page, clinician):
    failures = []
    for url in pages(clinician):
        narrow_page.goto(url)
        failures.append(overflow(narrow_page, url))

    failures = [failure for failure in failures if failure]
    assert not failures, "\n".join(failures)


def test_a_byline_leads_to_the_profile_and_the_profile_to_their_free_times(phone_page, clinician):
    page = phone_page
    page.goto(clinician.articles.get().get_absolute_url())

    page.get_by_role("link", name=clinician.name).first.click()
    expect(page).to_have_url(re.compile(r"/team/priya/$"))
    expect(page.get_by_text("PH1234567890", exact=True)).to_be_visible()
    page.get_by_role("link", name=f"Book a free consultation with {clinician.name}").click()

    expect(page).to_have_url(re.compile(rf"/book/time/\?clinician={clinician.pk}$"))
