"""Receptionists keep the clinic's diary in admin: each clinician's weekly hours (a lunch break
included) and exceptions, the clinic's closures and the booking policy; readers' free slots
follow at once."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from bookings import availability
from bookings.models import BookingPolicy, Closure, WeeklyHours
from tests.articles.factories import ClinicianFactory
from tests.bookings.clinic_hours import MONDAY_MORNING, at, policy

pytestmark = pytest.mark.django_db

NEXT_MONDAY = datetime.date(2026, 12, 14)


def hours_url(clinician):
    return reverse("admin:bookings_clinicianhours_change", args=[clinician.pk])


def save_hours(client, clinician, *, hours=(), closures=(), offers=True):
    """Saves a clinician's page in "Clinicians' hours" as a receptionist would: new ranges of
    weekly hours (weekday, starts, ends) and new exceptions (kind, day, starts, ends, reason)."""
    data = {
        "weekly_hours-TOTAL_FORMS": str(len(hours)),
        "weekly_hours-INITIAL_FORMS": "0",
        "closures-TOTAL_FORMS": str(len(closures)),
        "closures-INITIAL_FORMS": "0",
    }
    if offers:
        data["offers_free_consultations"] = "on"
    for number, (weekday, starts, ends) in enumerate(hours):
        prefix = f"weekly_hours-{number}"
        data |= {f"{prefix}-weekday": weekday, f"{prefix}-starts": starts, f"{prefix}-ends": ends}
    for number, (kind, day, starts, ends, reason) in enumerate(closures):
        prefix = f"closures-{number}"
        data |= {
            f"{prefix}-kind": kind,
            f"{prefix}-starts_at_0": day,
            f"{prefix}-starts_at_1": starts,
            f"{prefix}-ends_at_0": day,
            f"{prefix}-ends_at_1": ends,
            f"{prefix}-reason": reason,
            f"{prefix}-in_force": "on",
        }
    return client.post(hours_url(clinician), data)


def starts(slots):
    return [slot.starts_at for slot in slots]


@pytest.fixture
def monday_desk(client, reviewer):
    """A receptionist signed in at 08:00 on Monday 7 December 2026, the clock stopped there."""
    with time_machine.travel(MONDAY_MORNING, tick=False):
        client.force_login(reviewer)
        yield client


def test_the_booking_reviewers_group_may_keep_the_diary_but_not_clinicians_profiles():
    group = Group.objects.get(name="Booking reviewers")
    permissions = set(group.permissions.values_list("content_type__app_label", "codename"))

    assert {
        ("bookings", "view_clinicianhours"),
        ("bookings", "change_clinicianhours"),
        ("bookings", "add_weeklyhours"),
        ("bookings", "change_weeklyhours"),
        ("bookings", "delete_weeklyhours"),
        ("bookings", "add_closure"),
        ("bookings", "change_closure"),
        ("bookings", "delete_closure"),
        ("bookings", "change_bookingpolicy"),
    } <= permissions
    assert not {codename for app, codename in permissions if app == "articles"}


def test_a_receptionist_sets_hours_with_a_lunch_break_and_leave_and_the_free_slots_follow(
    monday_desk,
):
    policy()
    priya = ClinicianFactory(name="Priya Raman", offers_free_consultations=False)

    response = save_hours(
        monday_desk,
        priya,
        hours=[("0", "09:00", "10:00"), ("0", "11:00", "11:40")],  # lunch from 10:00 to 11:00
        closures=[("closed", "2026-12-14", "09:20", "09:40", "Dentist")],
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    assert WeeklyHours.objects.filter(clinician=priya).count() == 2
    leave = Closure.objects.get(clinician=priya)
    assert (leave.starts_at, leave.ends_at) == (at(14, 9, 20), at(14, 9, 40))
    slots = availability.free_slots(first_day=NEXT_MONDAY, last_day=NEXT_MONDAY)
    assert starts(slots) == [at(14, 9), at(14, 9, 40), at(14, 11), at(14, 11, 20)]


def test_the_hours_list_sums_up_each_clinicians_week(reviewer_client):
    priya = ClinicianFactory(name="Priya Raman", offers_free_consultations=True)
    for weekday in range(5):
        WeeklyHours.objects.create(clinician=priya, weekday=weekday, starts="09:00", ends="12:30")
        WeeklyHours.objects.create(clinician=priya, weekday=weekday, starts="13:30", ends="17:00")
    WeeklyHours.objects.create(clinician=priya, weekday=5, starts="09:00", ends="12:00")

    page = reviewer_client.get(reverse("admin:bookings_clinicianhours_changelist"))

    assert "Mon–Fri 09:00–12:30, 13:30–17:00; Sat 09:00–12:00" in page.text


def test_overlapping_ranges_on_one_day_are_refused_with_a_message(reviewer_client):
    priya = ClinicianFactory(name="Priya Raman")

    response = save_hours(
        reviewer_client,
        priya,
        hours=[
            ("0", "09:00", "12:30"),
            ("0", "12:00", "17:00"),  # overlaps the morning
            ("1", "09:00", "12:30"),
            ("1", "12:30", "17:00"),  # meets it: fine
        ],
    )

    assert response.status_code == 200
    errors = " ".join(str(error) for error in response.context["errors"])
    assert "Monday: 09:00–12:30 overlaps 12:00–17:00" in errors
    assert "Tuesday" not in errors
    assert not WeeklyHours.objects.exists()


def test_a_range_that_ends_before_it_starts_is_refused_with_a_message(reviewer_client):
    priya = ClinicianFactory(name="Priya Raman")

    response = save_hours(reviewer_client, priya, hours=[("2", "17:00", "09:00")])

    assert response.status_code == 200
    assert "It ends at 09:00, before it starts: end after 17:00." in response.text
    assert not WeeklyHours.objects.exists()


def test_an_extra_session_for_the_whole_clinic_is_a_form_error_not_a_server_error(
    reviewer_client,
):
    response = reviewer_client.post(
        reverse("admin:bookings_closure_add"),
        {
            "clinician": "",
            "kind": "extra",
            "starts_at_0": "2026-12-19",
            "starts_at_1": "09:00",
            "ends_at_0": "2026-12-19",
            "ends_at_1": "12:00",
            "reason": "Saturday clinic",
            "in_force": "on",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["clinician"] == [
        "An extra session is for one clinician: choose who."
    ]
    assert not Closure.objects.exists()


def test_the_policy_opens_on_its_one_row_and_a_new_slot_length_changes_the_slots(monday_desk):
    priya = ClinicianFactory(name="Priya Raman", offers_free_consultations=True)
    WeeklyHours.objects.create(clinician=priya, weekday=0, starts="09:00", ends="10:00")

    listed = monday_desk.get(reverse("admin:bookings_bookingpolicy_changelist"))
    assert listed.status_code == 302
    assert listed.url == reverse("admin:bookings_bookingpolicy_change", args=[1])
    assert monday_desk.get(reverse("admin:bookings_bookingpolicy_add")).status_code == 403

    response = monday_desk.post(
        listed.url,
        {
            "slot_minutes": "30",
            "buffer_minutes": "0",
            "minimum_notice_minutes": "120",
            "days_ahead": "28",
        },
    )

    assert response.status_code == 302
    assert BookingPolicy.objects.get().slot_minutes == 30
    slots = availability.free_slots(first_day=NEXT_MONDAY, last_day=NEXT_MONDAY)
    assert starts(slots) == [at(14, 9), at(14, 9, 30)]


def test_a_bank_holiday_cannot_be_deleted_only_taken_out_of_force(reviewer_client):
    christmas = Closure.objects.create(
        starts_at=at(25, 0),
        ends_at=at(26, 0),
        reason="Bank holiday: Christmas Day",
        bank_holiday=datetime.date(2026, 12, 25),
    )
    delete_url = reverse("admin:bookings_closure_delete", args=[christmas.pk])

    assert reviewer_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Closure.objects.filter(pk=christmas.pk).exists()


def test_article_editors_do_not_see_the_diary(editor_client):
    for name in ("clinicianhours", "closure", "bookingpolicy"):
        assert editor_client.get(reverse(f"admin:bookings_{name}_changelist")).status_code == 403
