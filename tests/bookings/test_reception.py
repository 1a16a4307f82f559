"""The receptionist's desk in admin: held requests in sight and released in one click, what is
due today, links that dial and write, and a CSV file that opens cleanly in Excel."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bookings.models import ConsultationRequest, StatusChange
from tests.articles.factories import ClinicianFactory
from tests.bookings.factories import ConsultationRequestFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:bookings_consultationrequest_changelist")
LONDON = timezone.get_default_timezone()


def change_url(request):
    return reverse("admin:bookings_consultationrequest_change", args=[request.pk])


def press(client, request, button, **fields):
    """Presses one of the buttons on a request's page, as a receptionist would."""
    data = {
        "_act": button,
        "assigned_to": "",
        "staff_notes": "",
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
        **fields,
    }
    return client.post(change_url(request), data)


def test_held_requests_are_counted_on_the_admin_index_and_the_list(reviewer_client):
    ConsultationRequestFactory.create_batch(2, status="held")
    ConsultationRequestFactory(status="new")

    for page in (reviewer_client.get(reverse("admin:index")), reviewer_client.get(CHANGELIST)):
        assert "1 new consultation request" in page.text
        assert "2 on hold" in page.text
        assert f'href="{CHANGELIST}?status__exact=held"' in page.text


def test_the_on_hold_filter_lists_only_held_requests(reviewer_client):
    ConsultationRequestFactory(name="Held Reader", status="held")
    ConsultationRequestFactory(name="New Reader")

    page = reviewer_client.get(CHANGELIST, {"status__exact": "held"})

    assert "Held Reader" in page.text
    assert "New Reader" not in page.text


def test_releasing_a_held_request_sends_both_emails_and_records_who(reviewer_client, reviewer):
    held = ConsultationRequestFactory(status="held", screening_reason="rate limit exceeded")

    response = press(reviewer_client, held, "release")

    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == "new"
    tasks = DBTaskResult.objects.filter(args_kwargs__args=[held.pk])
    assert sorted(task.task_path.rsplit(".", 1)[1] for task in tasks) == [
        "send_requester_confirmation",
        "send_staff_notification",
    ]
    change = StatusChange.objects.get()
    assert (change.from_status, change.to_status, change.changed_by) == ("held", "new", reviewer)


def test_the_release_action_releases_held_requests_only(reviewer_client):
    held = ConsultationRequestFactory.create_batch(2, status="held")
    contacted = ConsultationRequestFactory(status="contacted")

    reviewer_client.post(
        CHANGELIST,
        {"action": "release_from_hold", "_selected_action": [r.pk for r in [*held, contacted]]},
    )

    assert sorted(ConsultationRequest.objects.values_list("status", flat=True)) == [
        "contacted",
        "new",
        "new",
    ]
    assert DBTaskResult.objects.count() == 2 * 2


def test_a_request_page_offers_one_click_buttons_and_no_status_dropdown(reviewer_client):
    held = ConsultationRequestFactory(status="held")

    page = reviewer_client.get(change_url(held)).text

    for label in ("Release from hold", "Mark contacted", "Booked", "Close"):
        assert f">{label}</button>" in page
    assert 'name="status"' not in page  # read-only: moved by the buttons only


@pytest.mark.parametrize("button, status", [("contacted", "contacted"), ("closed", "closed")])
def test_each_button_moves_the_status_and_keeps_the_notes(reviewer_client, button, status):
    request = ConsultationRequestFactory()

    press(reviewer_client, request, button, staff_notes="Left a voicemail")

    request.refresh_from_db()
    assert (request.status, request.staff_notes) == (status, "Left a voicemail")
    assert StatusChange.objects.get().to_status == status


def test_the_phone_dials_and_the_email_opens_a_reply_with_a_subject(reviewer_client):
    request = ConsultationRequestFactory(phone="07912 345678", email="zoe@example.com")

    page = reviewer_client.get(change_url(request)).text

    assert '<a href="tel:+447912345678">07912 345678</a>' in page
    assert 'href="mailto:zoe@example.com?subject=Your%20free%20consultation%20request' in page


def test_a_request_is_due_a_reply_by_the_end_of_the_next_working_day():
    # Friday 18 December 2026, 16:00: the next working day is Monday 21 December.
    with time_machine.travel(datetime.datetime(2026, 12, 18, 16, 0, tzinfo=LONDON), tick=False):
        friday = ConsultationRequestFactory()
    # Thursday 24 December: Christmas Day, Boxing Day (a Saturday) and its Monday are skipped.
    with time_machine.travel(datetime.datetime(2026, 12, 24, 9, 0, tzinfo=LONDON), tick=False):
        christmas_eve = ConsultationRequestFactory()

    assert timezone.localtime(friday.reply_due_at) == datetime.datetime(
        2026, 12, 21, 18, 0, tzinfo=LONDON
    )
    assert timezone.localtime(christmas_eve.reply_due_at) == datetime.datetime(
        2026, 12, 29, 18, 0, tzinfo=LONDON
    )


def test_today_shows_new_and_held_requests_and_marks_the_overdue_ones(reviewer_client):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=10), tick=False):
        ConsultationRequestFactory(name="Waiting Long", status="new")
    ConsultationRequestFactory(name="Just Arrived", status="new")
    ConsultationRequestFactory(name="Held Today", status="held")
    ConsultationRequestFactory(name="Already Called", status="contacted")

    today = reviewer_client.get(CHANGELIST, {"reception": "today"}).text
    overdue = reviewer_client.get(CHANGELIST, {"reception": "overdue"}).text

    for name in ("Waiting Long", "Just Arrived", "Held Today"):
        assert name in today
    assert "Already Called" not in today
    assert "Waiting Long" in overdue and "Just Arrived" not in overdue
    assert today.count('class="bookings-overdue"') == 1


def test_long_help_and_article_titles_are_cut_in_the_list(reviewer_client, article):
    article.title = "A very long article title about running, knees, hips and everything else"
    article.save()
    ConsultationRequestFactory(help_with="x" * 200, article=article)

    page = reviewer_client.get(CHANGELIST).text

    assert "x" * 200 not in page
    assert article.title not in page.split("<tbody>")[1]


def test_the_csv_opens_in_excel_with_welsh_names_and_clinic_times(reviewer_client):
    with time_machine.travel(datetime.datetime(2026, 7, 1, 9, 30, tzinfo=LONDON), tick=False):
        request = ConsultationRequestFactory(name="Siân Llŷr", status="contacted")
        request.contacted_at = timezone.now()
        request.save()

    response = reviewer_client.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": [request.pk]}
    )

    assert response.content.startswith("\ufeff".encode())  # Excel reads UTF-8 only with it
    (row,) = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    assert row["name"] == "Siân Llŷr"
    # Summer time in London: 09:30 there, one format for every date-time column.
    assert row["received"] == row["contacted"] == "2026-07-01 09:30"
    assert row["reply due by"] == "2026-07-02 18:00"


def test_rebooking_a_cancelled_time_someone_else_has_taken_is_refused_kindly(reviewer_client):

    clinician = ClinicianFactory()
    starts = timezone.now() + datetime.timedelta(days=3)
    slot = {
        "clinician": clinician,
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(minutes=20),
    }
    cancelled = ConsultationRequestFactory(status="cancelled", **slot)
    ConsultationRequestFactory(status="booked", **slot)

    response = press(reviewer_client, cancelled, "booked")

    assert response.status_code == 302
    cancelled.refresh_from_db()
    assert cancelled.status == "cancelled"
    page = reviewer_client.get(change_url(cancelled)).text
    assert "booked by someone else" in page
