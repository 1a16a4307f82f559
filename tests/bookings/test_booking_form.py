"""What a reader sees when they ask for a consultation, on an article or on the booking page."""

import sys
import unicodedata

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from bookings.forms import has_control_characters
from bookings.models import ConsultationRequest
from tests.articles.factories import ArticleFactory
from tests.reader_answers import assert_refilled

pytestmark = pytest.mark.django_db

BOOK_URL = "/book/"


def post(client, data, **extra):
    return client.post(BOOK_URL, data, **extra)


def test_booking_page_is_linked_from_the_header_and_shows_the_form(client):
    home = client.get(reverse("articles:home"))
    assert f'href="{BOOK_URL}"' in home.text

    page = client.get(BOOK_URL)

    assert page.status_code == 200
    for label in [
        "Your name",
        "Email address",
        "Phone number (optional)",
        "What would you like help with?",
        "How should we contact you?",
        "When suits you?",
        "Anything else you would like us to know?",
    ]:
        assert label in page.text
    assert 'type="checkbox" name="consent"' in page.text
    assert 'name="consent" class="checkboxinput form-check-input" required' in page.text
    assert "checked" not in page.text.split('name="consent"')[1].split(">")[0]
    assert f'href="{reverse("privacy")}"' in page.text


def test_article_link_prefills_the_topic_and_records_the_article(client, article):
    page = client.get(f"{BOOK_URL}?article={article.slug}&utm_source=newsletter&utm_medium=email")

    assert 'value="Low back pain"' in page.text
    assert f'name="article" value="{article.slug}"' in page.text
    assert 'name="utm_source" value="newsletter"' in page.text
    assert 'name="utm_medium" value="email"' in page.text
    assert article.title in page.text


def test_the_article_form_tag_renders_a_form_posting_to_the_booking_page(article):
    request = RequestFactory().get(
        article.get_absolute_url() + "?utm_campaign=spring",
        headers={"referer": "https://www.google.com/"},
    )
    html = Template("{% load consultation %}{% consultation_form article=article %}").render(
        Context({"article": article, "request": request, "csrf_token": "token"})
    )

    assert f'action="{BOOK_URL}"' in html
    assert 'method="post"' in html
    assert f'name="article" value="{article.slug}"' in html
    assert 'value="Low back pain"' in html
    assert 'name="utm_campaign" value="spring"' in html
    assert 'name="referrer" value="https://www.google.com/"' in html
    assert "within one working day" in html
    assert "free" in html


def test_a_request_is_stored_with_its_source_and_the_reader_is_thanked(client, article, form_data):
    response = post(
        client,
        form_data(
            article=article.slug,
            referrer="https://www.google.com/",
            utm_source="newsletter",
            utm_medium="email",
            utm_campaign="spring",
        ),
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("bookings:thanks") + "?outcome=received")
    thanks = client.get(response["Location"])
    assert "within one working day" in thanks.text
    assert "What happens next" in thanks.text

    request = ConsultationRequest.objects.get()
    assert request.name == "Zoë Ångström"
    assert request.email == "zoe@example.com"
    assert request.phone.as_e164 == "+447912345678"
    assert request.contact_method == "phone"
    assert request.preferred_times == ["weekday_morning", "saturday"]
    assert request.status == ConsultationRequest.Status.NEW
    assert request.article == article
    assert (request.referrer, request.utm_source, request.utm_medium, request.utm_campaign) == (
        "https://www.google.com/",
        "newsletter",
        "email",
        "spring",
    )
    assert request.consent_version
    assert request.client_hash and "127.0.0.1" not in request.client_hash
    tasks = DBTaskResult.objects.filter(args_kwargs__args=[request.pk])
    assert sorted(task.task_path for task in tasks) == [
        "bookings.tasks.send_requester_confirmation",
        "bookings.tasks.send_staff_notification",
    ]


def test_without_consent_the_form_comes_back_with_every_value_kept(client, article, form_data):
    response = post(client, form_data(consent=None, article=article.slug))

    assert response.status_code == 200
    assert not ConsultationRequest.objects.exists()
    text = response.text
    assert 'role="alert"' in text
    assert '<a href="#id_consent">Tick the box to agree' in text
    assert 'aria-describedby="id_consent_error"' in text
    assert 'id="id_consent_error"' in text
    assert_refilled(text, article.slug)
    assert 'value="07912 345678"' in text
    assert "It hurts when I bend.\nWorse in the mornings.</textarea>" in text
    assert 'value="saturday"  id="id_preferred_times_3" checked' in text
    assert 'value="phone"  id="id_contact_method_0" required checked' in text


def test_each_error_is_summarised_with_a_link_to_its_field(client, form_data):
    response = post(client, form_data(name="", email="not-an-email", consent=None))

    summary = response.text.split('role="alert"')[1].split("</div>")[0]
    assert '<a href="#id_name">Enter your name.</a>' in summary
    assert '<a href="#id_email">Enter an email address like name@example.com.</a>' in summary
    assert '<a href="#id_consent">' in summary
    assert 'aria-describedby="id_name_error"' in response.text


def test_asking_to_be_phoned_needs_a_phone_number(client, form_data):
    response = post(client, form_data(phone="", contact_method="phone"))

    assert "Give a phone number so that we can call you." in response.text
    assert not ConsultationRequest.objects.exists()


@pytest.mark.parametrize(
    "phone, stored",
    [
        ("020 7123 4567", "+442071234567"),
        ("+33 1 42 68 53 00", "+33142685300"),
        ("", ""),
    ],
)
def test_uk_and_international_numbers_are_normalised(client, form_data, phone, stored):
    post(client, form_data(phone=phone, contact_method="email"))

    request = ConsultationRequest.objects.get()
    assert (request.phone.as_e164 if request.phone else "") == stored


def test_an_invalid_phone_number_is_an_error(client, form_data):
    response = post(client, form_data(phone="12345"))

    assert "Enter a valid phone number" in response.text
    assert not ConsultationRequest.objects.exists()


@pytest.mark.parametrize("name", ["Zoë Ångström", "李小龙", "Siobhán Ó Súilleabháin", "Ana 👩🏽‍⚕️"])
def test_names_in_any_script_are_accepted(client, form_data, name):
    response = post(client, form_data(name=name))

    assert response.status_code == 302
    assert ConsultationRequest.objects.get().name == name


ON_ONE_LINE = "on one line"
ONE_ADDRESS = "one email address only"
NOT_AN_ADDRESS = "Enter an email address like"
INVISIBLE = "invisible characters"
HOSTILE = [
    *[
        ("name", value, ON_ONE_LINE)
        for value in [
            "Eve\r\nBcc: victim@evil.example",
            "Eve\nSubject: spam",
            "Eve\x00\x07",
            "Eve \u202eexe.txt",
        ]
    ],
    ("name", "E" * 10_000, "at most 150 characters"),
    ("email", "eve@example.com\r\nBcc: victim@evil.example", ON_ONE_LINE),
    *[
        ("email", value, ONE_ADDRESS)
        for value in [
            "eve@example.com, victim@evil.example",
            "eve@example.com;victim@evil.example",
            "eve@example.com victim@evil.example",
        ]
    ],
    ("email", "not an email", NOT_AN_ADDRESS),
    ("email", "eve@", NOT_AN_ADDRESS),
    ("help_with", "Back\r\npain", ON_ONE_LINE),
    ("help_with", "Back\u2028pain", ON_ONE_LINE),
    ("message", "x" * 100_000, "at most 3000 characters"),
    ("message", "Hello\x1b[31m", INVISIBLE),
    ("message", "Hello\x85world", INVISIBLE),
]


@pytest.mark.parametrize("field, value, error", HOSTILE)
def test_hostile_input_is_a_form_error_and_sends_nothing(client, form_data, field, value, error):
    response = post(client, form_data(**{field: value}))

    assert response.status_code == 200
    assert error in response.text
    assert not ConsultationRequest.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_exactly_the_characters_unicode_calls_controls_or_separators_are_refused():
    reordering = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    line_breaks = {"\n", "\r", "\t"}

    for code_point in range(sys.maxunicode + 1):
        char = chr(code_point)
        invisible = unicodedata.category(char) in {"Cc", "Zl", "Zp"} or char in reordering
        assert has_control_characters(char) == invisible, hex(code_point)
        assert has_control_characters(char, allow_newlines=True) == (
            invisible and char not in line_breaks
        ), hex(code_point)


def test_a_message_may_run_over_several_lines(client, form_data):
    message = "My knee hurts.\r\n\r\nIt started after a run:\tthree weeks ago."

    response = post(client, form_data(message=message))

    assert response.status_code == 302
    assert ConsultationRequest.objects.get().message == message


def test_oversized_hidden_fields_are_shortened_not_refused(client, form_data):
    response = post(
        client,
        form_data(referrer="https://x.example/" + "a" * 5000, utm_source="s\r\n" + "b" * 500),
    )

    assert response.status_code == 302
    request = ConsultationRequest.objects.get()
    assert len(request.referrer) == 500
    assert len(request.utm_source) == 100 and "\r" not in request.utm_source


def test_an_unknown_or_draft_article_is_ignored(client, form_data):
    draft = ArticleFactory(draft=True)
    post(client, form_data(article=draft.slug))
    post(client, form_data(article="no-such-article" * 30, name="Another Reader"))

    assert list(ConsultationRequest.objects.values_list("article", flat=True)) == [None, None]


def test_a_post_without_csrf_token_is_forbidden(form_data):
    client = Client(enforce_csrf_checks=True)

    response = post(client, form_data())

    assert response.status_code == 403
    assert not ConsultationRequest.objects.exists()


def test_a_body_larger_than_django_accepts_is_a_400_not_a_500(client, form_data):
    response = post(client, form_data(message="x" * 3_000_000))

    assert response.status_code == 400
    assert not ConsultationRequest.objects.exists()


def test_the_privacy_page_says_what_is_kept_why_and_for_how_long(client, settings):
    settings.BOOKINGS_RETENTION_DAYS = 400
    settings.BOOKINGS_OPEN_RETENTION_DAYS = 77

    page = client.get(reverse("privacy"))

    assert page.status_code == 200
    assert "400 days" in page.text
    assert "closed 77 days after" in page.text
    assert "throw away after a day" in page.text
    assert "health" in page.text
    assert "delete" in page.text
    assert "no cookies" in page.text or "sets no cookies" in page.text
