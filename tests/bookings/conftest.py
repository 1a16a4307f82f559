import pytest
from django.contrib.auth.models import Group, Permission

from bookings import antispam

REVIEWERS = "Booking reviewers"


@pytest.fixture
def form_data():
    """What a reader fills in, with a form-shown token from long enough ago."""

    def make(**overrides):
        data = {
            "name": "Zoë Ångström",
            "email": "zoe@example.com",
            "phone": "07912 345678",
            "help_with": "Low back pain",
            "contact_method": "phone",
            "preferred_times": ["weekday_morning", "saturday"],
            "message": "It hurts when I bend.\nWorse in the mornings.",
            "consent": "on",
            "article": "",
            "referrer": "",
            "utm_source": "",
            "utm_medium": "",
            "utm_campaign": "",
            "shown": antispam.form_shown_token(now=0),  # Shown long ago: not too fast.
            "website": "",
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    return make


def reviewers_group() -> Group:
    """The group the data migration makes (made again if a transactional test flushed it)."""
    group, created = Group.objects.get_or_create(name=REVIEWERS)
    if created:
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label="bookings",
                codename__in=[
                    "view_consultationrequest",
                    "change_consultationrequest",
                    "view_statuschange",
                ],
            )
        )
    return group


@pytest.fixture
def reviewer(django_user_model):
    user = django_user_model.objects.create_user(
        username="reviewer", password="a-long-test-password", is_staff=True
    )
    user.groups.add(reviewers_group())
    return user


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client
