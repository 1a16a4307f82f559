"""The receptionist on a laptop, and a reader whose security cookie was lost."""

import re

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from bookings.models import ConsultationRequest
from tests.articles.factories import ArticleFactory
from tests.bookings.factories import ConsultationRequestFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_receptionist_sees_the_whole_list_on_a_1366_px_laptop(laptop_page, receptionist, sign_in):
    article = ArticleFactory(
        title="Struggling with low back pain while running long distances on hard roads"
    )
    for number in range(3):
        ConsultationRequestFactory(
            name=f"Bartholomew Featherstonehaugh-Smythe {number}",
            phone="+447912345678",
            help_with="Pain in my lower back and left hip after long runs " * 3,
            article=article,
            assigned_to=receptionist,
        )
    ConsultationRequestFactory(name="Held Reader", status="held")

    page = laptop_page
    sign_in(page, receptionist.username)
    page.get_by_role("link", name="1 on hold").click()
    expect(page.get_by_role("row").filter(has_text="Held Reader")).to_be_visible()
    page.goto(f"/{django_settings.ADMIN_URL}bookings/consultationrequest/")

    headers = page.locator("#result_list thead th").all_inner_texts()
    for column in ("NAME", "PHONE", "HELP WITH", "STATUS", "AGE", "ASSIGNED TO"):
        assert any(column in header.upper() for header in headers), headers
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the list scrolls sideways by {overflow}px"


def test_a_reader_whose_cookie_was_lost_sends_again_without_retyping(phone_page, live_server):
    page = phone_page
    page.goto("/book/")
    page.get_by_label("Your name").fill("Zoë Ångström")
    page.get_by_label("Email address").fill("zoe@example.com")
    page.get_by_label("What would you like help with?").fill("Stiff neck")
    page.get_by_label("Email", exact=True).check()
    page.get_by_role("checkbox", name=re.compile("I agree")).check()
    page.context.clear_cookies()  # cookies cleared while the page was open

    page.get_by_role("button", name="Request my free consultation").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sorry, your form was not sent")
    assert not ConsultationRequest.objects.exists()
    expect(page.get_by_label("Your name")).to_have_value("Zoë Ångström")
    expect(page.get_by_label("What would you like help with?")).to_have_value("Stiff neck")

    page.get_by_role("button", name="Request my free consultation").click()

    expect(page).to_have_url(re.compile(r"/book/thanks/\?outcome="))
    assert ConsultationRequest.objects.get().help_with == "Stiff neck"
