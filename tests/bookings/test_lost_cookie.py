"""A form sent without a valid security cookie (cookies cleared, an old tab): the site's own
403 page, nothing stored, and on the booking form what the reader typed, ready to send again."""

import pytest
from django.test import Client
from django.urls import reverse

from bookings.models import ConsultationRequest

pytestmark = pytest.mark.django_db

BOOK = reverse("bookings:book")


def test_the_booking_form_comes_back_refilled_on_the_sites_own_page(form_data, article):
    client = Client(enforce_csrf_checks=True)

    response = client.post(BOOK, form_data(article=article.slug, website="", consent="on"))

    assert response.status_code == 403
    assert not ConsultationRequest.objects.exists()
    page = response.text
    assert "Sorry, your form was not sent" in page
    assert "security cookie" in page
    assert '<link rel="stylesheet"' in page and "site-header" in page  # laid out like the rest
    assert 'value="Zoë Ångström"' in page
    assert 'value="zoe@example.com"' in page
    assert "It hurts when I bend." in page
    assert f'name="article" value="{article.slug}"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert "csrftoken" in response.cookies  # a fresh cookie, so the form can be sent again


def test_the_refilled_form_can_be_sent_again(form_data):
    client = Client(enforce_csrf_checks=True)
    refused = client.post(BOOK, form_data())
    token = refused.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]

    sent = client.post(BOOK, {**form_data(), "csrfmiddlewaretoken": token})

    assert sent.status_code == 302
    assert ConsultationRequest.objects.get().name == "Zoë Ångström"


def test_elsewhere_the_page_says_how_to_send_again(admin_user):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("admin:login"), {"username": "x", "password": "y"})

    assert response.status_code == 403
    assert "reload the page and send the form again" in response.text
