import pytest


@pytest.fixture
def reviewer(django_user_model, booking_reviewers_group):
    user = django_user_model.objects.create_user(
        username="reviewer", password="a-long-test-password", is_staff=True
    )
    user.groups.add(booking_reviewers_group)
    return user


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture(params=["memory", "redis"])
def rate_limit_cache(request, settings):
    """The spam checks count in Django's cache: memory in development, Redis in production."""
    if request.param == "redis":
        settings.CACHES = {
            "default": {
                "BACKEND": "unity_site.redis_cache.SharedClientRedisCache",
                "LOCATION": request.getfixturevalue("redis_url"),
            }
        }
    return request.param
