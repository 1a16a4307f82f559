"""A reader chooses a free time under an article and books it, with no JavaScript: the times
are listed by day in clinic time, only times really offered can be booked, a time someone else
has just taken is explained kindly, and the booking's page is reached by its signed link only."""

import datetime
import html
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from bookings import antispam, views
from bookings.models import Closure, ConsultationRequest
from bookings.services import SlotTaken, consultation_booking_create
from tests.bookings.clinic_hours import LONDON, clinician_with_hours, policy, slot_value
from tests.reader_answers import reader_answers, send_twice

pytestmark = pytest.mark.django_db

BOOK_TIME = reverse("bookings:book_time")
# Monday 7 June 2027, 08:00 in London. Summer time: clinic time is an hour ahead of UTC.
MONDAY_MORNING = datetime.datetime(2027, 6, 7, 8, 0, tzinfo=LONDON)
MONDAY, TUESDAY = 14, 15


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment in June 2027, clinic time, as the UTC datetime slots carry."""
    return datetime.datetime(2027, 6, day, hour, minute, tzinfo=LONDON).astimezone(datetime.UTC)


@pytest.fixture(autouse=True)
def june():
    with time_machine.travel(MONDAY_MORNING, tick=False):
        yield


@pytest.fixture
def priya():
    policy()
    # Mondays 09:00-10:00 and Tuesdays 14:00-14:40, clinic time.
    return clinician_with_hours(hours=((0, "09:00", "10:00"), (1, "14:00", "14:40")))


def radios(page: str) -> dict[str, str]:
    """Each time's radio button on the page: its label, by the value it sends."""
    labels = dict(
        re.findall(r'<label class="form-check-label" for="([^"]+)">([^<]+)</label>', page)
    )
    return {
        value: labels[radio_id]
        for value, radio_id in re.findall(
            r'<input class="form-check-input" type="radio" name="slot" value="([^"]+)" '
            r'id="([^"]+)"',
            page,
        )
    }


def days(page: str) -> list[str]:
    return re.findall(r'<fieldset class="bookings-slot-day">\s*<legend>([^<]+)</legend>', page)


def field_value(page: str, name: str) -> str:
    """A field's value in the booking form (the page's other form carries some names too)."""
    form = page[page.index('id="booking-form"') :]
    match = re.search(rf'name="{name}" value="([^"]*)"', form)
    return html.unescape(match[1]) if match else ""


def booking_data(**overrides) -> dict[str, str]:
    return reader_answers(**({"slot": slot_value(at(MONDAY, 9))} | overrides))


def test_the_free_times_are_grouped_by_day_in_clinic_time_and_book_without_javascript(
    client, priya, article, settings
):
    settings.BOOKINGS_MIN_FILL_SECONDS = 0  # the clock stands still in this test
    page = client.get(BOOK_TIME, {"article": article.slug, "clinician": "any"}).text

    assert "All times are UK time (Europe/London)" in page
    # Fieldsets with the day as legend; 09:00 in London is 08:00 UTC in June.
    # Today's hours are inside the two hours' notice; the week shown starts on the first day
    # with a free time.
    assert days(page) == ["Tuesday 8 June", "Monday 14 June"]
    times = radios(page)
    assert times[slot_value(at(MONDAY, 9))] == "09:00"
    assert times[slot_value(at(TUESDAY - 7, 14, 20))] == "14:20"
    assert list(times.values()) == ["14:00", "14:20", "09:00", "09:20", "09:40"]
    # What the reader would like help with starts as the article's topic.
    assert field_value(page, "help_with") == "Low back pain"

    # A plain form post books it: no script anywhere on the way.
    response = client.post(
        f"{BOOK_TIME}?article={article.slug}",
        booking_data(
            slot=slot_value(at(MONDAY, 9)),
            article=article.slug,
            form_shown_at=field_value(page, "form_shown_at"),
        ),
    )

    booking = ConsultationRequest.objects.get()
    assert response.status_code == 302
    assert (booking.status, booking.clinician, booking.starts_at, booking.article) == (
        "booked",
        priya,
        at(MONDAY, 9),
        article,
    )
    confirmation = client.get(response["Location"]).text
    assert "Your free consultation is booked" in confirmation
    assert "Monday 14 June 2027" in confirmation
    assert "09:00 to 09:20 (UK time)" in confirmation
    assert "Priya Raman" in confirmation
    assert booking.booking_reference in confirmation
    assert "12 Example Street, London" in confirmation
    assert "What to bring" in confirmation
    assert f'href="{article.get_absolute_url()}"' in confirmation


def test_later_dates_show_the_next_week_of_times(client, priya):
    first = client.get(BOOK_TIME).text
    later_url = html.unescape(re.search(r'<a href="([^"]+)">Later dates</a>', first)[1])

    later = client.get(later_url).text

    assert days(later) == ["Tuesday 15 June", "Monday 21 June"]
    assert re.search(r'<a href="[^"]+">Earlier dates</a>', later)


def test_one_clinicians_times_can_be_chosen_instead_of_any_clinicians(client, priya):
    tom = clinician_with_hours(name="Tom Adeyemi", hours=((2, "11:00", "11:20"),))

    page = client.get(BOOK_TIME, {"clinician": tom.pk}).text

    assert "Free times with Tom Adeyemi" in page
    assert list(radios(page).items()) == [(slot_value(at(9, 11), tom.pk), "11:00")]
    assert f'<option value="{tom.pk}" selected>Tom Adeyemi, Physiotherapist</option>' in page


def test_the_article_page_stays_cached_when_a_reader_books_a_time(priya, article):
    reader = Client()
    first = reader.get(article.get_absolute_url()).text
    reader.post(BOOK_TIME, booking_data(slot=slot_value(at(MONDAY, 9)), article=article.slug))
    assert ConsultationRequest.objects.filter(starts_at=at(MONDAY, 9)).exists()

    with CaptureQueriesContext(connection) as queries:
        again = Client().get(article.get_absolute_url())

    assert len(queries) == 0
    # The cached page leads to the times; it never lists them.
    for page in (first, again.text):
        assert f'action="{BOOK_TIME}"' in page
        assert '<option value="any" selected>Any clinician</option>' in page
        assert "See free times" in page
        assert 'name="slot"' not in page
        assert "None of these times suit me: please call me" in page
        assert 'id="consultation-form"' in page


def test_the_way_to_the_times_carries_the_article_and_where_the_reader_came_from(
    client, priya, article
):
    page = (
        Client()
        .get(
            article.get_absolute_url(),
            {"utm_source": "newsletter"},
            HTTP_REFERER="https://s.example/",
        )
        .text
    )
    picker = re.search(r'<form method="get" action="/book/time/".*?</form>', page, re.S)[0]
    query = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', picker))
    assert query == {
        "article": article.slug,
        "referrer": "https://s.example/",
        "utm_source": "newsletter",
    }

    # The browser says it came from the article; the reader came from the search engine.
    times = client.get(
        BOOK_TIME,
        {**query, "clinician": "any"},
        HTTP_REFERER=f"https://www.unity-clinic.example{article.get_absolute_url()}",
    ).text

    assert field_value(times, "referrer") == "https://s.example/"
    assert field_value(times, "utm_source") == "newsletter"
    assert field_value(times, "article") == article.slug


@pytest.mark.parametrize(
    "slot",
    [
        slot_value(at(MONDAY, 8, 40)),  # before hours
        slot_value(at(MONDAY, 12)),  # after hours
        slot_value(at(MONDAY, 9, 10)),  # off the grid
        slot_value(at(7, 9)),  # inside the minimum notice
        slot_value(at(1, 9)),  # in the past
        slot_value(at(21, 9) + datetime.timedelta(days=28)),  # beyond the booking window
        slot_value(at(MONDAY + 7, 9)),  # during leave
        slot_value(at(MONDAY, 9), clinician=999999),  # no such clinician
        "20270614T080000Z",  # malformed
        "20270631T080000Z-any",  # no such day
        "tomorrow at nine",
        "",
    ],
)
def test_a_time_that_is_not_offered_is_a_form_error_and_stores_nothing(client, priya, slot):
    Closure.objects.create(
        clinician=priya, starts_at=at(MONDAY + 7, 8), ends_at=at(MONDAY + 7, 12), reason="Leave"
    )

    response = client.post(BOOK_TIME, booking_data(slot=slot))

    assert response.status_code == 200
    assert "Please check this before booking" in response.text
    assert (
        "That time is not one we can offer" in response.text
        or "Choose a time for your consultation" in response.text
    )
    assert not ConsultationRequest.objects.exists()
    assert not DBTaskResult.objects.exists()
    # Nothing the reader typed is lost.
    assert field_value(response.text, "name") == "Zoë Ångström"


def assert_told_kindly_with_everything_kept(response):
    page = response.text
    assert response.status_code == 200
    assert "That time has just gone" in page
    assert "Sorry: Monday 14 June at 09:00 was booked by someone else a moment ago." in page, page
    assert (
        "The nearest free times are Monday 14 June at 09:20, Monday 14 June at 09:40 or "
        "Tuesday 15 June at 14:00." in page
    )
    # The times as they are now, from the day of the one they wanted.
    assert days(page)[0] == "Monday 14 June"
    assert slot_value(at(MONDAY, 9)) not in radios(page)
    assert radios(page)[slot_value(at(MONDAY, 9, 20))] == "09:20"
    for name, value in [
        ("name", "Zoë Ångström"),
        ("email", "zoe@example.com"),
        ("phone", "07912 345678"),
        ("help_with", "Low back pain"),
    ]:
        assert field_value(page, name) == value
    assert re.search(r'name="consent"[^>]*checked', page)
    assert ConsultationRequest.objects.filter(email="zoe@example.com").count() == 0


def test_a_time_taken_while_the_reader_filled_the_form_keeps_what_they_typed(client, priya):
    client.get(BOOK_TIME)
    consultation_booking_create(
        name="Quicker", email="quick@example.com", starts_at=at(MONDAY, 9), clinician_id=priya.pk
    )

    response = client.post(BOOK_TIME, booking_data(slot=slot_value(at(MONDAY, 9))))

    assert_told_kindly_with_everything_kept(response)


def test_a_time_taken_in_the_moment_between_checking_and_booking_is_explained_the_same_way(
    client, priya, monkeypatch
):
    """The form saw the time free; someone else's booking reached the database first."""
    book = views.consultation_booking_create

    def someone_else_first(**fields):
        book(name="Quicker", email="quick@example.com", starts_at=at(MONDAY, 9))
        return book(**fields)

    monkeypatch.setattr(views, "consultation_booking_create", someone_else_first)

    response = client.post(BOOK_TIME, booking_data(slot=slot_value(at(MONDAY, 9))))

    assert_told_kindly_with_everything_kept(response)


def test_a_time_the_database_refuses_is_offered_no_more(client, priya, monkeypatch):
    """On PostgreSQL a booking of another length can overlap the time without starting at it:
    the schedule still shows it free, the database refuses it."""

    def refused(**fields):
        raise SlotTaken("overlaps another booking")

    monkeypatch.setattr(views, "consultation_booking_create", refused)

    response = client.post(BOOK_TIME, booking_data(slot=slot_value(at(MONDAY, 9))))

    assert_told_kindly_with_everything_kept(response)


def test_the_same_booking_sent_twice_is_one_booking_shown_again(client, priya):
    first, again = send_twice(client, BOOK_TIME, booking_data())

    assert ConsultationRequest.objects.count() == 1
    assert DBTaskResult.objects.count() == 2
    assert again.status_code == 302
    assert client.get(again["Location"]).text == client.get(first["Location"]).text


def test_a_held_booking_is_told_its_time_is_reserved_and_promised_no_email(client, priya):
    # Sent the moment the form was shown: a person may have, so it is held for staff.
    response = client.post(
        BOOK_TIME, booking_data(form_shown_at=antispam.form_shown_token()), follow=True
    )

    booking = ConsultationRequest.objects.get()
    assert booking.status == "held"
    page = response.text
    assert "Your time is reserved" in page
    assert "will confirm it within one working day" in page
    assert "booked" not in re.search(r"<h1>(.*?)</h1>", page)[1]
    assert "email" not in re.search(r'<p class="lead">(.*?)</p>', page, re.S)[1]
    assert "calendar.google.com" not in page
    assert booking.booking_reference in page


def test_the_booking_page_is_reached_only_by_its_signed_link_and_for_a_day(client, priya):
    response = client.post(BOOK_TIME, booking_data())
    booking = ConsultationRequest.objects.get()
    good = response["Location"]
    assert client.get(good).status_code == 200

    by_number = reverse("bookings:booked", kwargs={"token": str(booking.pk)})
    signature = good.rstrip("/").rsplit(":", 1)[1]
    tampered = good.replace(signature, "x" * len(signature))
    for address in (by_number, tampered, reverse("bookings:booked", kwargs={"token": "1:abc"})):
        refused = client.get(address)
        assert refused.status_code == 404
        assert "We cannot show this booking" in refused.text
        assert booking.booking_reference not in refused.text

    with time_machine.travel(MONDAY_MORNING + datetime.timedelta(hours=25), tick=False):
        expired = client.get(good)
    assert expired.status_code == 404
    assert "This link has expired" in expired.text


def test_the_call_back_form_stays_on_the_booking_page_beside_the_times(client, priya):
    page = client.get(reverse("bookings:book")).text

    assert "Choose a time" in page
    assert "See free times" in page
    assert "None of these times suit me: please call me" in page
    assert "Request my free consultation" in page


def test_without_clinicians_offering_times_only_the_call_back_form_is_shown(client, article):
    page = client.get(article.get_absolute_url()).text

    assert "See free times" not in page
    assert "None of these times suit me" not in page
    assert "Request my free consultation" in page
