"""The day view in admin: each clinician's booked times on one day in clinic time, and the
buttons that record whether the reader came or cancel for them, through the services."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from bookings.models import ConsultationRequest, StatusChange
from tests.articles.factories import ClinicianFactory
from tests.bookings.factories import ConsultationRequestFactory
from tests.mail_server import run_worker

pytestmark = pytest.mark.django_db

DAY_VIEW = reverse("admin:bookings_consultationrequest_day")
CHANGELIST = reverse("admin:bookings_consultationrequest_changelist")
LONDON = timezone.get_default_timezone()
# Monday 12 July 2027: British Summer Time, so clinic time is an hour ahead of UTC.
SUMMER_DAY = datetime.date(2027, 7, 12)


def july(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2027, 7, day, hour, minute, tzinfo=LONDON)


def booked(clinician, starts_at, **fields) -> ConsultationRequest:
    fields = {"status": "booked", "phone": "+447912345678", **fields}
    return ConsultationRequestFactory(
        clinician=clinician,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=20),
        **fields,
    )


@pytest.fixture
def priya():
    return ClinicianFactory(name="Priya Raman", offers_free_consultations=True)


@pytest.fixture
def desk_at(client, reviewer):
    """A receptionist signed in at a moment of our choosing, the clock stopped there."""
    travellers = []

    def sign_in(moment):
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        travellers.append(traveller)
        client.force_login(reviewer)
        return client

    yield sign_in
    for traveller in travellers:
        traveller.stop()


def press(client, booking, outcome, **fields):
    return client.post(DAY_VIEW, {"booking": booking.pk, "outcome": outcome, **fields})


def test_the_day_view_lists_each_clinicians_booked_times_in_clinic_time(reviewer_client, priya):
    tom = ClinicianFactory(name="Tom Adeyemi", offers_free_consultations=True)
    later = booked(priya, july(12, 14, 0), name="Siân Llŷr")
    first = booked(priya, july(12, 9, 0), name="Zoë Ångström")
    booked(tom, july(12, 10, 20), name="Tom's Reader", status="cancelled")
    booked(priya, july(13, 9, 0), name="Tomorrow's Reader")
    booked(priya, july(12, 11, 0), name="Spam Bot", status="spam")

    page = reviewer_client.get(DAY_VIEW, {"date": "2027-07-12"})

    assert page.status_code == 200
    text = page.text
    # 09:00 in London is 08:00 UTC in July: the page shows clinic time.
    assert first.starts_at.astimezone(datetime.UTC).hour == 8
    assert re.search(r"09:00–09:20\s*</td>\s*<th[^>]*>\s*<a[^>]*>Zoë Ångström</a>", text)
    assert text.index("Zoë Ångström") < text.index("Siân Llŷr") < text.index("Tom&#x27;s Reader")
    assert "14:00–14:20" in text
    assert first.booking_reference in text and later.booking_reference in text
    assert 'href="tel:+447912345678">07912 345678</a>' in text
    assert "Cancelled" in text
    assert "Tomorrow's Reader" not in text and "Spam Bot" not in text
    assert 'href="?date=2027-07-11"' in text and 'href="?date=2027-07-13"' in text
    assert 'type="date" id="bookings-day-date" name="date" value="2027-07-12"' in text


def test_the_day_view_shows_hours_and_the_clinics_closures_that_day(reviewer_client, priya):
    priya.weekly_hours.create(weekday=0, starts="09:00", ends="12:30")
    priya.weekly_hours.create(weekday=0, starts="13:30", ends="17:00")
    priya.closures.create(starts_at=july(12, 13, 30), ends_at=july(12, 17), reason="Training")

    page = reviewer_client.get(DAY_VIEW, {"date": "2027-07-12"})

    assert "Hours: 09:00–12:30, 13:30–17:00." in page.text
    assert "Not available 13:30–17:00: Training." in page.text
    assert "No booked times." in page.text


def test_the_requests_list_links_the_day_view_and_filters_todays_booked_times(reviewer_client):
    priya = ClinicianFactory(name="Priya Raman")
    now = timezone.localtime()
    booked(priya, now, name="Booked Today")
    booked(priya, now + datetime.timedelta(days=2), name="Booked Later")
    ConsultationRequestFactory(name="Call Me Back")

    listed = reviewer_client.get(CHANGELIST)
    today = reviewer_client.get(CHANGELIST, {"booked": "today"})

    assert f'href="{DAY_VIEW}"' in listed.text
    assert f"{now:%a %d %b %H:%M}" in listed.text  # the "booked for" column
    assert "Booked Today" in today.text
    assert "Booked Later" not in today.text and "Call Me Back" not in today.text


def test_a_bookings_own_page_shows_its_time_and_links_to_its_day(reviewer_client, priya):
    booking = booked(priya, july(12, 9, 0))
    call_back = ConsultationRequestFactory()

    page = reviewer_client.get(
        reverse("admin:bookings_consultationrequest_change", args=[booking.pk])
    )
    other = reviewer_client.get(
        reverse("admin:bookings_consultationrequest_change", args=[call_back.pk])
    )

    assert "Booked time" in page.text
    assert "Priya Raman" in page.text and booking.booking_reference in page.text
    assert f'href="{DAY_VIEW}?date=2027-07-12"' in page.text
    assert "Booked time" not in other.text


@pytest.mark.parametrize(("outcome", "status"), [("attended", "attended"), ("no_show", "no_show")])
def test_attended_and_did_not_attend_go_through_the_service_and_record_who(
    desk_at, reviewer, priya, outcome, status
):
    booking = booked(priya, july(12, 9, 0))
    desk = desk_at(july(12, 9, 25))

    page_before = desk.get(DAY_VIEW, {"date": "2027-07-12"})
    response = press(desk, booking, outcome)

    assert f'name="outcome" value="{outcome}"' in page_before.text
    assert response.status_code == 302
    assert response.url == f"{DAY_VIEW}?date=2027-07-12#booking-{booking.pk}"
    booking.refresh_from_db()
    assert booking.status == status
    change = StatusChange.objects.get(consultation_request=booking)
    assert (change.from_status, change.to_status, change.changed_by) == ("booked", status, reviewer)


def test_a_slip_is_corrected_from_attended_to_did_not_attend(desk_at, priya):
    booking = booked(priya, july(12, 9, 0), status="attended")
    desk = desk_at(july(12, 16, 0))

    press(desk, booking, "no_show")

    booking.refresh_from_db()
    assert booking.status == "no_show"
    assert StatusChange.objects.get().from_status == "attended"


def test_whether_the_reader_came_cannot_be_recorded_before_the_time_begins(desk_at, priya):
    booking = booked(priya, july(12, 14, 0))
    desk = desk_at(july(12, 9, 0))

    page = desk.get(DAY_VIEW, {"date": "2027-07-12"})
    response = press(desk, booking, "attended")

    assert 'value="attended"' not in page.text
    assert 'value="cancel"' in page.text
    booking.refresh_from_db()
    assert booking.status == "booked"
    assert not StatusChange.objects.exists()
    shown = desk.get(response.url)
    assert "Nothing recorded for" in shown.text and "its time has not come yet" in shown.text


def test_cancel_asks_first_then_cancels_through_the_service_and_records_who(
    desk_at, reviewer, priya
):
    booking = booked(priya, july(12, 14, 0), name="Zoë Ångström")
    desk = desk_at(july(12, 9, 0))

    asked = press(desk, booking, "cancel")

    assert asked.status_code == 200
    assert "Cancel <strong>Zoë Ångström</strong>" in asked.text
    assert 'name="confirmed" value="yes"' in asked.text
    booking.refresh_from_db()
    assert booking.status == "booked"

    response = press(desk, booking, "cancel", confirmed="yes")

    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    change = StatusChange.objects.get(consultation_request=booking)
    assert (change.from_status, change.to_status, change.changed_by) == (
        "booked",
        "cancelled",
        reviewer,
    )
    cancellation = DBTaskResult.objects.filter(task_path__endswith=".send_booking_cancellation")
    assert list(cancellation.values_list("args_kwargs__args", flat=True)) == [[booking.pk]]


# The worker commits like the real one, so this runs outside the per-test transaction.
@pytest.mark.django_db(transaction=True)
def test_cancelling_for_the_reader_emails_them_one_calendar_cancellation(
    client, django_user_model, booking_reviewers_group, start_smtp
):
    inbox = start_smtp()
    receptionist = django_user_model.objects.create_user(username="desk", is_staff=True)
    receptionist.groups.add(booking_reviewers_group)
    client.force_login(receptionist)
    priya = ClinicianFactory(name="Priya Raman", offers_free_consultations=True)
    booking = booked(priya, timezone.now() + datetime.timedelta(days=2), email="zoe@example.com")

    press(client, booking, "cancel", confirmed="yes")
    press(client, booking, "cancel", confirmed="yes")  # pressed again from a stale page
    run_worker()

    (cancellation,) = [message for rcpts, message in inbox.messages() if rcpts == [booking.email]]
    (part,) = [
        part
        for part in cancellation.iter_attachments()
        if part.get_content_type() == "text/calendar"
    ]
    assert str(Calendar.from_ical(part.get_content())["METHOD"]) == "CANCEL"


@pytest.fixture
def view_only_client(client, django_user_model):
    user = django_user_model.objects.create_user(username="auditor", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_consultationrequest"))
    client.force_login(user)
    return client


def test_view_only_staff_see_the_day_without_buttons_and_their_posts_are_refused(
    view_only_client, priya
):
    booking = booked(priya, timezone.now() - datetime.timedelta(minutes=5), name="Zoë Ångström")
    day = timezone.localdate(booking.starts_at).isoformat()

    page = view_only_client.get(DAY_VIEW, {"date": day})
    response = press(view_only_client, booking, "attended")

    assert page.status_code == 200
    assert "Zoë Ångström" in page.text
    assert 'name="outcome"' not in page.text
    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.status == "booked"


def test_staff_without_the_bookings_permissions_cannot_open_the_day(editor_client):
    assert editor_client.get(DAY_VIEW).status_code == 403


def test_the_day_view_keeps_to_the_content_security_policy(reviewer_client, priya):
    booking = booked(priya, timezone.now() - datetime.timedelta(minutes=5))

    response = reviewer_client.get(DAY_VIEW, {"date": timezone.localdate(booking.starts_at)})

    assert response.status_code == 200
    page = response.text
    assert booking.booking_reference in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "an inline script"
    assert not re.search(r"\sstyle=", page), "an inline style"
    assert "<style" not in page
