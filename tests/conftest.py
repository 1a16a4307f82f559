import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache

from tests.articles.factories import ArticleFactory, TopicFactory


@pytest.fixture
def topic():
    return TopicFactory(name="Low back pain", slug="low-back-pain")


@pytest.fixture
def article(topic):
    return ArticleFactory(topics=[topic])


@pytest.fixture
def editor(django_user_model):
    """A member of staff who may work on articles, and nothing else."""
    user = django_user_model.objects.create_user(
        username="editor", password="a-long-test-password", is_staff=True
    )
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="articles"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached pages and no rate-limit counts."""
    cache.clear()
    yield
    cache.clear()
