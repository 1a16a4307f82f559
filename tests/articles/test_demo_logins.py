"""`make run`'s demo logins: one per staff role, each seeing in admin only what its role may
touch (docs/security.md, "Staff roles")."""

import io

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "unity-dev-only"
ARTICLES = {"articles.article", "articles.clinician", "articles.topic"}
# The requests, and the clinic's diary (hours, closures, booking policy).
REQUESTS = {
    "bookings.consultationrequest",
    "bookings.clinicianhours",
    "bookings.closure",
    "bookings.bookingpolicy",
}


@pytest.fixture
def load_demo(settings):
    settings.DEBUG = True

    def load() -> str:
        output = io.StringIO()
        call_command("load_demo_content", stdout=output)
        return output.getvalue()

    return load


@pytest.fixture
def sign_in(client):
    """Signs in through the admin's own form, as a person would."""

    def sign_in_as(username):
        response = client.post(
            reverse("admin:login"),
            {"username": username, "password": PASSWORD, "next": reverse("admin:index")},
        )
        assert response.status_code == 302, f"{username} could not sign in"
        return client

    return sign_in_as


def admin_index(client) -> dict[str, dict[str, bool]]:
    """The admin index as one person sees it: each model listed, with what they may do."""
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return {
        f"{app['app_label']}.{model['object_name'].lower()}": model["perms"]
        for app in response.context["app_list"]
        for model in app["models"]
    }


def test_the_demo_editor_sees_articles_but_not_consultation_requests(load_demo, sign_in):
    load_demo()
    editor = sign_in("editor")

    index = admin_index(editor)

    assert set(index) == ARTICLES
    assert index["articles.article"] == {"add": True, "change": True, "delete": True, "view": True}
    assert editor.get(reverse("admin:bookings_consultationrequest_changelist")).status_code == 403


def test_the_demo_reviewer_sees_articles_to_review_and_can_add_or_delete_nothing(
    load_demo, sign_in
):
    load_demo()
    reviewer = sign_in("reviewer")

    index = admin_index(reviewer)

    assert set(index) == ARTICLES
    # "change" is the review form: the reviewer records a review and changes nothing else.
    assert index["articles.article"] == {
        "add": False,
        "change": True,
        "delete": False,
        "view": True,
    }
    assert index["articles.topic"] == {"add": False, "change": False, "delete": False, "view": True}
    assert reviewer.get(reverse("admin:articles_article_add")).status_code == 403
    assert reviewer.get(reverse("admin:bookings_consultationrequest_changelist")).status_code == 403


def test_the_demo_receptionist_sees_consultation_requests_but_not_articles(load_demo, sign_in):
    load_demo()
    receptionist = sign_in("receptionist")

    index = admin_index(receptionist)

    assert set(index) == REQUESTS
    changelist = reverse("admin:bookings_consultationrequest_changelist")
    assert receptionist.get(changelist).status_code == 200
    assert receptionist.get(reverse("admin:articles_article_changelist")).status_code == 403


def test_the_demo_administrator_sees_everything(load_demo, sign_in):
    load_demo()
    administrator = sign_in("administrator")

    index = admin_index(administrator)

    registered = {
        f"{model._meta.app_label}.{model._meta.model_name}" for model in admin.site._registry
    }
    assert set(index) == registered
    assert ARTICLES | REQUESTS | {"auth.user", "auth.group"} <= registered


def test_each_demo_login_is_printed_with_the_admin_url(load_demo, settings):
    settings.SITE_URL = "http://127.0.0.1:8100"

    output = load_demo()

    assert "http://127.0.0.1:8100/admin/" in output
    for username in ("editor", "reviewer", "receptionist", "administrator"):
        assert sum(f"{username} / {PASSWORD} " in line for line in output.splitlines()) == 1


def test_loading_the_demo_twice_makes_no_new_logins_and_keeps_their_passwords(
    load_demo, sign_in, django_user_model
):
    load_demo()
    first = {user.username: (user.pk, user.password) for user in django_user_model.objects.all()}

    load_demo()

    again = {user.username: (user.pk, user.password) for user in django_user_model.objects.all()}
    assert again == first
    assert set(first) == {"editor", "reviewer", "receptionist", "administrator"}
    for user in django_user_model.objects.all():
        assert user.groups.count() == (0 if user.is_superuser else 1)
    for username in first:
        sign_in(username).logout()


def test_an_old_superuser_demo_editor_becomes_an_editor_only(load_demo, django_user_model):
    django_user_model.objects.create_superuser(username="editor", password=PASSWORD)

    load_demo()

    editor = django_user_model.objects.get(username="editor")
    assert not editor.is_superuser
    assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]


def test_the_demo_refuses_to_make_logins_without_the_staff_groups(load_demo):
    Group.objects.filter(name="Clinical reviewers").delete()

    with pytest.raises(
        CommandError, match="Clinical reviewers are missing: run `manage.py migrate`"
    ):
        load_demo()
