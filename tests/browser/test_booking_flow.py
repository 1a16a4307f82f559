"""A reader on a phone asks for a consultation from an article; staff pick it up in admin."""

import re

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from bookings.models import ConsultationRequest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def booking_reviewer(booking_staff):
    return booking_staff("sam", first_name="Sam")


def test_reader_on_a_phone_books_from_an_article_and_staff_pick_it_up(
    phone_page,
    desktop_page,
    article,
    booking_reviewer,
    serious_accessibility_violations,
    settings,
    sign_in,
):
    settings.BOOKINGS_MIN_FILL_SECONDS = 0  # No waiting in tests: a person is never this quick.
    page = phone_page
    page.goto(article.get_absolute_url() + "?utm_source=newsletter")

    form = page.locator("#consultation-form")
    expect(page.get_by_role("heading", name="Book a free consultation")).to_be_visible()
    expect(page.get_by_label("What would you like help with?")).to_have_value("Low back pain")
    page.get_by_label("Your name").fill("Zoë Ångström")
    page.get_by_label("Email address").fill("zoe@example.com")
    page.get_by_label("Phone number (optional)").fill("07912 345678")
    page.get_by_label("Phone", exact=True).check()
    page.get_by_label("Weekday mornings").check()
    page.get_by_label("Anything else you would like us to know?").fill("Worse after sitting.")
    expect(page.get_by_role("checkbox", name=re.compile("I agree"))).not_to_be_checked()
    form.get_by_role("button", name="Request my free consultation").click()

    # Without consent: the error, summarised at the top and by the box, every value kept.
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Tick the box to agree")
    expect(page.locator("#id_consent_error")).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_value("Zoë Ångström")
    expect(page.get_by_label("Email address")).to_have_value("zoe@example.com")
    expect(page.get_by_label("Phone", exact=True)).to_be_checked()
    expect(page.get_by_label("Weekday mornings")).to_be_checked()
    expect(page.get_by_label("Anything else you would like us to know?")).to_have_value(
        "Worse after sitting."
    )
    alert.get_by_role("link", name=re.compile("Tick the box")).click()
    expect(page).to_have_url(re.compile("#id_consent$"))
    assert serious_accessibility_violations(page) == []
    assert not ConsultationRequest.objects.exists()

    page.get_by_role("checkbox", name=re.compile("I agree")).check()
    page.get_by_role("button", name="Request my free consultation").click()

    expect(page).to_have_url(re.compile(r"/book/thanks/\?outcome=received"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thank you")
    expect(page.get_by_text("within one working day").first).to_be_visible()
    assert serious_accessibility_violations(page) == []
    back = page.get_by_role("link", name="Back to “Why does my lower back hurt?”")
    expect(back).to_be_visible()

    request = ConsultationRequest.objects.get()
    assert (request.name, request.article, request.utm_source, request.status) == (
        "Zoë Ångström",
        article,
        "newsletter",
        "new",
    )

    # Staff sign in, find the request, take it and mark it contacted.
    staff = desktop_page
    sign_in(staff, booking_reviewer.username)
    expect(staff.get_by_text("1 new consultation request")).to_be_visible()
    staff.get_by_role("link", name="1 new consultation request").click()

    row = staff.get_by_role("row").filter(has_text="Zoë Ångström")
    expect(row).to_contain_text("Why does my lower back hurt?")
    run_action(row, "Assign to me")
    expect(staff.get_by_text("1 request(s) assigned to you.")).to_be_visible()

    staff.goto(f"/{django_settings.ADMIN_URL}bookings/consultationrequest/")
    row = staff.get_by_role("row").filter(has_text="Zoë Ångström")
    expect(row).to_contain_text("sam")
    run_action(row, "Mark as contacted")
    expect(staff.get_by_text("1 request(s) marked contacted.")).to_be_visible()
    expect(staff.get_by_role("row").filter(has_text="Zoë Ångström")).to_contain_text("Contacted")

    request.refresh_from_db()
    assert request.status == "contacted"
    assert request.assigned_to == booking_reviewer


def run_action(row, action: str) -> None:
    """Ticks one row of an admin list and runs an action from the list's menu on it."""
    row.get_by_role("checkbox").check()
    row.page.get_by_role("combobox", name="Action").select_option(label=action)
    row.page.get_by_role("button", name="Run").click()
