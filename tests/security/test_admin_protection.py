"""The admin: password guessing is refused for a while, staff passwords are strong, and each
member of staff can do only what their group allows."""

import datetime
import io
import logging
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from tests.articles.factories import ArticleFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
LOGIN_URL = "/admin/login/"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        username="physio", password=PASSWORD, is_staff=True
    )


def sign_in(client, username, password, address="192.0.2.10", **headers):
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **headers,
    )


def guess_until_locked_out(client, settings, address="192.0.2.10"):
    """Wrong passwords for "physio" from one address, as many as lock the account."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "physio", "guess", address=address)


def signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def test_staff_sign_in_through_the_admin_form(client, staff):
    response = sign_in(client, "physio", PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_wrong_passwords_for_an_account_lock_it_for_the_cool_off_only(
    client, staff, settings, caplog
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        guess_until_locked_out(client, settings)

        with caplog.at_level(logging.WARNING):
            refused = sign_in(client, "physio", PASSWORD)

    assert refused.status_code == 429
    assert "Sign-in is paused" in refused.text
    assert not signed_in(client)
    assert any("sign-in refused" in record.getMessage() for record in caplog.records)

    # The attacker keeps trying during the cool-off: that does not make the lockout longer.
    with time_machine.travel(start + settings.AXES_COOLOFF_TIME / 2, tick=False):
        assert sign_in(client, "physio", "guess").status_code == 429
    with time_machine.travel(start + settings.AXES_COOLOFF_TIME + timedelta(seconds=1), tick=False):
        response = sign_in(client, "physio", PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_a_refused_member_of_staff_is_told_how_long_to_wait_and_what_to_do(client, staff, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=20)
    guess_until_locked_out(client, settings)

    refused = sign_in(client, "physio", PASSWORD)

    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("text/html")
    page = refused.text
    assert "<title>Sign-in paused – Unity" in page
    assert "paused for up to 20 minutes" in page
    assert f'href="{LOGIN_URL}"' in page
    assert "forgotten your password" in page
    assert '<meta name="robots" content="noindex">' in page
    # The site's own page, under its security headers.
    assert "default-src 'self'" in refused["Content-Security-Policy"]


def test_guesses_from_elsewhere_do_not_lock_a_member_of_staff_out(client, staff, settings):
    guess_until_locked_out(client, settings, address="198.51.100.66")

    assert sign_in(client, "physio", PASSWORD, address="198.51.100.66").status_code == 429
    assert sign_in(client, "physio", PASSWORD, address="203.0.113.7").status_code == 302


def test_a_client_guessing_many_accounts_is_refused_for_every_account_but_others_are_not(
    client, staff, settings
):
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT
    attacker = "198.51.100.66"
    # A few failures for a few accounts: under the per-client limit, nobody is refused.
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"staff{number}", "guess", address=attacker)
    assert sign_in(client, "physio", PASSWORD, address=attacker).status_code == 302
    client.logout()

    for number in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT - settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"other{number}", "guess", address=attacker)

    assert sign_in(client, "physio", PASSWORD, address=attacker).status_code == 429
    assert sign_in(client, "someone-new", "guess", address=attacker).status_code == 429
    assert sign_in(client, "physio", PASSWORD, address="203.0.113.7").status_code == 302


def test_an_ipv6_client_is_counted_by_its_64_network(client, staff, settings):
    """A client can pick a new address in its /64 at will (unity_site/client_ip.py)."""
    for number in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        sign_in(client, f"staff{number}", "guess", address=f"2001:db8:1:2::{number + 1:x}")

    assert sign_in(client, "physio", PASSWORD, address="2001:db8:1:2:ffff::9").status_code == 429
    assert sign_in(client, "physio", PASSWORD, address="2001:db8:1:3::1").status_code == 302


def test_the_refusal_says_when_to_try_again(client, staff, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=20)
    guess_until_locked_out(client, settings)

    refused = sign_in(client, "physio", PASSWORD)

    assert refused.status_code == 429
    assert refused["Retry-After"] == "1200"


def test_behind_the_proxy_clients_are_told_apart_by_the_proxy_header(client, staff, settings):
    """Every request reaches Django from the proxy's address: counting that would lock out
    all staff at once."""
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    proxy = "10.0.0.2"
    for number in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        sign_in(
            client,
            f"staff{number}",
            "guess",
            address=proxy,
            HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.66",
        )

    attacker = sign_in(
        client, "physio", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.66"
    )
    assert attacker.status_code == 429
    colleague = sign_in(
        client, "physio", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert colleague.status_code == 302


def test_the_test_clients_login_still_works(client, staff):
    assert client.login(username="physio", password=PASSWORD)
    assert signed_in(client)
    client.logout()
    assert not client.login(username="physio", password="wrong")


def test_a_staff_session_ends_after_a_working_day_without_activity(client, staff):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert sign_in(client, "physio", PASSWORD).status_code == 302

    # Working on: each request starts the working day again.
    for hours in (9, 18, 27):
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            assert signed_in(client)
    with time_machine.travel(start + timedelta(hours=27 + 10, seconds=1), tick=False):
        assert not signed_in(client)


def test_readers_are_given_no_session(client, settings):
    response = client.get("/")

    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies


@pytest.mark.parametrize("weak", ["newphysio1", "password", "12345678901", "short1"])
def test_staff_cannot_be_given_a_weak_password(admin_client, django_user_model, weak):
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {"username": "newphysio", "usable_password": "true", "password1": weak, "password2": weak},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not django_user_model.objects.filter(username="newphysio").exists()


def test_staff_can_be_given_a_strong_password(admin_client, django_user_model):
    strong = "correct horse battery staple 42"
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newphysio",
            "usable_password": "true",
            "password1": strong,
            "password2": strong,
        },
    )

    assert response.status_code == 302
    assert django_user_model.objects.get(username="newphysio").check_password(strong)


@pytest.fixture
def member(client, django_user_model):
    def make(group_name):
        user = django_user_model.objects.create_user(
            username=group_name.lower().replace(" ", "-"), password=PASSWORD, is_staff=True
        )
        user.groups.add(Group.objects.get(name=group_name))
        client.force_login(user)
        return client

    return make


def test_the_three_groups_exist_after_migrating():
    names = set(Group.objects.values_list("name", flat=True))

    assert {"Editors", "Clinical reviewers", "Booking reviewers"} <= names


def test_editors_write_articles_but_cannot_see_consultation_requests(member):
    editor = member("Editors")
    article = ArticleFactory()

    change = reverse("admin:articles_article_change", args=[article.pk])
    delete = reverse("admin:articles_article_delete", args=[article.pk])

    assert editor.get(reverse("admin:articles_article_add")).status_code == 200
    assert editor.get(change).status_code == 200
    assert editor.get(delete).status_code == 200
    assert editor.get(reverse("admin:articles_clinician_add")).status_code == 200
    assert editor.get(reverse("admin:bookings_consultationrequest_changelist")).status_code == 403
    assert editor.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_clinical_reviewers_record_reviews_but_cannot_add_delete_or_publish(member):
    reviewer = member("Clinical reviewers")
    article = ArticleFactory()

    page = reviewer.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert page.status_code == 200
    assert 'name="last_reviewed"' in page.text
    assert reviewer.get(reverse("admin:articles_article_add")).status_code == 403
    delete_url = reverse("admin:articles_article_delete", args=[article.pk])
    assert reviewer.get(delete_url).status_code == 403
    assert reviewer.get(reverse("admin:bookings_consultationrequest_changelist")).status_code == 403


def test_a_clinical_review_changes_only_the_review_dates(member):
    reviewer = member("Clinical reviewers")
    article = ArticleFactory(title="Original title", draft=True)
    change = reverse("admin:articles_article_change", args=[article.pk])

    assert 'name="title"' not in reviewer.get(change).text
    response = reviewer.post(
        change,
        {
            "title": "Changed by a reviewer",
            "status": "published",
            "reviewed_by": article.author.pk,
            "last_reviewed": "2026-11-20",
            "next_review_due": "",
            "references-TOTAL_FORMS": "0",
            "references-INITIAL_FORMS": "0",
        },
    )
    reviewer.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish", "_selected_action": [article.pk]},
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.last_reviewed == datetime.date(2026, 11, 20)
    assert article.reviewed_by == article.author
    assert article.title == "Original title"
    assert article.status == "draft"


def test_booking_reviewers_see_requests_but_cannot_edit_articles(member):
    booking_reviewer = member("Booking reviewers")

    requests_page = reverse("admin:bookings_consultationrequest_changelist")
    assert booking_reviewer.get(requests_page).status_code == 200
    assert booking_reviewer.get(reverse("admin:articles_article_add")).status_code == 403


def test_no_demo_login_can_be_made_outside_development(settings, django_user_model):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="development only"):
        call_command("load_demo_content", stdout=io.StringIO())

    assert not django_user_model.objects.exists()
