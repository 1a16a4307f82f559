"""The same filled-in form sent twice (a refresh that re-posts, Back then Send, two tabs) is one
request with one pair of emails; the second send is told we already have it."""

import time

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from bookings import antispam
from bookings.models import ConsultationRequest
from tests.reader_answers import send_twice

pytestmark = pytest.mark.django_db

BOOK = reverse("bookings:book")


def test_sending_the_same_form_again_stores_one_request_and_says_we_have_it(client, form_data):
    first, again = send_twice(client, BOOK, form_data())

    assert ConsultationRequest.objects.count() == 1
    assert DBTaskResult.objects.count() == 2
    assert "outcome=received" in first["Location"]
    assert "outcome=already-sent" in again["Location"]
    page = client.get(again["Location"])
    assert "We already have your request" in page.text
    assert "nothing more to do" in page.text


def test_two_tabs_with_the_same_answers_are_one_request(client, form_data):
    """Each tab was shown its own form, so only the answers are the same."""
    client.post(BOOK, form_data(form_shown_at=antispam.form_shown_token(now=time.time() - 600)))
    client.post(BOOK, form_data(form_shown_at=antispam.form_shown_token(now=time.time() - 300)))

    assert ConsultationRequest.objects.count() == 1


def test_a_different_request_from_the_same_person_is_still_accepted(client, form_data):
    client.post(BOOK, form_data(help_with="Low back pain"))
    client.post(BOOK, form_data(help_with="A sore knee too"))

    assert ConsultationRequest.objects.filter(status="new").count() == 2
    assert DBTaskResult.objects.count() == 4


def test_the_thank_you_page_leads_back_to_the_article(client, form_data, article):
    response = client.post(BOOK, form_data(article=article.slug), follow=True)

    assert f'href="{article.get_absolute_url()}"' in response.text
    assert f"Back to “{article.title}”" in response.text


def test_a_thank_you_page_with_an_unknown_outcome_promises_no_email(client):
    page = client.get(reverse("bookings:thanks"), {"outcome": "<script>", "article": "x" * 999})

    assert page.status_code == 200
    assert "email from us" not in page.text
    assert "<script>" not in page.text
