import importlib
import os

import pytest
import redis
from aiosmtpd.controller import Controller
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache, caches
from django.db.migrations import RunPython

from tests.articles.factories import ArticleFactory, TopicFactory
from tests.mail_server import Inbox, free_port
from tests.reader_answers import reader_answers
from unity_site.page_cache import forget_local_copies


@pytest.fixture
def redis_url() -> str:
    """An emptied Redis database for tests of what production keeps in Redis.

    Outside CI a machine without Redis skips these tests; with CI=true that is a failure.
    """
    url = os.environ.get("UNITY_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
    try:
        redis.Redis.from_url(url, socket_timeout=2).flushdb()
    except redis.RedisError:
        message = f"Redis is not answering at {url}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return url


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
    caches["pages"].clear()
    forget_local_copies()
    yield
    cache.clear()
    caches["pages"].clear()
    forget_local_copies()


@pytest.fixture
def smtp_port(settings):
    """Sends the site's mail over SMTP to a port on loopback where nothing listens yet."""
    port = free_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    return port


@pytest.fixture
def start_smtp(smtp_port):
    """Starts a real SMTP server on that port; returns its inbox."""
    controllers = []

    def start():
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        controllers.append(controller)
        return inbox

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def form_data():
    """What a reader fills in, with a form-shown token from long enough ago."""

    def make(**overrides):
        call_back = {
            "contact_method": "phone",
            "preferred_times": ["weekday_morning", "saturday"],
            "message": "It hurts when I bend.\nWorse in the mornings.",
        }
        return reader_answers(**(call_back | overrides))

    return make


@pytest.fixture
def booking_reviewers_group() -> Group:
    """The group the data migrations make (made again, by them, if a transactional test
    flushed it)."""
    if not Group.objects.filter(name="Booking reviewers").exists():
        for migration in ("0002_booking_reviewers_group", "0007_receptionists_manage_the_schedule"):
            module = importlib.import_module(f"bookings.migrations.{migration}")
            for operation in module.Migration.operations:
                if isinstance(operation, RunPython):
                    operation.code(django_apps, None)
    return Group.objects.get(name="Booking reviewers")
