"""Staff work requests in Django admin; nobody else can see them."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from bookings.models import ConsultationRequest, StatusChange
from tests.bookings.factories import ConsultationRequestFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:bookings_consultationrequest_changelist")


def act(client, action, requests):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [request.pk for request in requests]},
    )


def test_the_reviewers_group_is_created_by_migration_with_the_bookings_permissions():
    group = Group.objects.get(name="Booking reviewers")

    diary = [
        f"{action}_{model}"
        for model, actions in [
            ("clinicianhours", ["view", "change"]),
            ("weeklyhours", ["view", "add", "change", "delete"]),
            ("closure", ["view", "add", "change", "delete"]),
            ("bookingpolicy", ["view", "change"]),
        ]
        for action in actions
    ]
    requests = ["view_consultationrequest", "change_consultationrequest", "view_statuschange"]
    assert set(group.permissions.values_list("content_type__app_label", "codename")) == {
        ("bookings", codename) for codename in requests + diary
    }


def test_an_article_editor_without_bookings_permissions_cannot_see_requests(editor_client):
    request = ConsultationRequestFactory()

    assert editor_client.get(CHANGELIST).status_code == 403
    change_url = reverse("admin:bookings_consultationrequest_change", args=[request.pk])
    assert editor_client.get(change_url).status_code == 403
    index = editor_client.get(reverse("admin:index"))
    assert "Consultation requests" not in index.text
    assert "new consultation request" not in index.text


def test_the_list_shows_requests_with_a_status_badge_and_source(reviewer_client, article):
    ConsultationRequestFactory(name="Zoë", article=article, help_with="Knee pain")

    page = reviewer_client.get(CHANGELIST)

    assert page.status_code == 200
    assert "Zoë" in page.text
    assert "Knee pain" in page.text
    assert article.title in page.text
    assert '<span class="bookings-badge bookings-badge--new">New</span>' in page.text


def test_search_by_name_email_and_phone(reviewer_client):
    ConsultationRequestFactory(name="Zoë Ångström", email="zoe@example.com", phone="+447912345678")
    ConsultationRequestFactory(name="Li Wei", email="li@example.com")

    for term in ["Ångström", "zoe@example", "7912345678"]:
        page = reviewer_client.get(CHANGELIST, {"q": term})
        assert "Zoë Ångström" in page.text and "Li Wei" not in page.text


def test_filters_by_status_and_failed_email(reviewer_client):
    ConsultationRequestFactory(name="Waiting One")
    ConsultationRequestFactory(name="Failed One", last_email_error="SMTP down")
    ConsultationRequestFactory(name="Closed One", status="closed")

    failed = reviewer_client.get(CHANGELIST, {"email": "failed"})
    closed = reviewer_client.get(CHANGELIST, {"status__exact": "closed"})

    assert "Failed One" in failed.text and "Waiting One" not in failed.text
    assert "Closed One" in closed.text and "Waiting One" not in closed.text


def test_assign_to_me_and_mark_contacted_record_the_history(reviewer_client, reviewer):
    request = ConsultationRequestFactory()

    act(reviewer_client, "assign_to_me", [request])
    act(reviewer_client, "mark_contacted", [request])

    request.refresh_from_db()
    assert request.assigned_to == reviewer
    assert request.status == "contacted"
    assert request.contacted_at is not None
    change = StatusChange.objects.get()
    assert (change.changed_by, change.from_status, change.to_status) == (
        reviewer,
        "new",
        "contacted",
    )
    page = reviewer_client.get(
        reverse("admin:bookings_consultationrequest_change", args=[request.pk])
    )
    assert "Status history" in page.text
    assert "reviewer" in page.text


@pytest.mark.parametrize(
    "action, status", [("mark_booked", "booked"), ("mark_closed", "closed"), ("mark_spam", "spam")]
)
def test_status_actions(reviewer_client, action, status):
    requests = ConsultationRequestFactory.create_batch(2)

    act(reviewer_client, action, requests)

    assert set(ConsultationRequest.objects.values_list("status", flat=True)) == {status}
    assert StatusChange.objects.filter(to_status=status).count() == 2


def test_changing_the_status_on_the_request_page_is_recorded(reviewer_client, reviewer):
    request = ConsultationRequestFactory()
    url = reverse("admin:bookings_consultationrequest_change", args=[request.pk])

    response = reviewer_client.post(
        url,
        {
            "_act": "booked",
            "assigned_to": reviewer.pk,
            "staff_notes": "Booked Tue 10am",
            "status_changes-TOTAL_FORMS": "0",
            "status_changes-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.assigned_to, request.staff_notes) == (
        "booked",
        reviewer,
        "Booked Tue 10am",
    )
    assert StatusChange.objects.get().changed_by == reviewer


def test_resend_emails_queues_what_was_not_delivered(reviewer_client):
    failed = ConsultationRequestFactory(last_email_error="SMTP down")

    act(reviewer_client, "resend_emails", [failed])

    assert DBTaskResult.objects.filter(args_kwargs__args=[failed.pk]).count() == 2


def test_export_selection_to_csv(reviewer_client, article):
    chosen = ConsultationRequestFactory(name='=HYPERLINK("evil")', article=article)
    ConsultationRequestFactory(name="Not chosen")

    response = act(reviewer_client, "export_csv", [chosen])

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    assert rows[0]["name"] == '\'=HYPERLINK("evil")'  # Not a formula in a spreadsheet.
    assert rows[0]["email"] == chosen.email
    assert rows[0]["source article"] == article.title


def test_the_admin_index_shows_how_many_requests_are_new(reviewer_client):
    ConsultationRequestFactory.create_batch(3)
    ConsultationRequestFactory(status="contacted")

    index = reviewer_client.get(reverse("admin:index"))

    assert "3 new consultation requests" in index.text
    assert f'href="{CHANGELIST}?status__exact=new"' in index.text


def test_requests_cannot_be_added_by_hand(reviewer_client):
    assert reviewer_client.get(reverse("admin:bookings_consultationrequest_add")).status_code == 403
